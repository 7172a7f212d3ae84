/**
 * Validation of what producers send (HTTP bodies, CI runner files) into PCQ event payloads. One
 * set of rules for every way in; each problem names its field and what to do about it.
 */
import type { FieldProblem } from '../../schemas/errors';
import { DEVICES, OSES, LABELS, type FixtureRegistered, type ReleaseTagged, type ReplayRecorded, type Runtime, type Tolerance, type TriageLabel } from '../../streams/pcq/events/types';

export const ID = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

type Raw = Record<string, unknown>;
export interface Parsed<T> {
  value?: T;
  problems: FieldProblem[];
}

class Reader {
  readonly problems: FieldProblem[] = [];
  constructor(private readonly o: Raw, private readonly at: string, allowed: readonly string[]) {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.problem(k, `is not a field here; allowed: ${allowed.join(', ')}`);
  }
  problem(field: string, problem: string) {
    this.problems.push({ field: `${this.at}.${field}`, problem });
  }
  id(k: string, what: string): string {
    const v = this.o[k];
    if (v === undefined || v === null) return (this.problem(k, `is required (${what})`), '');
    if (typeof v !== 'string' || !ID.test(v)) return (this.problem(k, 'must be 1-200 characters: letters, digits and . _ : @ + - (starting with a letter or digit)'), '');
    return v;
  }
  text(k: string, what: string): string {
    const v = this.o[k];
    if (v === undefined || v === null) return (this.problem(k, `is required (${what})`), '');
    if (typeof v !== 'string' || v.length === 0 || v.length > 500) return (this.problem(k, 'must be a non-empty string of at most 500 characters'), '');
    return v;
  }
  seed(k: string, why: string): string {
    const v = this.o[k];
    if (v === undefined || v === null || v === '') return (this.problem(k, why), '');
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'string' && v.length <= 200) return v;
    return (this.problem(k, 'must be an integer or a string of at most 200 characters'), '');
  }
  libs(k: string): Record<string, string> {
    const v = this.o[k];
    if (v === undefined || v === null) return (this.problem(k, 'is required: the library versions of the run, e.g. {"numpy": "1.26.4"} ({} when none)'), {});
    if (typeof v !== 'object' || Array.isArray(v)) return (this.problem(k, 'must be an object of library name → version string'), {});
    const out: Record<string, string> = {};
    for (const [name, ver] of Object.entries(v)) {
      if (typeof ver !== 'string' || ver.length === 0 || ver.length > 100) this.problem(`${k}.${name}`, 'must be a version string, e.g. "1.26.4"');
      else out[name] = ver;
    }
    return out;
  }
  runtime(k: string): Runtime {
    const v = this.o[k] as Raw | undefined;
    if (v === undefined || v === null) return (this.problem(k, 'is required: {"device": "cpu"|"gpu", "os": "linux"|"macos"}'), { device: 'cpu', os: 'linux' });
    if (typeof v !== 'object' || Array.isArray(v)) return (this.problem(k, 'must be {"device": "cpu"|"gpu", "os": "linux"|"macos"}'), { device: 'cpu', os: 'linux' });
    if (!DEVICES.includes(v.device as never)) this.problem(`${k}.device`, `must be one of ${DEVICES.join(', ')}`);
    if (!OSES.includes(v.os as never)) this.problem(`${k}.os`, `must be one of ${OSES.join(', ')}`);
    for (const extra of Object.keys(v).filter((x) => x !== 'device' && x !== 'os')) this.problem(`${k}.${extra}`, 'is not a runtime field; allowed: device, os');
    return { device: v.device, os: v.os } as Runtime;
  }
  optNumber(k: string, min = 0): number | null {
    const v = this.o[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) return (this.problem(k, `must be a number ≥ ${min}`), null);
    return v;
  }
  optIso(k: string): string | null {
    const v = this.o[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || !ISO.test(v) || Number.isNaN(Date.parse(v))) return (this.problem(k, 'must be an ISO-8601 date-time, e.g. 2026-11-28T12:00:00Z'), null);
    return new Date(v).toISOString();
  }
}

const isObject = (raw: unknown): raw is Raw => raw !== null && typeof raw === 'object' && !Array.isArray(raw);
const notAnObject = (at: string) => ({ problems: [{ field: at, problem: 'must be a JSON object' }] });

