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
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { durationSeconds, loadSloSpec, type SloSpec } from '../../projections/ops/slo-spec';
import type { AlertView } from '../../projections/ops/alerts';
import { designedDetectSeconds, loadProfiles } from '../prometheus/profiles';
import { issueAdminKey, issueKey, startServe, stopServe, type ServiceProcess } from '../load/service-process';
import { promQuery, startObserve, waitScraped, type ObserveStack } from '../observe/stack';
import { burnRateExpr } from '../observe/agreement';

export const PAGE_ALERT = 'IngestAvailabilityFastBurn';

/** The two injected faults: 503s (ingest-availability pages) or slow answers (ingest-latency pages). */
export type FaultKind = 'errors' | 'latency';
const FAULTS: Record<FaultKind, { drill: 'error-burst' | 'latency-burst'; alert: string; slo: string; ratio: number }> = {
  errors: { drill: 'error-burst', alert: PAGE_ALERT, slo: 'ingest-availability', ratio: 0.05 },
  // 30% of answers 600 ms late: above the 14.4x line of a 1% budget (14.4%), the 0.5 s threshold crossed.
  latency: { drill: 'latency-burst', alert: 'IngestLatencyFastBurn', slo: 'ingest-latency', ratio: 0.3 },
};
export const LATENCY_MS = 600;

export interface DrillOptions {
  rps?: number;
  /** errors (default): 503s; latency: answers LATENCY_MS late. */
  kind?: FaultKind;
  /** Fraction of requests hit by the sustained fault (default 0.05 for errors, 0.3 for latency). */
  errorRatio?: number;
  prometheusPort?: number;
  alertmanagerPort?: number;
  log?: (line: string) => void;
}

export interface TimelineEntry {
  at: string;
  what: string;
}

export interface AgreementRow {
  slo: string;
  window: string;
  page: number | null;
  prometheus: number | null;
}

