/**
 * The chaos drill core: steady ingest at a fixed rate from a producer that retries what was not
 * acknowledged (same event id, as the SDKs do), a fault injected mid-load, then the audit:
 *   - recovery time: fault injected → the service answers 202 again,
 *   - time to detect: fault injected → a blackbox probe (GET /healthz every 250 ms) sees it,
 *   - events lost (acknowledged but not on the log) and duplicates (one producer event stored twice): both must be 0,
 *   - whether the right alert would fire, from the client-observed error ratio (see alertVerdict).
 * Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
 */
import type { SloSpec } from '../../projections/ops/slo-spec';
import { errorBudget } from '../../projections/ops/slo-spec';

export interface Outcome {
  n: number;
  sentAt: number;
  /** HTTP status, or 0 for a connection error/timeout. */
  status: number;
  acked: boolean;
  doneAt: number;
}

export interface DrillTarget {
  /** Current base URL (it may change when the service restarts on another port). */
  url(): string;
  key: string;
}

export interface DrillResult {
  drill: string;
  rps: number;
  seconds: number;
  sent: number;
  acknowledged: number;
  failedAttempts: number;
  retried: number;
  eventsOnLog: number;
  eventsLost: number;
  neverStored: number;
  duplicates: number;
  recoveryMs: number | null;
  detectMs: number | null;
  clientErrorRatio: number;
  alert: AlertVerdict;
  instanceDown?: ReturnType<typeof instanceDownVerdict>;
}

/**
 * Would TrustInstanceDown page? `up == 0` for 1m, scraped every 15 s: an outage shorter than 60 s
 * never pages; one longer than 75 s always does (between, it depends on where the scrapes fall).
 */
export const SCRAPE_INTERVAL_MS = 15000;
export const INSTANCE_DOWN_FOR_MS = 60000;

export function instanceDownVerdict(downMs: number): { alert: string; wouldFire: boolean | 'maybe'; detectMs: number | null; reasoning: string } {
  const sure = downMs >= INSTANCE_DOWN_FOR_MS + SCRAPE_INTERVAL_MS;
  const never = downMs < INSTANCE_DOWN_FOR_MS;
  return {
    alert: 'TrustInstanceDown',
    wouldFire: sure ? true : never ? false : 'maybe',
    // Worst case: the first failed scrape comes one interval after the kill, then `for: 1m`.
    detectMs: never ? null : INSTANCE_DOWN_FOR_MS + SCRAPE_INTERVAL_MS,
    reasoning: never
      ? `down ${downMs} ms < 1 min: no scrape-based page (a restart this fast is what the supervisor is for)`
      : `down ${downMs} ms: up == 0 for 1 min pages within ${(INSTANCE_DOWN_FOR_MS + SCRAPE_INTERVAL_MS) / 1000} s of the kill`,
  };
}

export interface AlertVerdict {
  alert: string;
  wouldFire: boolean;
  shortWindowBurn: number;
  longWindowBurn: number;
  factor: number;
  /** fault → the client-observed error ratio over the short window passes the factor (null: never). */
  shortWindowBreachMs: number | null;
  reasoning: string;
}

export const RUN = `chaos-${Date.now().toString(36)}`;

export function eventBody(n: number): unknown {
  return { id: `${RUN}-${n}`, type: 'AnnotationAdded', stream: `${RUN}-${n % 16}`, payload: { subject: 'chaos', text: `${RUN} #${n}`, author: 'chaos', tags: ['chaos'] } };
}

