/**
 * The SLO specification (infra/slo.yaml): parsed and checked once, then shared by the Prometheus
 * rule generator, the SLO projection and the load bench, so they can never disagree on an objective.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ValidationError, type FieldProblem } from '../../schemas/errors';

export type Severity = 'page' | 'ticket';
export const SEVERITIES: readonly Severity[] = ['page', 'ticket'];

export interface BurnWindow {
  long: string;
  short: string;
  burnRate: number;
}

export interface AlertPolicy {
  /** Prometheus `for:` of the alert. */
  for: string;
  windows: BurnWindow[];
}

/** Requests on some express routes; bad = 5xx. */
export interface HttpAvailabilitySli {
  kind: 'http-availability';
  method: string;
  routes: string[];
}
/** Requests on some express routes; good = answered within thresholdSeconds (a histogram bucket). */
export interface HttpLatencySli {
  kind: 'http-latency';
  method: string;
  routes: string[];
  thresholdSeconds: number;
}
/** A counter with an outcome label: good and bad values of that label. */
export interface CounterRatioSli {
  kind: 'counter-ratio';
  counter: string;
  label: string;
  good: string[];
  bad: string[];
}
/** Any histogram; good = observations within thresholdSeconds. */
export interface HistogramLatencySli {
  kind: 'histogram-latency';
  histogram: string;
  thresholdSeconds: number;
}
export type Sli = HttpAvailabilitySli | HttpLatencySli | CounterRatioSli | HistogramLatencySli;

export interface Slo {
  name: string;
  /** Alert name stem: `<alert>FastBurn` pages, `<alert>SlowBurn` files a ticket. */
  alert: string;
  service: string;
  description: string;
  /** Percent, e.g. 99.9. */
  objective: number;
  sli: Sli;
}

export interface SloSpec {
  window: string;
  alerting: Record<Severity, AlertPolicy>;
  slos: Slo[];
}

const DURATION = /^(\d+)(s|m|h|d|w)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Prometheus-style duration ("5m", "3d") in seconds. */
export function durationSeconds(d: string): number {
  const m = DURATION.exec(d);
  if (!m) throw new ValidationError([{ field: 'duration', problem: `'${d}' is not a duration like 5m, 1h, 3d` }]);
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

/** The error budget as a ratio: 99.9 → 0.001 (rounded so 14.4 × budget prints cleanly). */
export const errorBudget = (slo: Slo): number => round(1 - slo.objective / 100);

export const round = (x: number, digits = 12): number => Number(x.toPrecision(digits));

/** Every window any alert looks at, shortest first. */
export function alertWindows(spec: SloSpec): string[] {
  const all = new Set<string>();
  for (const sev of SEVERITIES) for (const w of spec.alerting[sev].windows) all.add(w.long).add(w.short);
  return [...all].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}

export const alertName = (slo: Slo, severity: Severity): string => `${slo.alert}${severity === 'page' ? 'FastBurn' : 'SlowBurn'}`;

// ---------------------------------------------------------------- validation

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: FieldProblem[] = [];
  problem(field: string, problem: string): void {
    this.problems.push({ field, problem });
  }
  string(o: Obj, key: string, at: string, pattern?: RegExp, hint?: string): string {
    const v = o[key];
    if (typeof v !== 'string' || v.length === 0) {
      this.problem(`${at}.${key}`, 'is required and must be a non-empty string');
      return '';
    }
    if (pattern && !pattern.test(v)) this.problem(`${at}.${key}`, `'${v}' ${hint ?? `must match ${pattern}`}`);
    return v;
  }
  duration(o: Obj, key: string, at: string): string {
    return this.string(o, key, at, DURATION, 'is not a duration like 5m, 1h, 3d');
  }
  number(o: Obj, key: string, at: string, min: number, max: number, inclusiveMax = true): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= min || (inclusiveMax ? v > max : v >= max)) {
      this.problem(`${at}.${key}`, `must be a number above ${min} and ${inclusiveMax ? 'at most' : 'below'} ${max}`);
      return NaN;
    }
    return v;
  }
  strings(o: Obj, key: string, at: string): string[] {
    const v = o[key];
    if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string' || !s)) {
      this.problem(`${at}.${key}`, 'must be a non-empty list of strings');
      return [];
    }
    return v as string[];
  }
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const ALERT = /^[A-Z][A-Za-z0-9]*$/;
const SLO_NAME = /^[a-z][a-z0-9-]*$/;