export function parseFixture(raw: unknown, at = 'fixture'): Parsed<FixtureRegistered> {
  if (!isObject(raw)) return notAnObject(at);
  const o = raw;
  const r = new Reader(o as Raw, at, ['fixtureId', 'seed', 'libs', 'dataChecksum', 'baselineRuntime', 'tolerances']);
  const fixtureId = r.id('fixtureId', 'the fixture id');
  const seed = r.seed('seed', 'is required: the manifest pins the seed every replay must use');
  const libs = r.libs('libs');
  const dataChecksum = r.text('dataChecksum', 'the checksum of the fixture data, e.g. "sha256:…"');
  const baselineRuntime = r.runtime('baselineRuntime');
  const tolerances: Record<string, Tolerance> = {};
  const t = o.tolerances;
  if (t !== undefined && t !== null) {
    if (typeof t !== 'object' || Array.isArray(t)) r.problem('tolerances', 'must be an object of metric → {rel?, abs?}');
    else
      for (const [metric, w] of Object.entries(t as Raw)) {
        const win = w as Raw;
        const ok = (x: unknown) => x === undefined || x === null || (typeof x === 'number' && Number.isFinite(x) && x >= 0);
        if (!win || typeof win !== 'object' || Array.isArray(win) || !ok(win.rel) || !ok(win.abs) || Object.keys(win).some((k) => k !== 'rel' && k !== 'abs')) {
          r.problem(`tolerances.${metric}`, 'must be {"rel"?: number ≥ 0 (0.005 = 0.5%), "abs"?: number ≥ 0}');
        } else tolerances[metric] = { rel: (win.rel as number | undefined) ?? null, abs: (win.abs as number | undefined) ?? null };
      }
  }
  return r.problems.length ? { problems: r.problems } : { value: { fixtureId, seed, libs, dataChecksum, baselineRuntime, tolerances }, problems: [] };
}

export function parseReplay(raw: unknown, at = 'replay'): Parsed<ReplayRecorded> {
  if (!isObject(raw)) return notAnObject(at);
  const o = raw;
  const r = new Reader(o as Raw, at, ['runId', 'fixtureId', 'release', 'runtime', 'seed', 'libs', 'dataChecksum', 'metrics', 'durationMs', 'recordedAt', 'shard']);
  const runId = r.id('runId', 'a unique id of this run: the same runId is stored once');
  const fixtureId = r.id('fixtureId', 'the registered fixture this run replays');
  const release = r.id('release', 'the release the run was made with, e.g. "1.7.0"');
  const runtime = r.runtime('runtime');
  const seed = r.seed('seed', 'is required: a replay without its seed cannot be reproduced (seed enforcement); send the seed the run used');
  const libs = r.libs('libs');
  const dataChecksum = r.text('dataChecksum', 'the checksum of the data the run read');
  const metrics: Record<string, number | null> = {};
  const m = o.metrics;
  if (m === undefined || m === null || typeof m !== 'object' || Array.isArray(m) || Object.keys(m).length === 0) {
    r.problem('metrics', 'is required: an object of metric name → number with at least one metric (null or "NaN"/"Infinity" for a broken value)');
  } else {
    for (const [name, v] of Object.entries(m as Raw)) {
      if (typeof v === 'number' || v === null) metrics[name] = v;
      else if (typeof v === 'string' && v in NON_FINITE) metrics[name] = NON_FINITE[v];
      else r.problem(`metrics.${name}`, 'must be a number, null, or one of "NaN", "Infinity", "-Infinity"');
    }
  }
  const durationMs = r.optNumber('durationMs');
  const recordedAt = r.optIso('recordedAt');
  const shardRaw = o.shard;
  const shard = typeof shardRaw === 'string' && shardRaw.length <= 100 ? shardRaw : null;
  if (shardRaw !== undefined && shardRaw !== null && shard === null) r.problem('shard', 'must be a string of at most 100 characters');
  if (r.problems.length) return { problems: r.problems };
  return { value: { runId, fixtureId, release, runtime, seed, libs, dataChecksum, metrics, durationMs, recordedAt, releaseTaggedAt: null, shard }, problems: [] };
}

export function parseRelease(raw: unknown, at = 'release'): Parsed<ReleaseTagged> {
  if (!isObject(raw)) return notAnObject(at);
  const o = raw;
  const r = new Reader(o as Raw, at, ['release', 'taggedAt']);
  const release = r.id('release', 'the release name, e.g. "1.7.0"');
  const taggedAt = r.optIso('taggedAt');
  if (taggedAt === null && !r.problems.some((p) => p.field.endsWith('taggedAt'))) r.problem('taggedAt', 'is required: when the release was tagged (ISO-8601); releases are ordered by it');
  return r.problems.length ? { problems: r.problems } : { value: { release, taggedAt: taggedAt! }, problems: [] };
}

export function parseOverride(raw: unknown, at = 'body'): Parsed<{ label: TriageLabel; by: string; reason: string }> {
  if (!isObject(raw)) return notAnObject(at);
  const o = raw;
  const r = new Reader(o as Raw, at, ['label', 'by', 'reason']);
  const label = o.label;
  if (!LABELS.includes(label as TriageLabel)) r.problem('label', `must be one of ${LABELS.join(', ')}`);
  const by = r.text('by', 'who corrects the label');
  const reason = r.text('reason', 'why the label is wrong: the next model version learns from it');
  return r.problems.length ? { problems: r.problems } : { value: { label: label as TriageLabel, by, reason }, problems: [] };
}
