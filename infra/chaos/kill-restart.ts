/**
 * Chaos drill: SIGKILL `trust serve` mid-load, restart it at once (as a supervisor would) on the
 * same port and data directory, let the producer retry what was not acknowledged, then audit the
 * log. Prints the result and a last JSON line; saves it under infra/chaos/reports/.
 *   CHAOS_RPS (default 150), CHAOS_SECONDS (default 12), CHAOS_KILL_AT (default 4 s), CHAOS_DOWN_MS (default 0)
 * With CHAOS_OBSERVE=1 it runs on the live alert path instead (infra/chaos/kill-drill.ts runKillDrill:
 * Prometheus + Alertmanager, drill profile): no page for a quick restart, TrustInstanceDown paged,
 * acknowledged and resolved for an outage over a minute (CHAOS_DOWN_MS=70000).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSloSpec } from '../../projections/ops/slo-spec';
import { issueAdminKey, startServe, stopServe, type ServiceProcess } from '../load/service-process';
import { runKillDrill } from './kill-drill';
import { alertVerdict, instanceDownVerdict, eventsOnLog, probeUntilDown, retryUnacknowledged, steadyLoad, type DrillResult, type DrillTarget } from './drill';

async function observed(): Promise<void> {
  const r = await runKillDrill({ rps: Number(process.env.CHAOS_RPS ?? 40), downMs: Number(process.env.CHAOS_DOWN_MS ?? 0) });
  const dir = join(__dirname, 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `kill-restart-observed-${r.faultStartedAt.replace(/[:.]/g, '-')}.json`), JSON.stringify(r, null, 2));
  const f = r.figures;
  const shouldPage = f.downtime_s > 62;
  const pass = f.lost === 0 && f.duplicated === 0 && f.false_pages === 0 && (shouldPage ? f.detect_s !== null && f.ack_s !== null && f.resolve_s !== null : r.alerts.length === 0);
  console.log(JSON.stringify({ bench: 'chaos-kill-restart', figures: f, ratios: {}, targets: { lost: 0, duplicated: 0, false_pages: 0 }, pass }));
  if (!pass) process.exitCode = 1;
}

async function main(): Promise<void> {
  if (process.env.CHAOS_OBSERVE === '1') return observed();
  const spec = loadSloSpec();
  const rps = Number(process.env.CHAOS_RPS ?? 150);
  const seconds = Number(process.env.CHAOS_SECONDS ?? 12);
  const killAt = Number(process.env.CHAOS_KILL_AT ?? 4);
  // How long the process stays dead before the supervisor restarts it (0 = at once).
  const downMs = Number(process.env.CHAOS_DOWN_MS ?? 0);
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-chaos-'));
  const key = issueAdminKey(dataDir, 'chaos');
  let svc: ServiceProcess = await startServe(dataDir);
  const port = svc.port;
  const target: DrillTarget = { url: () => `http://127.0.0.1:${port}`, key };
  let killedAt = 0;
  let restartedAt = 0;
  try {
    const probe = probeUntilDown(target.url, Date.now() + seconds * 1000 + 5000);
    const fault = async () => {
      killedAt = Date.now();
      svc.proc.kill('SIGKILL');
      await svc.exited;
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      svc = await startServe(dataDir, port);
      restartedAt = Date.now();
    };
    const { outcomes, faultStartedAt, faultDone } = await steadyLoad(target, rps, seconds, killAt, fault);
    await faultDone;
    const downSeenAt = await probe;
    const retried = await retryUnacknowledged(target, outcomes);
    const onLog = await eventsOnLog(target);
    const acked = new Set(outcomes.filter((o) => o.acked).map((o) => `${o.n}`));
    const logIds = new Set(onLog.map((e) => e.id.slice(e.id.lastIndexOf('-') + 1)));
    const sentDistinct = new Set(outcomes.map((o) => o.n)).size;
    const firstAckAfter = outcomes.filter((o) => o.acked && o.sentAt >= faultStartedAt).sort((a, b) => a.doneAt - b.doneAt)[0];
    const result: DrillResult = {
      drill: 'kill-restart',
      rps,
      seconds,
      sent: sentDistinct,
      acknowledged: acked.size,
      failedAttempts: outcomes.filter((o) => !o.acked).length,
      retried,
      eventsOnLog: onLog.length,
      eventsLost: [...acked].filter((n) => !logIds.has(n)).length,
      neverStored: sentDistinct - logIds.size,
      duplicates: onLog.length - new Set(onLog.map((e) => e.text)).size,
      recoveryMs: firstAckAfter ? firstAckAfter.doneAt - killedAt : null,
      detectMs: downSeenAt && downSeenAt >= killedAt ? downSeenAt - killedAt : null,
      clientErrorRatio: outcomes.filter((o) => !o.acked).length / outcomes.length,
      alert: alertVerdict(spec, outcomes, rps, faultStartedAt),
      instanceDown: instanceDownVerdict(restartedAt - killedAt),
    };
    console.log(`kill -9 at ${killAt} s of ${seconds} s at ${rps} rps; restarted after ${restartedAt - killedAt} ms`);
    console.log(`recovery (kill → first 202): ${result.recoveryMs} ms; time to detect (blackbox /healthz probe): ${result.detectMs} ms`);
    console.log(`sent ${result.sent} events, ${result.failedAttempts} attempts failed and were retried (${retried} retries); on the log: ${result.eventsOnLog}; acknowledged but lost: ${result.eventsLost}; sent but never stored after retries: ${result.neverStored}; duplicates: ${result.duplicates}`);
    console.log(`alert ${result.alert.alert}: ${result.alert.wouldFire ? 'WOULD FIRE' : 'would not fire'} — ${result.alert.reasoning}; short-window breach after ${result.alert.shortWindowBreachMs ?? '–'} ms`);
    console.log(`alert ${result.instanceDown!.alert}: ${result.instanceDown!.wouldFire === true ? 'WOULD FIRE' : result.instanceDown!.wouldFire === 'maybe' ? 'may fire' : 'would not fire'} — ${result.instanceDown!.reasoning}`);
    const dir = join(__dirname, 'reports');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `kill-restart-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
    const pass = result.eventsLost === 0 && result.neverStored === 0 && result.duplicates === 0 && result.recoveryMs !== null;
    console.log(JSON.stringify({ bench: 'chaos-kill-restart', figures: { recovery_ms: result.recoveryMs, detect_ms: result.detectMs, events_lost: result.eventsLost, duplicates: result.duplicates, failed_attempts: result.failedAttempts, alert_would_fire: result.alert.wouldFire ? 1 : 0, instance_down_would_fire: result.instanceDown!.wouldFire === true ? 1 : 0, downtime_ms: restartedAt - killedAt }, ratios: {}, targets: { events_lost: 0, duplicates: 0 }, pass }));
    if (!pass) process.exitCode = 1;
  } finally {
    await stopServe(svc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`chaos: ${err?.stack ?? err}`);
    process.exit(1);
  });
}