function checkSli(c: Checker, raw: unknown, at: string): Sli {
  if (!isObj(raw)) {
    c.problem(at, 'is required');
    return { kind: 'histogram-latency', histogram: '', thresholdSeconds: NaN };
  }
  switch (raw.kind) {
    case 'http-availability':
      return { kind: raw.kind, method: c.string(raw, 'method', at, /^[A-Z]+$/, 'must be an upper-case HTTP method'), routes: c.strings(raw, 'routes', at) };
    case 'http-latency':
      return {
        kind: raw.kind,
        method: c.string(raw, 'method', at, /^[A-Z]+$/, 'must be an upper-case HTTP method'),
        routes: c.strings(raw, 'routes', at),
        thresholdSeconds: c.number(raw, 'thresholdSeconds', at, 0, 3600),
      };
    case 'counter-ratio':
      return {
        kind: raw.kind,
        counter: c.string(raw, 'counter', at, METRIC, 'is not a Prometheus metric name'),
        label: c.string(raw, 'label', at, METRIC, 'is not a Prometheus label name'),
        good: c.strings(raw, 'good', at),
        bad: c.strings(raw, 'bad', at),
      };
    case 'histogram-latency':
      return {
        kind: raw.kind,
        histogram: c.string(raw, 'histogram', at, METRIC, 'is not a Prometheus metric name'),
        thresholdSeconds: c.number(raw, 'thresholdSeconds', at, 0, 86400),
      };
    default:
      c.problem(`${at}.kind`, `'${String(raw.kind)}' is not one of http-availability, http-latency, counter-ratio, histogram-latency`);
      return { kind: 'histogram-latency', histogram: '', thresholdSeconds: NaN };
  }
}

/** Check a parsed slo.yaml document; every problem names its field (`slos[2].objective`). */
export function validateSloSpec(doc: unknown): SloSpec {
  const c = new Checker();
  if (!isObj(doc)) throw new ValidationError([{ field: '(root)', problem: 'must be a mapping with window, alerting and slos' }]);
  const window = c.duration(doc, 'window', '(root)');
  const alerting = {} as Record<Severity, AlertPolicy>;
  const rawAlerting = isObj(doc.alerting) ? doc.alerting : (c.problem('alerting', 'is required'), {});
  for (const sev of SEVERITIES) {
    const at = `alerting.${sev}`;
    const p = rawAlerting[sev];
    if (!isObj(p) || !Array.isArray(p.windows) || p.windows.length === 0) {
      c.problem(at, 'is required, with a non-empty list of windows');
      alerting[sev] = { for: '0m', windows: [] };
      continue;
    }
    const windows = p.windows.map((w, i) => {
      const wat = `${at}.windows[${i}]`;
      if (!isObj(w)) {
        c.problem(wat, 'must be {long, short, burnRate}');
        return { long: '1h', short: '5m', burnRate: 1 };
      }
      const bw = { long: c.duration(w, 'long', wat), short: c.duration(w, 'short', wat), burnRate: c.number(w, 'burnRate', wat, 0, 1000) };
      if (DURATION.test(bw.long) && DURATION.test(bw.short) && durationSeconds(bw.short) >= durationSeconds(bw.long)) {
        c.problem(`${wat}.short`, `must be shorter than the long window ${bw.long}`);
      }
      return bw;
    });
    alerting[sev] = { for: c.duration(p, 'for', at), windows };
  }
  const slos: Slo[] = [];
  if (!Array.isArray(doc.slos) || doc.slos.length === 0) c.problem('slos', 'must be a non-empty list');
  const seenNames = new Set<string>();
  const seenAlerts = new Set<string>();
  (Array.isArray(doc.slos) ? doc.slos : []).forEach((raw, i) => {
    const at = `slos[${i}]`;
    if (!isObj(raw)) return c.problem(at, 'must be a mapping');
    const slo: Slo = {
      name: c.string(raw, 'name', at, SLO_NAME, 'must be lower-case kebab-case'),
      alert: c.string(raw, 'alert', at, ALERT, 'must be an UpperCamelCase alert name stem'),
      service: c.string(raw, 'service', at),
      description: c.string(raw, 'description', at),
      objective: c.number(raw, 'objective', at, 0, 100, false),
      sli: checkSli(c, raw.sli, `${at}.sli`),
    };
    if (seenNames.has(slo.name)) c.problem(`${at}.name`, `'${slo.name}' is used twice`);
    if (seenAlerts.has(slo.alert)) c.problem(`${at}.alert`, `'${slo.alert}' is used twice`);
    seenNames.add(slo.name);
    seenAlerts.add(slo.alert);
    slos.push(slo);
  });
  if (c.problems.length) throw new ValidationError(c.problems);
  return { window, alerting, slos };
}

export const parseSloSpec = (text: string): SloSpec => validateSloSpec(parse(text));

/** infra/slo.yaml of this checkout (from the sources or from dist/), unless the deployment names another (TRUST_SLO_FILE). */
export function sloSpecPath(override?: string): string {
  if (override) return override;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'infra', 'slo.yaml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`infra/slo.yaml not found above ${__dirname}`);
  }
}

export const loadSloSpec = (path: string = sloSpecPath()): SloSpec => parseSloSpec(readFileSync(path, 'utf8'));
