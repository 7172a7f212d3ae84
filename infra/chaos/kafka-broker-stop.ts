/**
 * Chaos drill on the distributed mode: the service runs on PostgreSQL + Kafka (TRUST_MODE=distributed,
 * a PostgreSQL cluster, a broker and a schema registry of the drill's own); mid-load the broker is stopped for 10 s
 * (infra/kafka/stop.sh, then start.sh), while the producer keeps sending and retries what was not
 * acknowledged. Since the store of record is PostgreSQL, ingest should not notice: the relay
 * publishes what was stored meanwhile once the broker is back. Audits as kill-restart does: recovery time (broker back →
 * first 202), time to detect, events lost and duplicates (both must be 0), the alert verdict.
 * Skips with a clear message when the Kafka scripts or the Kafka mode are not available.
 *   CHAOS_KAFKA_PORT (default 29092, a broker of the drill's own), CHAOS_PG_PORT (25432), CHAOS_REGISTRY_PORT (28081), CHAOS_RPS (100), CHAOS_SECONDS (25), CHAOS_KILL_AT (5), CHAOS_BROKER_DOWN_S (10)
 * With CHAOS_OBSERVE=1 it runs on the live alert path (Prometheus + Alertmanager, drill profile:
 * windows / 60, so 10 s of outage weighs like 10 min): it marks the fault on the log, waits for the
 * page, acknowledges it as the scripted on-call and reports detect_s, ack_s and resolve_s too.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSloSpec } from '../../projections/ops/slo-spec';
import { issueAdminKey, issueKey, ROOT, startServe, stopServe } from '../load/service-process';
import { alertVerdict, eventsOnLog, retryUnacknowledged, steadyLoad, type DrillTarget } from './drill';
import { acknowledgeAll, byDelivery, listAlerts, pollUntil, postFaultMarker, round2, startDrillStack, untilResolved } from './live-drill-kit';

const START = join(ROOT, 'infra', 'kafka', 'start.sh');
const STOP = join(ROOT, 'infra', 'kafka', 'stop.sh');
const PG_START = join(ROOT, 'infra', 'postgres', 'start.sh');
const PG_STOP = join(ROOT, 'infra', 'postgres', 'stop.sh');
const PG_PORT = process.env.CHAOS_PG_PORT ?? '25432';
const PG_RUN_DIR = mkdtempSync(join(tmpdir(), 'trust-chaos-pg-'));
const REGISTRY_START = join(ROOT, 'infra', 'registry', 'start.sh');
const REGISTRY_STOP = join(ROOT, 'infra', 'registry', 'stop.sh');
const SCHEMA_REGISTRY_PORT = process.env.CHAOS_REGISTRY_PORT ?? '28081';
const SCHEMA_REGISTRY_RUN_DIR = mkdtempSync(join(tmpdir(), 'trust-chaos-registry-'));

// A port of its own, so the drill never stops a broker someone else is using.
const KAFKA_PORT = process.env.CHAOS_KAFKA_PORT ?? '29092';

function run(script: string, ...args: string[]): void {
  const r = spawnSync('bash', [script, ...args], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, KAFKA_PORT, PG_PORT, PG_RUN_DIR, SCHEMA_REGISTRY_PORT, SCHEMA_REGISTRY_RUN_DIR } });
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status}`);
}

/**
 * The live stack around the service this drill started itself (CHAOS_OBSERVE=1): Prometheus and
 * Alertmanager on the drill profile, a webhook key made in the service's data directory, fault
 * markers, the scripted on-call, and the figures at the end.
 */
interface ObservedDrill {
  markFault(tag: 'fault-start' | 'fault-end', text: string): Promise<void>;
  /** Waits (bounded) for the first page after the fault, acknowledges every page, waits for the first to resolve. */
  pageFigures(faultStart: number, faultEnd: number, waitMs: number): Promise<{ detect_s: number | null; ack_s: number | null; resolve_s: number | null; pages: string[] }>;
  stop(): Promise<void>;
}

async function observeDrill(base: string, port: number, dataDir: string, adminKey: string, runId: string): Promise<ObservedDrill> {
  const stack = await startDrillStack(base, port, issueKey(dataDir, 'system', 'producer'), {});
  const alerts = () => listAlerts(base, adminKey);
  return {
    async markFault(tag, text) {
      // The service may still be recovering from the fault: retried until stored (same id, idempotent).
      await pollUntil(`the ${tag} marker`, Date.now() + 60000, async () => postFaultMarker(base, adminKey, runId, tag, text).then(() => true, () => undefined), 500);
    },
    async pageFigures(faultStart, faultEnd, waitMs) {
      const first = await pollUntil('a page', Date.now() + waitMs, async () => (await alerts()).find((a) => a.severity === 'page'), 500).catch(() => undefined);
      if (!first) return { detect_s: null, ack_s: null, resolve_s: null, pages: [] };
      const pages = (await alerts()).filter((a) => a.severity === 'page').sort(byDelivery);
      const page = pages[0];
      const acked = await acknowledgeAll(base, adminKey, pages);
      const resolved = await untilResolved('the page to resolve', Date.now() + 120000, alerts, page.id);
      return {
        detect_s: round2((Date.parse(page.receivedAt!) - faultStart) / 1000),
        ack_s: acked?.ackSeconds ?? null,
        resolve_s: round2((Date.parse(resolved.resolvedAt!) - faultEnd) / 1000),
        pages: [...new Set(pages.map((p) => p.alert))],
      };
    },
    stop: () => stack.stop(),
  };
}

