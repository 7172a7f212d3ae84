/**
 * Comparison of two replays: per-metric deltas against the tolerance window, and every input
 * difference between the runs (seed, pinned and unpinned libraries, data checksum, runtime, release),
 * each marked against the manifest. Pure functions; the processors call them.
 */
import type { FixtureRegistered, InputDiff, MetricDelta, RunRef } from './events/types';
import { runtimeName } from './events/types';
import { allowedDelta, resolveTolerance } from './tolerance';

export type Metrics = Record<string, number | null>;

const isNumber = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function compareMetrics(subject: Metrics, reference: Metrics, manifest: Pick<FixtureRegistered, 'fixtureId' | 'tolerances'>): MetricDelta[] {
  const names = [...new Set([...Object.keys(reference), ...Object.keys(subject)])].sort();
  return names.map((metric): MetricDelta => {
    const tol = resolveTolerance(metric, manifest.fixtureId, manifest.tolerances);
    const s = metric in subject ? subject[metric] : undefined;
    const r = metric in reference ? reference[metric] : undefined;
    const base = { metric, tolRel: tol.rel, tolAbs: tol.abs, toleranceSource: tol.source };
    if (s === undefined || r === undefined) {
      return { ...base, subject: isNumber(s) ? s : null, reference: isNumber(r) ? r : null, absDelta: null, relDelta: null, within: false, problem: 'missing' };
    }
    if (!isNumber(s) || !isNumber(r)) {
      return { ...base, subject: isNumber(s) ? s : null, reference: isNumber(r) ? r : null, absDelta: null, relDelta: null, within: false, problem: 'non_finite' };
    }
    const absDelta = s - r;
    const relDelta = r === 0 ? null : absDelta / Math.abs(r);
    // A tiny epsilon: a value sitting exactly on the window's edge is within it despite float rounding.
    const within = Math.abs(absDelta) <= allowedDelta(r, tol) * (1 + 1e-9);
    return { ...base, subject: s, reference: r, absDelta, relDelta, within, problem: null };
  });
}

/** Input differences between two runs, plus inputs where either run left the manifest. */
export function inputDiffs(subject: RunRef, reference: RunRef, manifest: FixtureRegistered): InputDiff[] {
  const diffs: InputDiff[] = [];
  const add = (field: string, s: string | null, r: string | null, pinnedValue: string | null) => {
    const pinned = pinnedValue !== null;
    const offManifest = pinned && (s !== pinnedValue || r !== pinnedValue);
    if (s !== r || offManifest) diffs.push({ field, subject: s, reference: r, manifest: pinnedValue, pinned, offManifest });
  };
  add('seed', subject.seed, reference.seed, manifest.seed);
  const libs = [...new Set([...Object.keys(subject.libs), ...Object.keys(reference.libs), ...Object.keys(manifest.libs)])].sort();
  for (const lib of libs) add(`libs.${lib}`, subject.libs[lib] ?? null, reference.libs[lib] ?? null, manifest.libs[lib] ?? null);
  add('dataChecksum', subject.dataChecksum, reference.dataChecksum, manifest.dataChecksum);
  add('runtime', runtimeName(subject.runtime), runtimeName(reference.runtime), null);
  add('release', subject.release, reference.release, null);
  return diffs;
}

/** One line a person can act on: what moved, by how much, against which window, and what differs. */
export function summarize(moved: MetricDelta[], diffs: InputDiff[]): string {
  const m = moved.map((d) => {
    if (d.problem) return `${d.metric} ${d.problem}`;
    const rel = d.relDelta === null ? '' : ` (${(d.relDelta * 100).toFixed(2)}%)`;
    return `${d.metric} ${d.reference} → ${d.subject}${rel}, allowed ±${d.tolRel * 100}% / ${d.tolAbs} [${d.toleranceSource}]`;
  });
  const i = diffs.map((d) => `${d.field}: ${d.reference ?? '∅'} → ${d.subject ?? '∅'}${d.offManifest ? ` (manifest ${d.manifest})` : d.pinned ? '' : d.field.startsWith('libs.') ? ' (unpinned)' : ''}`);
  return `${m.join('; ')}${i.length ? ` | inputs: ${i.join('; ')}` : ' | inputs identical'}`;
}
