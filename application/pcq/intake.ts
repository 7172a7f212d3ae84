/**
 * PCQ request bodies as event payloads. The bodies were checked against the OpenAPI spec at the
 * HTTP edge (sdk/spec/parts/pcq.yaml: PcqFixture, PcqReplay, …; `trust pcq import` posts to the
 * same routes), so nothing here re-checks a type, a pattern or a bound: it shapes what the events
 * store — seeds as strings, dates in one ISO form, the spelled-out non-finite metrics as numbers,
 * absent optional fields as null.
 */
import type { FixtureRegistered, ReleaseTagged, ReplayRecorded, ReplaysMissing, Runtime, TriageLabel } from '../../streams/pcq/events/types';

export interface FixtureBody {
  fixtureId: string;
  seed: string | number;
  libs: Record<string, string>;
  dataChecksum: string;
  baselineRuntime: Runtime;
  tolerances?: Record<string, { rel?: number | null; abs?: number | null }>;
}

export interface ReplayBody {
  runId: string;
  fixtureId: string;
  release: string;
  runtime: Runtime;
  seed: string | number;
  libs: Record<string, string>;
  dataChecksum: string;
  metrics: Record<string, number | null | 'NaN' | 'Infinity' | '-Infinity'>;
  durationMs?: number;
  recordedAt?: string;
  shard?: string;
}

export type ReleaseBody = ReleaseTagged;
export type MissingBody = Pick<ReplaysMissing, 'release' | 'runtime' | 'shard' | 'fixtureIds'> & { reason?: string; runner?: string };
export interface OverrideBody {
  label: TriageLabel;
  by: string;
  reason: string;
}

/** One item, an array, or {<plural>: [...]} (the spec's oneOf). */
export type OneOrMany<T, K extends string> = T | T[] | Record<K, T[]>;

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const isoOrNull = (v: string | undefined) => (v === undefined ? null : new Date(v).toISOString());

/** The items of a body and how to name their fields in a problem (`replays[3]`, `[3]` or `body`). */
export function itemsOf<T, K extends string>(body: OneOrMany<T, K>, plural: K): { items: T[]; at: (i: number) => string } {
  if (Array.isArray(body)) return { items: body, at: (i) => `[${i}]` };
  const batch = (body as Record<K, T[]>)[plural];
  if (Array.isArray(batch)) return { items: batch, at: (i) => `${plural}[${i}]` };
  return { items: [body as T], at: () => 'body' };
}

export function fixturePayload(f: FixtureBody): FixtureRegistered {
  const tolerances = Object.fromEntries(Object.entries(f.tolerances ?? {}).map(([metric, w]) => [metric, { rel: w.rel ?? null, abs: w.abs ?? null }]));
  return { fixtureId: f.fixtureId, seed: String(f.seed), libs: f.libs, dataChecksum: f.dataChecksum, baselineRuntime: f.baselineRuntime, tolerances };
}

export function replayPayload(r: ReplayBody, releaseTaggedAt: string | null): ReplayRecorded {
  const metrics = Object.fromEntries(Object.entries(r.metrics).map(([name, v]) => [name, typeof v === 'string' ? NON_FINITE[v] : v]));
  return {
    runId: r.runId,
    fixtureId: r.fixtureId,
    release: r.release,
    runtime: r.runtime,
    seed: String(r.seed),
    libs: r.libs,
    dataChecksum: r.dataChecksum,
    metrics,
    durationMs: r.durationMs ?? null,
    recordedAt: isoOrNull(r.recordedAt),
    releaseTaggedAt,
    shard: r.shard ?? null,
  };
}

export const releasePayload = (r: ReleaseBody): ReleaseTagged => ({ release: r.release, taggedAt: new Date(r.taggedAt).toISOString() });

export function missingPayload(m: MissingBody, reportedAt: string): ReplaysMissing {
  return { release: m.release, runtime: m.runtime, shard: m.shard, fixtureIds: m.fixtureIds, reason: m.reason ?? 'timeout', runner: m.runner ?? null, reportedAt };
}
