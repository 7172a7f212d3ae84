/**
 * The observe profiles of infra/slo.yaml (`observe: {live, drill}`): how often Prometheus scrapes
 * and evaluates, Alertmanager's grouping delays, and the scale dividing every window and `for:` of
 * the SLO alerts. `scaleSpec` turns the spec into the drill's: the same objectives and burn-rate
 * factors, windows 60 times shorter. Pure, apart from reading slo.yaml in `loadProfiles`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { durationSeconds, sloSpecPath, type SloSpec } from '../../projections/ops/slo-spec';
import { ValidationError, type FieldProblem } from '../../schemas/errors';

export type ProfileName = 'live' | 'drill';
export const PROFILES: readonly ProfileName[] = ['live', 'drill'];

export interface ObserveProfile {
  name: ProfileName;
  scale: number;
  scrapeInterval: string;
  evaluationInterval: string;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

const DURATION = /^\d+(s|m|h|d)$/;

export function parseProfiles(doc: unknown): Record<ProfileName, ObserveProfile> {
  const problems: FieldProblem[] = [];
  const root = (doc as { observe?: unknown })?.observe;
  const out = {} as Record<ProfileName, ObserveProfile>;
  for (const name of PROFILES) {
    const at = `observe.${name}`;
    const raw = (root as Record<string, unknown> | undefined)?.[name] as Record<string, unknown> | undefined;
    if (!raw || typeof raw !== 'object') {
      problems.push({ field: at, problem: 'is required: {scale, scrapeInterval, evaluationInterval, groupWait, groupInterval, repeatInterval}' });
      continue;
    }
    const scale = raw.scale;
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 1 || scale > 3600) problems.push({ field: `${at}.scale`, problem: 'must be an integer from 1 to 3600' });
    const d = (k: string): string => {
      const v = raw[k];
      if (typeof v !== 'string' || !DURATION.test(v)) problems.push({ field: `${at}.${k}`, problem: 'must be a duration like 15s, 1m, 4h' });
      return String(v);
    };
    out[name] = {
      name,
      scale: scale as number,
      scrapeInterval: d('scrapeInterval'),
      evaluationInterval: d('evaluationInterval'),
      groupWait: d('groupWait'),
      groupInterval: d('groupInterval'),
      repeatInterval: d('repeatInterval'),
    };
  }
  if (problems.length) throw new ValidationError(problems);
  return out;
}

export const loadProfiles = (path: string = sloSpecPath()): Record<ProfileName, ObserveProfile> => parseProfiles(parse(readFileSync(path, 'utf8')));

/** Seconds as the shortest Prometheus duration (72m, 5s, 1h). */
export function formatDuration(seconds: number): string {
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % n === 0 && seconds >= n) return `${seconds / n}${unit}`;
  return `${seconds}s`;
}

/** A window or `for:` divided by the scale; it must stay a whole number of seconds. */
export function scaleDuration(d: string, scale: number, field: string): string {
  const s = durationSeconds(d) / scale;
  if (!Number.isInteger(s) || s < 1) throw new ValidationError([{ field, problem: `${d} / ${scale} is not a whole number of seconds` }]);
  return formatDuration(s);
}

/** The spec with every alert window and `for:` divided by `scale` (the objectives and factors unchanged). */
export function scaleSpec(spec: SloSpec, scale: number): SloSpec {
  if (scale === 1) return spec;
  const alerting = {} as SloSpec['alerting'];
  for (const [sev, policy] of Object.entries(spec.alerting) as [keyof SloSpec['alerting'], SloSpec['alerting']['page']][]) {
    alerting[sev] = {
      for: scaleDuration(policy.for, scale, `alerting.${sev}.for`),
      windows: policy.windows.map((w, i) => ({
        long: scaleDuration(w.long, scale, `alerting.${sev}.windows[${i}].long`),
        short: scaleDuration(w.short, scale, `alerting.${sev}.windows[${i}].short`),
        burnRate: w.burnRate,
      })),
    };
  }
  return { ...spec, window: scaleDuration(spec.window, scale, 'window'), alerting };
}

/**
 * The designed time from a fault's start to the page, for a fault with error ratio `errorRatio`
 * over steady traffic: the first window pair whose long window crosses its threshold (the long
 * window fills linearly; the short one is always faster), plus `for:`, plus one scrape, one
 * evaluation and Alertmanager's group wait. Null when the fault never pages.
 */
export function designedDetectSeconds(spec: SloSpec, profile: ObserveProfile, objective: number, errorRatio: number): number | null {
  const scaled = scaleSpec(spec, profile.scale);
  const budget = 1 - objective / 100;
  const pipeline = durationSeconds(profile.scrapeInterval) + durationSeconds(profile.evaluationInterval) + durationSeconds(profile.groupWait);
  const times = scaled.alerting.page.windows
    .filter((w) => errorRatio > w.burnRate * budget)
    .map((w) => (durationSeconds(w.long) * w.burnRate * budget) / errorRatio);
  if (!times.length) return null;
  return Math.round((Math.min(...times) + durationSeconds(scaled.alerting.page.for) + pipeline) * 100) / 100;
}