async function post(target: DrillTarget, n: number, timeoutMs = 3000): Promise<number> {
  try {
    const res = await fetch(`${target.url()}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(eventBody(n)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/**
 * Paced requests (n / rps seconds after the start) for `seconds`, at most `maxInFlight` at a time.
 * `fault` runs at `faultAt` seconds. Returns every attempt's outcome.
 */
export async function steadyLoad(target: DrillTarget, rps: number, seconds: number, faultAt: number, fault: () => Promise<void>, maxInFlight = 64): Promise<{ outcomes: Outcome[]; faultStartedAt: number; faultDone: Promise<void> }> {
  const outcomes: Outcome[] = [];
  const start = Date.now();
  const total = Math.round(rps * seconds);
  let inFlight = 0;
  let faultStartedAt = 0;
  let faultDone: Promise<void> = Promise.resolve();
  const pending: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = start + (n / rps) * 1000;
    if (!faultStartedAt && due >= start + faultAt * 1000) {
      faultStartedAt = Date.now();
      faultDone = fault();
    }
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight >= maxInFlight) await new Promise((r) => setTimeout(r, 2));
    inFlight++;
    const sentAt = Date.now();
    pending.push(
      post(target, n).then((status) => {
        inFlight--;
        outcomes.push({ n, sentAt, status, acked: status === 202, doneAt: Date.now() });
      }),
    );
  }
  await Promise.all(pending);
  return { outcomes, faultStartedAt, faultDone };
}

/** The producer's retries: every event never acknowledged is sent again (same id) until it is, bounded. */
export async function retryUnacknowledged(target: DrillTarget, outcomes: Outcome[], maxRounds = 20): Promise<number> {
  const acked = new Set(outcomes.filter((o) => o.acked).map((o) => o.n));
  let todo = [...new Set(outcomes.map((o) => o.n))].filter((n) => !acked.has(n));
  let retried = 0;
  for (let round = 0; round < maxRounds && todo.length; round++) {
    const results: { n: number; status: number }[] = [];
    for (let i = 0; i < todo.length; i += 64) {
      results.push(...(await Promise.all(todo.slice(i, i + 64).map(async (n) => ({ n, status: await post(target, n) })))));
    }
    retried += results.length;
    for (const r of results) if (r.status === 202) acked.add(r.n);
    todo = todo.filter((n) => !acked.has(n));
    if (todo.length) await new Promise((r) => setTimeout(r, 500));
  }
  return retried;
}

/** Every event of this run on the log, read back through the auditor API. */
export async function eventsOnLog(target: DrillTarget): Promise<{ id: string; text: string }[]> {
  const found: { id: string; text: string }[] = [];
  let from = 1;
  for (let page = 0; page < 10000; page++) {
    const res = await fetch(`${target.url()}/v1/events?from=${from}&limit=1000`, { headers: { authorization: `Bearer ${target.key}` } });
    if (!res.ok) throw new Error(`GET /v1/events answered ${res.status}`);
    const body = (await res.json()) as { events: { id: string; position: number; payload: { text?: string } }[]; next: number | null };
    for (const e of body.events) if (e.id.startsWith(RUN)) found.push({ id: e.id, text: e.payload?.text ?? '' });
    if (!body.next || body.events.length === 0) break;
    from = body.next;
  }
  return found;
}

/** Polls /healthz every 250 ms from `since`; resolves with the first failure time (or null by `untilMs`). */
export async function probeUntilDown(url: () => string, untilMs: number): Promise<number | null> {
  while (Date.now() < untilMs) {
    try {
      const res = await fetch(`${url()}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status !== 200) return Date.now();
    } catch {
      return Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

/**
 * Would IngestAvailabilityFastBurn page? Its 1h/5m pair at 14.4x, evaluated on the client-observed
 * outcomes: the short window is the drill itself (shorter than 5 min), the long window assumes the
 * rest of the hour ran error-free at the same rate — steady state before the fault.
 * The service's own metrics cannot see requests it never received while it was down: only a
 * client-side or blackbox SLI (or `up == 0`) measures a dead process.
 */
export function alertVerdict(spec: SloSpec, outcomes: Outcome[], rps: number, faultStartedAt: number): AlertVerdict {
  const slo = spec.slos.find((s) => s.name === 'ingest-availability')!;
  const pair = spec.alerting.page.windows[0];
  const budget = errorBudget(slo);
  const failed = outcomes.filter((o) => !o.acked).length;
  const shortRatio = outcomes.length ? failed / outcomes.length : 0;
  const hourRequests = rps * 3600;
  const longRatio = failed / hourRequests;
  const shortBurn = shortRatio / budget;
  const longBurn = longRatio / budget;
  // When did the trailing 5-minute client error ratio first pass the factor?
  const sorted = [...outcomes].sort((a, b) => a.sentAt - b.sentAt);
  let bad = 0;
  let breach: number | null = null;
  sorted.forEach((o, i) => {
    if (!o.acked) bad++;
    const windowTotal = Math.max(i + 1, rps * 300); // a full 5-minute window at the steady rate
    if (breach === null && o.sentAt >= faultStartedAt && bad / windowTotal / budget > pair.burnRate) breach = o.sentAt - faultStartedAt;
  });
  const wouldFire = shortBurn > pair.burnRate && longBurn > pair.burnRate;
  return {
    alert: 'IngestAvailabilityFastBurn',
    wouldFire,
    shortWindowBurn: Math.round(shortBurn * 100) / 100,
    longWindowBurn: Math.round(longBurn * 100) / 100,
    factor: pair.burnRate,
    shortWindowBreachMs: breach,
    reasoning: wouldFire
      ? `${failed} failed requests burn ${longBurn.toFixed(1)}x over 1h: a real outage, the page is right`
      : `${failed} failed requests: ${shortBurn.toFixed(1)}x over the drill but ${longBurn.toFixed(2)}x over 1h (< ${pair.burnRate}x): a blip that should not page, and does not`,
  };
}
