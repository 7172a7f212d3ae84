/**
 * What the drills on the live alert path share (the alert drill, the kill drill, chaos-kafka with
 * CHAOS_OBSERVE=1): a service of the drill's own with Prometheus and Alertmanager in front of it
 * (drill profile), a producer that retries what was not acknowledged, the on-call's calls to the
 * API (alerts, fault markers, acknowledgements), the audit of the log, and the drill's timeline.
 */
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { durationSeconds, type SloSpec } from '../../projections/ops/slo-spec';
import type { AlertView } from '../../projections/ops/alerts';
import { issueAdminKey, issueKey, startServe, stopServe, type ServiceProcess } from '../load/service-process';
import { promQuery, startObserve, waitScraped, type ObserveStack } from '../observe/stack';
import { burnRateExpr } from '../observe/agreement';

export interface DrillOptions {
  rps?: number;
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const round2 = (x: number) => Math.round(x * 100) / 100;

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

/** Every alert occurrence the service has received, open or resolved. */
export const listAlerts = (base: string, key: string): Promise<AlertView[]> => api<{ alerts: AlertView[] }>(base, key, 'GET', '/v1/ops/alerts?state=all').then((b) => b.alerts);

/** A fault marker on the log (AnnotationAdded tagged fault-start or fault-end): the postmortem's timeline starts from it. */
export const postFaultMarker = (base: string, key: string, run: string, tag: string, text: string) =>
  api(base, key, 'POST', '/v1/events', { id: `${run}-${tag}`, type: 'AnnotationAdded', stream: `ops-drill-${run}`, payload: { subject: `drill ${run}`, text, author: 'drill', tags: [tag] } });

/** The scripted on-call acknowledges one alert through the API; returns the acknowledged alert. */
export const acknowledge = (base: string, key: string, id: string, note?: string): Promise<AlertView> =>
  api<{ alert: AlertView }>(base, key, 'POST', `/v1/ops/alerts/${id}/ack`, { by: 'drill-oncall', ...(note === undefined ? {} : { note }) }).then((b) => b.alert);

/** Acknowledges every page of the incident in turn; returns the first page's acknowledgement. */
export async function acknowledgeAll(base: string, key: string, pages: readonly AlertView[]): Promise<AlertView | undefined> {
  let first: AlertView | undefined;
  for (const p of pages) {
    const a = await acknowledge(base, key, p.id);
    if (p.id === pages[0].id) first = a;
  }
  return first;
}

/** Alerts in the order they were delivered. */
export const byDelivery = (a: AlertView, b: AlertView) => a.receivedAt!.localeCompare(b.receivedAt!);

/** Polls (every 500 ms, until the deadline) until alert `id` is resolved; returns it. */
export const untilResolved = (what: string, deadlineMs: number, alerts: () => Promise<AlertView[]>, id: string): Promise<AlertView> =>
  pollUntil(what, deadlineMs, async () => {
    const a = (await alerts()).find((x) => x.id === id);
    return a?.resolvedAt ? a : undefined;
  }, 500);

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

/**
 * The audit of the log: acknowledged events of run `run` missing from it (lost), and events stored
 * twice — a producer event, or an alert occurrence recorded more than once (duplicated).
 */
export function auditLog(events: readonly LogEvent[], run: string, acked: ReadonlySet<number>): { lost: number; duplicated: number } {
  const mine = events.filter((e) => e.id.startsWith(`${run}-`) && e.type === 'AnnotationAdded' && (e.payload.tags as string[]).includes('drill'));
  const onLog = new Set(mine.map((e) => Number(e.id.slice(run.length + 1))));
  const texts = mine.map((e) => String(e.payload.text));
  const fired = events.filter((e) => e.type === 'AlertFired');
  return {
    lost: [...acked].filter((n) => !onLog.has(n)).length,
    duplicated: texts.length - new Set(texts).size + (fired.length - new Set(fired.map((e) => String(e.payload.alertId))).size),
  };
}

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

/**
 * Prometheus and Alertmanager on the drill profile in front of the service at `base` (port `port`),
 * Alertmanager posting to its webhook with `webhookKey`; resolves once Prometheus has scraped the
 * service, and stops both if it never does.
 */
export async function startDrillStack(base: string, port: number, webhookKey: string, opts: DrillOptions): Promise<ObserveStack> {
  const stack = await startObserve({
    profile: 'drill',
    prometheusPort: opts.prometheusPort ?? (await freePort()),
    alertmanagerPort: opts.alertmanagerPort ?? (await freePort()),
    target: `127.0.0.1:${port}`,
    webhookUrl: `${base}/v1/ops/alertmanager`,
    webhookKey,
  });
  try {
    await waitScraped(stack.prometheusUrl, Date.now() + 30000);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}

/** A drill's own service behind the live stack. */
export interface LiveService {
  dataDir: string;
  /** The scripted on-call's admin key. */
  oncallKey: string;
  /** The running service; a drill that restarts it puts the new process here (the one stopped at the end). */
  svc: ServiceProcess;
  base: string;
  stack: ObserveStack;
}

/**
 * Runs `drill` on a fresh service (a data directory of its own, `env` added to its environment) with
 * the live stack in front of it; stops both and removes the data directory afterwards, whatever happened.
 */
export async function onLiveStack<T>(env: Record<string, string>, opts: DrillOptions, drill: (live: LiveService) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-drill-'));
  const oncallKey = issueAdminKey(dataDir, 'oncall');
  const alertmanagerKey = issueKey(dataDir, 'system', 'producer');
  let svc: ServiceProcess | undefined;
  let live: LiveService | undefined;
  try {
    svc = await startServe(dataDir, 0, env);
    const stack = await startDrillStack(svc.url, svc.port, alertmanagerKey, opts);
    live = { dataDir, oncallKey, svc, base: svc.url, stack };
    return await drill(live);
  } finally {
    if (live) await live.stack.stop();
    const last = live?.svc ?? svc;
    if (last) await stopServe(last);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A drill's timeline: each mark is kept (for the postmortem) and logged as it happens. */
export function timelineRecorder(log: (line: string) => void): { timeline: TimelineEntry[]; mark: (what: string, at?: number) => void } {
  const timeline: TimelineEntry[] = [];
  const mark = (what: string, at = Date.now()) => {
    timeline.push({ at: new Date(at).toISOString(), what });
    log(`${new Date(at).toISOString()}  ${what}`);
  };
  return { timeline, mark };
}
