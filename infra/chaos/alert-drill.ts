/**
 * The alert-path drill (`make drill`): the real service, Prometheus and Alertmanager (the drill
 * profile of infra/slo.yaml: every window and `for:` divided by its scale), steady ingest from a
 * producer that retries what was not acknowledged (same event id, as the SDKs do), and faults
 * injected into a fraction of POST /v1/events (TRUST_FAULT_INJECTION, PUT /chaos/faults):
 *   1. quiet: a full long page window of clean traffic — nothing may be delivered;
 *   2. blip: 100% 503s for 10 s of production time (10 s / scale) — must not page;
 *   3. burst: a sustained 5% of 503s, marked on the log (AnnotationAdded tagged fault-start) —
 *      must page; the scripted on-call acknowledges the page through POST /v1/ops/alerts/:id/ack
 *      as soon as it sees it; the fault ends (tagged fault-end) and the page must resolve;
 *   4. audit: every acknowledged event on the log once (lost = duplicated = 0), the alert events
 *      recorded once per occurrence, and the SLO page's burn rates equal to Prometheus' query.
 * Figures come from the log (the ops.alerts projection), not from the drill's own stopwatch.
 */
import { durationSeconds, loadSloSpec } from '../../projections/ops/slo-spec';
import type { AlertView } from '../../projections/ops/alerts';
import { designedDetectSeconds, loadProfiles } from '../prometheus/profiles';
import { acknowledge, api, auditLog, compareBurnRates, listAlerts, onLiveStack, pollUntil, postFaultMarker, Producer, readLog, round2, sleep, timelineRecorder, untilResolved, type AgreementRow, type DrillFigures, type DrillOptions, type LogEvent, type TimelineEntry } from './live-drill-kit';

export const PAGE_ALERT = 'IngestAvailabilityFastBurn';

/** The two injected faults: 503s (ingest-availability pages) or slow answers (ingest-latency pages). */
export type FaultKind = 'errors' | 'latency';
const FAULTS: Record<FaultKind, { drill: 'error-burst' | 'latency-burst'; alert: string; slo: string; ratio: number }> = {
  errors: { drill: 'error-burst', alert: PAGE_ALERT, slo: 'ingest-availability', ratio: 0.05 },
  // 30% of answers 600 ms late: above the 14.4x line of a 1% budget (14.4%), the 0.5 s threshold crossed.
  latency: { drill: 'latency-burst', alert: 'IngestLatencyFastBurn', slo: 'ingest-latency', ratio: 0.3 },
};
export const LATENCY_MS = 600;

export interface AlertDrillOptions extends DrillOptions {
  /** errors (default): 503s; latency: answers LATENCY_MS late. */
  kind?: FaultKind;
  /** Fraction of requests hit by the sustained fault (default 0.05 for errors, 0.3 for latency). */
  errorRatio?: number;
}

export interface AlertDrillResult {
  drill: 'error-burst' | 'latency-burst';
  run: string;
  rps: number;
  /** Fraction of requests hit by the fault. */
  errorRatio: number;
  /** What the fault does, in words (the postmortem's title). */
  fault: string;
  scale: number;
  faultStartedAt: string;
  faultEndedAt: string;
  page: AlertView | null;
  /** Every alert occurrence delivered during the run. */
  alerts: AlertView[];
  designedDetectSeconds: number | null;
  figures: DrillFigures & {
    /** Alerts of any severity delivered during the quiet run and the blip. */
    quiet_deliveries: number;
    designed_detect_s: number | null;
  };
  agreement: AgreementRow[];
  /** The drill's own narration (its clock). */
  timeline: TimelineEntry[];
  /** The incident's events on the log: the run's fault markers and every alert event. */
  events: LogEvent[];
}