function skip(reason: string): void {
  console.log(`skipped: ${reason}`);
  console.log(JSON.stringify({ bench: 'chaos-kafka-broker-stop', figures: {}, ratios: {}, targets: { events_lost: 0, duplicates: 0 }, pass: false, skipped: reason }));
}

async function main(): Promise<void> {
  if (!existsSync(START) || !existsSync(STOP)) return skip('infra/kafka/start.sh and stop.sh are not in this checkout yet');
  const spec = loadSloSpec();
  const rps = Number(process.env.CHAOS_RPS ?? 100);
  const seconds = Number(process.env.CHAOS_SECONDS ?? 25);
  const stopAt = Number(process.env.CHAOS_KILL_AT ?? 5);
  const downS = Number(process.env.CHAOS_BROKER_DOWN_S ?? 10);
  const env = {
    TRUST_MODE: 'distributed',
    KAFKA_BROKERS: `127.0.0.1:${KAFKA_PORT}`,
    DATABASE_URL: `postgres://trust@127.0.0.1:${PG_PORT}/trust`,
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${SCHEMA_REGISTRY_PORT}/apis/ccompat/v7`,
    TRUST_ZK_SECRET: randomBytes(32).toString('hex'),
  };
  run(START);
  run(PG_START);
  run(REGISTRY_START);
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-chaos-kafka-'));
  // `trust tenant add` (issueAdminKey) reads the same environment.
  Object.assign(process.env, env);
  let svc;
  let observed: ObservedDrill | undefined;
  try {
    const key = issueAdminKey(dataDir, 'chaos');
    svc = await startServe(dataDir, 0, env).catch((err) => {
      skip(`the service does not start in distributed mode: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    });
    if (!svc) return;
    const target: DrillTarget = { url: () => `http://127.0.0.1:${svc!.port}`, key };
    const runId = `kafka-${Date.now().toString(36)}`;
    if (process.env.CHAOS_OBSERVE === '1') observed = await observeDrill(target.url(), svc.port, dataDir, key, runId);
    let brokerBackAt = 0;
    let stoppedAt = 0;
    const fault = async () => {
      await observed?.markFault('fault-start', `Kafka broker stopped for ${downS} s`);
      stoppedAt = Date.now();
      run(STOP, '--keep-data'); // the broker comes back on its own log, as after a real outage
      await new Promise((r) => setTimeout(r, downS * 1000));
      run(START);
      brokerBackAt = Date.now();
    };
    const { outcomes, faultStartedAt, faultDone } = await steadyLoad(target, rps, seconds, stopAt, fault);
    await faultDone;
    await observed?.markFault('fault-end', 'Kafka broker back');
    const paged = observed ? await observed.pageFigures(stoppedAt, brokerBackAt, 60000) : undefined;
    const failedDuring = outcomes.filter((o) => !o.acked && o.sentAt >= stoppedAt);
    const firstFailure = failedDuring.sort((a, b) => a.doneAt - b.doneAt)[0];
    const retried = await retryUnacknowledged(target, outcomes);
    const onLog = await eventsOnLog(target);
    const acked = new Set(outcomes.filter((o) => o.acked).map((o) => `${o.n}`));
    const logIds = new Set(onLog.map((e) => e.id.slice(e.id.lastIndexOf('-') + 1)));
    const firstAckAfter = outcomes.filter((o) => o.acked && o.sentAt >= brokerBackAt).sort((a, b) => a.doneAt - b.doneAt)[0];
    const result = {
      drill: 'kafka-broker-stop',
      rps,
      seconds,
      brokerDownS: downS,
      sent: new Set(outcomes.map((o) => o.n)).size,
      failedAttempts: outcomes.filter((o) => !o.acked).length,
      retried,
      eventsOnLog: onLog.length,
      eventsLost: [...acked].filter((n) => !logIds.has(n)).length,
      duplicates: onLog.length - new Set(onLog.map((e) => e.text)).size,
      recoveryMs: firstAckAfter ? firstAckAfter.doneAt - brokerBackAt : null,
      detectMs: firstFailure ? firstFailure.doneAt - stoppedAt : null,
      alert: alertVerdict(spec, outcomes, rps, faultStartedAt),
      paged,
    };
    console.log(JSON.stringify(result, null, 2));
    const dir = join(__dirname, 'reports');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `kafka-broker-stop-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
    const pass = result.eventsLost === 0 && result.duplicates === 0 && result.recoveryMs !== null;
    console.log(JSON.stringify({ bench: 'chaos-kafka-broker-stop', figures: { recovery_ms: result.recoveryMs, detect_ms: result.detectMs, events_lost: result.eventsLost, duplicates: result.duplicates, failed_attempts: result.failedAttempts, alert_would_fire: result.alert.wouldFire ? 1 : 0, ...(paged ? { detect_s: paged.detect_s, ack_s: paged.ack_s, resolve_s: paged.resolve_s, lost: result.eventsLost, duplicated: result.duplicates } : {}) }, ratios: {}, targets: { events_lost: 0, duplicates: 0 }, pass }));
    if (!pass) process.exitCode = 1;
  } finally {
    if (observed) await observed.stop();
    if (svc) await stopServe(svc);
    run(STOP);
    run(PG_STOP);
    run(REGISTRY_STOP);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(PG_RUN_DIR, { recursive: true, force: true });
    rmSync(SCHEMA_REGISTRY_RUN_DIR, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`chaos: ${err?.stack ?? err}`);
    process.exit(1);
  });
}
