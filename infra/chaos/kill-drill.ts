/**
 * `make chaos-kill` on the live stack: SIGKILL `trust serve` mid-load, restart it on the same port
 * after `downMs` (a supervisor), the producer resending what was not acknowledged. The SLO alerts
 * read the service's own metrics and cannot see a dead process; TrustInstanceDown (up == 0 for 1 m,
 * infra/prometheus/instance-rules.yml, not scaled) can. A restart within a minute must not page;
 * a longer outage must page — delivered once the service (its own webhook receiver) is back,
 * since Alertmanager retries the delivery — and is acknowledged and resolved like any page.
 */
import type { AlertView } from '../../projections/ops/alerts';
import { startServe } from '../load/service-process';
import { acknowledgeAll, auditLog, byDelivery, listAlerts, onLiveStack, pollUntil, postFaultMarker, Producer, readLog, round2, sleep, timelineRecorder, untilResolved, type DrillFigures, type DrillOptions, type TimelineEntry } from './live-drill-kit';

/** The pages a dead instance must raise (infra/prometheus/instance-rules.yml). */
export const INSTANCE_ALERTS = ['TrustInstanceDown', 'TrustAllInstancesDown'];

export interface KillDrillResult {
  drill: 'kill-restart';
  run: string;
  rps: number;
  downMs: number;
  faultStartedAt: string;
  restartedAt: string;
  alerts: AlertView[];
  figures: DrillFigures & { downtime_s: number };
  timeline: TimelineEntry[];
}

export async function runKillDrill(opts: DrillOptions & { downMs?: number } = {}): Promise<KillDrillResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const rps = opts.rps ?? 40;
  const downMs = opts.downMs ?? 0;
  const run = `kill-${Date.now().toString(36)}`;
  const { timeline, mark } = timelineRecorder(log);
  const env = { TRUST_SLO_SAMPLE_SECONDS: '1' };
  return onLiveStack(env, opts, async (live) => {
    const { base, oncallKey, stack, dataDir } = live;
    const port = live.svc.port;
    mark(`stack up: service ${base}, Prometheus ${stack.prometheusUrl}, Alertmanager ${stack.alertmanagerUrl}`);
    const alerts = () => listAlerts(base, oncallKey);
    const annotate = (tag: string, text: string) => postFaultMarker(base, oncallKey, run, tag, text);
    const producer = new Producer(base, oncallKey, run, rps);
    producer.start();
    await sleep(5000);
    await annotate('fault-start', `SIGKILL trust serve; restart after ${downMs} ms`);
    const killedAt = Date.now();
    mark(`SIGKILL trust serve (restart after ${downMs} ms)`);
    live.svc.proc.kill('SIGKILL');
    await live.svc.exited;
    if (downMs > 0) await sleep(downMs);
    live.svc = await startServe(dataDir, port, env);
    const restartedAt = Date.now();
    mark(`restarted on the same port after ${restartedAt - killedAt} ms`);
    await annotate('fault-end', 'service restarted');
    const instanceFor = 60; // infra/prometheus/instance-rules.yml: up == 0 for 1m
    let page: AlertView | undefined;
    let acked: AlertView | undefined;
    let resolved: AlertView | undefined;
    if (restartedAt - killedAt > (instanceFor + 2) * 1000) {
      // One instance: TrustAllInstancesDown pages with TrustInstanceDown; both belong to this incident.
      const ours = (a: AlertView) => INSTANCE_ALERTS.includes(a.alert) && a.severity === 'page';
      await pollUntil('TrustInstanceDown', Date.now() + 60000, async () => (await alerts()).find((a) => a.alert === 'TrustInstanceDown'), 500);
      const pages = (await alerts()).filter(ours).sort(byDelivery);
      page = pages[0];
      mark(`page delivered: ${pages.map((p) => p.alert).join(', ')}`, Date.parse(page.receivedAt!));
      acked = await acknowledgeAll(base, oncallKey, pages);
      mark(`acknowledged by ${acked!.acknowledgedBy}`, Date.parse(acked!.acknowledgedAt!));
      resolved = await untilResolved('TrustInstanceDown to resolve', Date.now() + 150000, alerts, page.id);
      mark('page resolved', Date.parse(resolved.resolvedAt!));
    } else {
      // Long enough for anything the kill could trigger: the SLO page rules (short window + for) and the scrape gap.
      await sleep(20000);
      mark(`watched 20 s after the restart: ${(await alerts()).length} alert(s) delivered`);
    }
    await producer.stop(Date.now() + 60000);
    const events = await readLog(base, oncallKey);
    const { lost, duplicated } = auditLog(events, run, producer.acked);
    const all = await alerts();
    const expectedPage = page ? all.filter((a) => INSTANCE_ALERTS.includes(a.alert)).map((a) => a.id) : [];
    return {
      drill: 'kill-restart',
      run,
      rps,
      downMs,
      faultStartedAt: new Date(killedAt).toISOString(),
      restartedAt: new Date(restartedAt).toISOString(),
      alerts: all,
      figures: {
        detect_s: page ? round2((Date.parse(page.receivedAt!) - killedAt) / 1000) : null,
        ack_s: acked?.ackSeconds ?? null,
        resolve_s: resolved ? round2((Date.parse(resolved.resolvedAt!) - restartedAt) / 1000) : null,
        lost,
        duplicated,
        false_pages: all.filter((a) => a.severity === 'page' && !expectedPage.includes(a.id)).length,
        sent: producer.sent,
        failed_attempts: producer.failedAttempts,
        downtime_s: round2((restartedAt - killedAt) / 1000),
      },
      timeline,
    };
  });
}