export async function runAlertDrill(opts: AlertDrillOptions = {}): Promise<AlertDrillResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const spec = loadSloSpec();
  const profile = loadProfiles().drill;
  const rps = opts.rps ?? 40;
  const kind = opts.kind ?? 'errors';
  const F = FAULTS[kind];
  const errorRatio = opts.errorRatio ?? F.ratio;
  const plan = (ratio: number) => (kind === 'errors' ? { errorRatio: ratio, routes: ['/v1/events'] } : { latencyMs: LATENCY_MS, latencyRatio: ratio, routes: ['/v1/events'] });
  const what = (ratio: number) => `${round2(ratio * 100)}% of POST /v1/events ${kind === 'errors' ? 'answered 503' : `answered ${LATENCY_MS} ms late`}`;
  const run = `drill-${Date.now().toString(36)}`;
  const firstLong = durationSeconds(spec.alerting.page.windows[0].long) / profile.scale;
  const shortPage = durationSeconds(spec.alerting.page.windows[0].short) / profile.scale;
  const forS = durationSeconds(spec.alerting.page.for) / profile.scale;
  const objective = spec.slos.find((s) => s.name === F.slo)!.objective;
  const designed = designedDetectSeconds(spec, profile, objective, errorRatio);
  const { timeline, mark } = timelineRecorder(log);

  return onLiveStack({ TRUST_FAULT_INJECTION: '1', TRUST_SLO_SAMPLE_SECONDS: '1' }, opts, async ({ base, oncallKey, stack }) => {
    mark(`stack up: service ${base}, Prometheus ${stack.prometheusUrl}, Alertmanager ${stack.alertmanagerUrl} (drill profile, windows / ${profile.scale})`);
    const alerts = () => listAlerts(base, oncallKey);
    const pagesSoFar = async () => (await alerts()).filter((a) => a.severity === 'page');
    const setFault = (plan: unknown) => api(base, oncallKey, plan ? 'PUT' : 'DELETE', '/chaos/faults', plan ?? undefined);
    const annotate = (tag: string, text: string) => postFaultMarker(base, oncallKey, run, tag, text);

    const producer = new Producer(base, oncallKey, run, rps);
    producer.start();
    // 1. Quiet: fill the fast page pair's long window with clean traffic; nothing may be delivered.
    mark(`quiet traffic at ${rps} req/s for ${firstLong + shortPage} s (the 14.4x pair's long window and its short one)`);
    await sleep((firstLong + shortPage) * 1000);
    // 2. Blip: 10 s of production time at 100% errors.
    const blipMs = Math.max(1, Math.round((10 * 1000) / profile.scale));
    mark(`blip: ${what(1)} for ${blipMs} ms (10 s / ${profile.scale})`);
    await setFault(plan(1));
    await sleep(blipMs);
    await setFault(null);
    // Long enough for a page the blip would cause: short window + for + pipeline, twice.
    const watch = (shortPage + forS + 3) * 2;
    await sleep(watch * 1000);
    const quiet = await alerts();
    const falsePages = quiet.filter((a) => a.severity === 'page').length;
    mark(`after the blip and ${watch} s of watch: ${quiet.length} alert(s) delivered, ${falsePages} of them pages`);

    // 3. Burst: a sustained error ratio until paged; the on-call acknowledges; the fault ends.
    await annotate('fault-start', `${what(errorRatio)} (injected)`);
    await setFault(plan(errorRatio));
    const faultStart = Date.now();
    mark(`fault: ${what(errorRatio)} (designed time to page ${designed} s)`);
    const page = await pollUntil(`the ${F.alert} page`, faultStart + ((designed ?? 60) * 3 + 30) * 1000, async () => (await pagesSoFar()).find((a) => a.alert === F.alert), 500);
    mark(`page delivered: ${page.alert} (${page.id})`, Date.parse(page.receivedAt!));
    // The scripted on-call: sees the page on its next poll and acknowledges it.
    const acked = await acknowledge(base, oncallKey, page.id, `drill ${run}`);
    mark(`acknowledged by ${acked.acknowledgedBy}`, Date.parse(acked.acknowledgedAt!));
    await setFault(null);
    await annotate('fault-end', 'fault injection removed');
    const faultEnd = Date.now();
    mark('fault removed');
    const resolved = await untilResolved('the page to resolve', faultEnd + (firstLong + 60) * 1000, alerts, page.id);
    mark(`page resolved`, Date.parse(resolved.resolvedAt!));

    // 4. Audit.
    await producer.stop(Date.now() + 60000);
    const events = await readLog(base, oncallKey);
    const { lost, duplicated } = auditLog(events, run, producer.acked);
    const all = await alerts();
    // Agreement: wait until Prometheus has scraped the last request and the page has sampled it.
    const minWindow = (Date.now() - faultStart) / 1000 + firstLong + shortPage + watch + 120;
    const agreement = await pollUntil('the SLO page and Prometheus to agree', Date.now() + 30000, async () => {
      const rows = await compareBurnRates(base, oncallKey, stack, spec, minWindow);
      return rows.length > 0 && rows.every((r) => r.page !== null && r.prometheus !== null && Math.abs(r.page - r.prometheus) <= 1e-4 * Math.max(1, r.page)) ? rows : undefined;
    }, 1000).catch(async () => compareBurnRates(base, oncallKey, stack, spec, minWindow));
    const result: AlertDrillResult = {
      drill: F.drill,
      run,
      rps,
      errorRatio,
      fault: what(errorRatio),
      scale: profile.scale,
      faultStartedAt: new Date(faultStart).toISOString(),
      faultEndedAt: new Date(faultEnd).toISOString(),
      page: all.find((a) => a.id === page.id) ?? null,
      alerts: all,
      designedDetectSeconds: designed,
      figures: {
        detect_s: round2((Date.parse(page.receivedAt!) - faultStart) / 1000),
        ack_s: acked.ackSeconds,
        resolve_s: round2((Date.parse(resolved.resolvedAt!) - faultEnd) / 1000),
        lost,
        duplicated,
        false_pages: falsePages,
        quiet_deliveries: quiet.length,
        sent: producer.sent,
        failed_attempts: producer.failedAttempts,
        designed_detect_s: designed,
      },
      agreement,
      timeline,
      events: events.filter((e) => e.stream === `ops-drill-${run}` || e.type.startsWith('Alert')),
    };
    return result;
  });
}