/** What every drill measures: the page's timings, and whether the producer's events all landed once. */
export interface DrillFigures {
  detect_s: number | null;
  ack_s: number | null;
  resolve_s: number | null;
  lost: number;
  duplicated: number;
  false_pages: number;
  sent: number;
  failed_attempts: number;
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

export interface LogEvent {
  id: string;
  type: string;
  stream: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a value (not undefined) or the deadline passes. */
export async function pollUntil<T>(what: string, deadlineMs: number, check: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A producer at a steady rate whose unacknowledged events are sent again (same id) until stored. */
export class Producer {
  private n = 0;
  private timer: NodeJS.Timeout | undefined;
  private retry: number[] = [];
  private inFlight = 0;
  readonly acked = new Set<number>();
  failedAttempts = 0;
  constructor(private readonly url: string, private readonly key: string, private readonly run: string, private readonly rps: number) {}

  body(n: number): string {
    return JSON.stringify({ id: `${this.run}-${n}`, type: 'AnnotationAdded', stream: `${this.run}-${n % 8}`, payload: { subject: 'drill-load', text: `${this.run} #${n}`, author: 'drill', tags: ['drill'] } });
  }

  private async send(n: number): Promise<void> {
    this.inFlight++;
    try {
      const res = await fetch(`${this.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' }, body: this.body(n), signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 202) this.acked.add(n);
      else {
        this.failedAttempts++;
        this.retry.push(n);
      }
    } catch {
      this.failedAttempts++;
      this.retry.push(n);
    } finally {
      this.inFlight--;
    }
  }

  start(): void {
    const start = Date.now();
    let due = 0;
    this.timer = setInterval(() => {
      const target = Math.floor(((Date.now() - start) / 1000) * this.rps);
      for (; due < target; due++) if (this.inFlight < 64) void this.send(this.n++);
      // Retries ride along with fresh traffic, a few per tick (a client's backoff).
      for (const n of this.retry.splice(0, 4)) void this.send(n);
    }, 50);
  }

  get sent(): number {
    return this.n;
  }

  /** Stop new traffic, then resend until every event is acknowledged (bounded). */
  async stop(deadlineMs: number): Promise<void> {
    clearInterval(this.timer);
    await pollUntil('the producer to drain its retries', deadlineMs, async () => {
      for (const n of this.retry.splice(0, 32)) void this.send(n);
      return this.inFlight === 0 && this.retry.length === 0 && this.acked.size === this.n ? true : undefined;
    }, 200);
  }
}

export async function api<T>(base: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Every event of the log (auditor read), for the audit and the postmortem timeline. */
export async function readLog(base: string, key: string): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  let from = 1;
  for (let page = 0; page < 10000; page++) {
    const body = await api<{ events: typeof out; next: number | null }>(base, key, 'GET', `/v1/events?from=${from}&limit=1000`);
    out.push(...body.events);
    if (!body.next || body.events.length === 0) break;
    from = body.next;
  }
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The SLO page's burn rates against Prometheus' for every SLO with traffic and every window covering the whole run. */
export async function compareBurnRates(base: string, key: string, stack: ObserveStack, spec: SloSpec, minWindowS: number): Promise<AgreementRow[]> {
  const report = await api<{ slos: { slo: string; burnRates: { window: string; burnRate: number | null; total: number }[] }[] }>(base, key, 'GET', '/v1/ops/slo');
  const rows: AgreementRow[] = [];
  for (const s of report.slos) {
    for (const b of s.burnRates) {
      if (b.total === 0 || durationSeconds(b.window) < minWindowS) continue;
      const { value } = await promQuery(stack.prometheusUrl, burnRateExpr(spec, s.slo, b.window));
      rows.push({ slo: s.slo, window: b.window, page: b.burnRate, prometheus: Number.isFinite(value) ? Math.round(value * 1e6) / 1e6 : null });
    }
  }
  return rows;
}

export async function runAlertDrill(opts: DrillOptions = {}): Promise<AlertDrillResult> {
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

  const dataDir = mkdtempSync(join(tmpdir(), 'trust-drill-'));
  const oncallKey = issueAdminKey(dataDir, 'oncall');
  const alertmanagerKey = issueKey(dataDir, 'system', 'producer');
  let svc: ServiceProcess | undefined;
  let stack: ObserveStack | undefined;
  try {
    svc = await startServe(dataDir, 0, { TRUST_FAULT_INJECTION: '1', TRUST_SLO_SAMPLE_SECONDS: '1' });
    const base = svc.url;
    stack = await startObserve({
      profile: 'drill',
      prometheusPort: opts.prometheusPort ?? (await freePort()),
      alertmanagerPort: opts.alertmanagerPort ?? (await freePort()),
      target: `127.0.0.1:${svc.port}`,
      webhookUrl: `${base}/v1/ops/alertmanager`,
      webhookKey: alertmanagerKey,
    });
    await waitScraped(stack.prometheusUrl, Date.now() + 30000);
    mark(`stack up: service ${base}, Prometheus ${stack.prometheusUrl}, Alertmanager ${stack.alertmanagerUrl} (drill profile, windows / ${profile.scale})`);
    const alerts = () => api<{ alerts: AlertView[] }>(base, oncallKey, 'GET', '/v1/ops/alerts?state=all').then((b) => b.alerts);
    const pagesSoFar = async () => (await alerts()).filter((a) => a.severity === 'page');
    const setFault = (plan: unknown) => api(base, oncallKey, plan ? 'PUT' : 'DELETE', '/chaos/faults', plan ?? undefined);
    const annotate = (tag: string, text: string) =>
      api(base, oncallKey, 'POST', '/v1/events', { id: `${run}-${tag}`, type: 'AnnotationAdded', stream: `ops-drill-${run}`, payload: { subject: `drill ${run}`, text, author: 'drill', tags: [tag] } });

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
    const acked = await api<{ alert: AlertView }>(base, oncallKey, 'POST', `/v1/ops/alerts/${page.id}/ack`, { by: 'drill-oncall', note: `drill ${run}` });
    mark(`acknowledged by ${acked.alert.acknowledgedBy}`, Date.parse(acked.alert.acknowledgedAt!));
    await setFault(null);
    await annotate('fault-end', 'fault injection removed');
    const faultEnd = Date.now();
    mark('fault removed');
    const resolved = await pollUntil('the page to resolve', faultEnd + (firstLong + 60) * 1000, async () => {
      const a = (await alerts()).find((x) => x.id === page.id);
      return a?.resolvedAt ? a : undefined;
    }, 500);
    mark(`page resolved`, Date.parse(resolved.resolvedAt!));

    // 4. Audit.
    await producer.stop(Date.now() + 60000);
    const events = await readLog(base, oncallKey);
    const mine = events.filter((e) => e.id.startsWith(`${run}-`) && e.type === 'AnnotationAdded' && (e.payload.tags as string[]).includes('drill'));
    const onLog = new Set(mine.map((e) => Number(e.id.slice(run.length + 1))));
    const lost = [...producer.acked].filter((n) => !onLog.has(n)).length;
    const texts = mine.map((e) => String(e.payload.text));
    const fired = events.filter((e) => e.type === 'AlertFired');
    const duplicated = texts.length - new Set(texts).size + (fired.length - new Set(fired.map((e) => String(e.payload.alertId))).size);
    const all = await alerts();
    // Agreement: wait until Prometheus has scraped the last request and the page has sampled it.
    const minWindow = (Date.now() - faultStart) / 1000 + firstLong + shortPage + watch + 120;
    const agreement = await pollUntil('the SLO page and Prometheus to agree', Date.now() + 30000, async () => {
      const rows = await compareBurnRates(base, oncallKey, stack!, spec, minWindow);
      return rows.length > 0 && rows.every((r) => r.page !== null && r.prometheus !== null && Math.abs(r.page - r.prometheus) <= 1e-4 * Math.max(1, r.page)) ? rows : undefined;
    }, 1000).catch(async () => compareBurnRates(base, oncallKey, stack!, spec, minWindow));
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
        ack_s: acked.alert.ackSeconds,
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
  } finally {
    if (stack) await stack.stop();
    if (svc) await stopServe(svc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

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

/**
 * `make chaos-kill` on the live stack: SIGKILL `trust serve` mid-load, restart it on the same port
 * after `downMs` (a supervisor), the producer resending what was not acknowledged. The SLO alerts
 * read the service's own metrics and cannot see a dead process; TrustInstanceDown (up == 0 for 1 m,
 * infra/prometheus/instance-rules.yml, not scaled) can. A restart within a minute must not page;
 * a longer outage must page — delivered once the service (its own webhook receiver) is back,
 * since Alertmanager retries the delivery — and is acknowledged and resolved like any page.
 */
export async function runKillDrill(opts: DrillOptions & { downMs?: number } = {}): Promise<KillDrillResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const rps = opts.rps ?? 40;
  const downMs = opts.downMs ?? 0;
  const run = `kill-${Date.now().toString(36)}`;
  const { timeline, mark } = timelineRecorder(log);
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-drill-'));
  const oncallKey = issueAdminKey(dataDir, 'oncall');
  const alertmanagerKey = issueKey(dataDir, 'system', 'producer');
  const env = { TRUST_SLO_SAMPLE_SECONDS: '1' };
  let svc: ServiceProcess | undefined;
  let stack: ObserveStack | undefined;
  try {
    svc = await startServe(dataDir, 0, env);
    const base = svc.url;
    const port = svc.port;
    stack = await startObserve({
      profile: 'drill',
      prometheusPort: opts.prometheusPort ?? (await freePort()),
      alertmanagerPort: opts.alertmanagerPort ?? (await freePort()),
      target: `127.0.0.1:${port}`,
      webhookUrl: `${base}/v1/ops/alertmanager`,
      webhookKey: alertmanagerKey,
    });
    await waitScraped(stack.prometheusUrl, Date.now() + 30000);
    mark(`stack up: service ${base}, Prometheus ${stack.prometheusUrl}, Alertmanager ${stack.alertmanagerUrl}`);
    const alerts = () => api<{ alerts: AlertView[] }>(base, oncallKey, 'GET', '/v1/ops/alerts?state=all').then((b) => b.alerts);
    const annotate = (tag: string, text: string) =>
      api(base, oncallKey, 'POST', '/v1/events', { id: `${run}-${tag}`, type: 'AnnotationAdded', stream: `ops-drill-${run}`, payload: { subject: `drill ${run}`, text, author: 'drill', tags: [tag] } });
    const producer = new Producer(base, oncallKey, run, rps);
    producer.start();
    await sleep(5000);
    await annotate('fault-start', `SIGKILL trust serve; restart after ${downMs} ms`);
    const killedAt = Date.now();
    mark(`SIGKILL trust serve (restart after ${downMs} ms)`);
    svc.proc.kill('SIGKILL');
    await svc.exited;
    if (downMs > 0) await sleep(downMs);
    svc = await startServe(dataDir, port, env);
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
      const pages = (await alerts()).filter(ours).sort((a, b) => a.receivedAt!.localeCompare(b.receivedAt!));
      page = pages[0];
      mark(`page delivered: ${pages.map((p) => p.alert).join(', ')}`, Date.parse(page.receivedAt!));
      for (const p of pages) {
        const a = (await api<{ alert: AlertView }>(base, oncallKey, 'POST', `/v1/ops/alerts/${p.id}/ack`, { by: 'drill-oncall' })).alert;
        if (p.id === page.id) acked = a;
      }
      mark(`acknowledged by ${acked!.acknowledgedBy}`, Date.parse(acked!.acknowledgedAt!));
      resolved = await pollUntil('TrustInstanceDown to resolve', Date.now() + 150000, async () => {
        const a = (await alerts()).find((x) => x.id === page!.id);
        return a?.resolvedAt ? a : undefined;
      }, 500);
      mark('page resolved', Date.parse(resolved.resolvedAt!));
    } else {
      // Long enough for anything the kill could trigger: the SLO page rules (short window + for) and the scrape gap.
      await sleep(20000);
      mark(`watched 20 s after the restart: ${(await alerts()).length} alert(s) delivered`);
    }
    await producer.stop(Date.now() + 60000);
    const events = await readLog(base, oncallKey);
    const mine = events.filter((e) => e.id.startsWith(`${run}-`) && e.type === 'AnnotationAdded' && (e.payload.tags as string[]).includes('drill'));
    const onLog = new Set(mine.map((e) => Number(e.id.slice(run.length + 1))));
    const texts = mine.map((e) => String(e.payload.text));
    const fired = events.filter((e) => e.type === 'AlertFired');
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
        lost: [...producer.acked].filter((n) => !onLog.has(n)).length,
        duplicated: texts.length - new Set(texts).size + (fired.length - new Set(fired.map((e) => String(e.payload.alertId))).size),
        false_pages: all.filter((a) => a.severity === 'page' && !expectedPage.includes(a.id)).length,
        sent: producer.sent,
        failed_attempts: producer.failedAttempts,
        downtime_s: round2((restartedAt - killedAt) / 1000),
      },
      timeline,
    };
  } finally {
    if (stack) await stack.stop();
    if (svc) await stopServe(svc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The live stack around a service a drill started itself (make chaos-kafka, make chaos-kill with
 * CHAOS_OBSERVE=1): Prometheus and Alertmanager on the drill profile, a webhook key made in the
 * service's data directory, fault markers, the scripted on-call, and the figures at the end.
 */
export interface ObservedDrill {
  stack: ObserveStack;
  markFault(tag: 'fault-start' | 'fault-end', text: string): Promise<void>;
  /** Waits (bounded) for the first page after the fault, acknowledges every page, waits for the first to resolve. */
  pageFigures(faultStart: number, faultEnd: number, waitMs: number): Promise<{ detect_s: number | null; ack_s: number | null; resolve_s: number | null; pages: string[] }>;
  stop(): Promise<void>;
}

export async function observeDrill(base: string, port: number, dataDir: string, adminKey: string, run: string, opts: DrillOptions = {}): Promise<ObservedDrill> {
  const stack = await startObserve({
    profile: 'drill',
    prometheusPort: opts.prometheusPort ?? (await freePort()),
    alertmanagerPort: opts.alertmanagerPort ?? (await freePort()),
    target: `127.0.0.1:${port}`,
    webhookUrl: `${base}/v1/ops/alertmanager`,
    webhookKey: issueKey(dataDir, 'system', 'producer'),
  });
  await waitScraped(stack.prometheusUrl, Date.now() + 30000);
  const alerts = () => api<{ alerts: AlertView[] }>(base, adminKey, 'GET', '/v1/ops/alerts?state=all').then((b) => b.alerts);
  return {
    stack,
    async markFault(tag, text) {
      // The service may still be recovering from the fault: retried until stored (same id, idempotent).
      await pollUntil(`the ${tag} marker`, Date.now() + 60000, async () =>
        api(base, adminKey, 'POST', '/v1/events', { id: `${run}-${tag}`, type: 'AnnotationAdded', stream: `ops-drill-${run}`, payload: { subject: `drill ${run}`, text, author: 'drill', tags: [tag] } }).then(
          () => true,
          () => undefined,
        ), 500);
    },
    async pageFigures(faultStart, faultEnd, waitMs) {
      const first = await pollUntil('a page', Date.now() + waitMs, async () => (await alerts()).find((a) => a.severity === 'page'), 500).catch(() => undefined);
      if (!first) return { detect_s: null, ack_s: null, resolve_s: null, pages: [] };
      const pages = (await alerts()).filter((a) => a.severity === 'page').sort((a, b) => a.receivedAt!.localeCompare(b.receivedAt!));
      const page = pages[0];
      let acked: AlertView | undefined;
      for (const p of pages) {
        const a = (await api<{ alert: AlertView }>(base, adminKey, 'POST', `/v1/ops/alerts/${p.id}/ack`, { by: 'drill-oncall' })).alert;
        if (p.id === page.id) acked = a;
      }
      const resolved = await pollUntil('the page to resolve', Date.now() + 120000, async () => {
        const a = (await alerts()).find((x) => x.id === page.id);
        return a?.resolvedAt ? a : undefined;
      }, 500);
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

/** A drill's timeline: each mark is kept (for the postmortem) and logged as it happens. */
function timelineRecorder(log: (line: string) => void): { timeline: TimelineEntry[]; mark: (what: string, at?: number) => void } {
  const timeline: TimelineEntry[] = [];
  const mark = (what: string, at = Date.now()) => {
    timeline.push({ at: new Date(at).toISOString(), what });
    log(`${new Date(at).toISOString()}  ${what}`);
  };
  return { timeline, mark };
}
