/**
 * Heuristic features of an anomaly, the model's inputs. Each is a number a person can read
 * (counts, shares, flags); the interaction features encode the precedence ("an input
 * difference is the cause whatever the runtime") so a linear model can learn it.
 */
import type { CheckKind, InputDiff, MetricDelta } from '../events/types';

export const FEATURE_NAMES = [
  'seed_off',
  'pinned_lib_off',
  'data_off',
  'unpinned_lib_diff',
  'device_diff',
  'os_diff',
  'release_diff',
  'broken_share',
  'moved_share',
  'log_excess_max',
  'log_excess_mean',
  'integer_moved',
  'retry_reproduced',
  'inputs_as_pinned',
  'runtime_only',
  'release_only',
  'any_broken',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

export interface AnomalyFacts {
  kind: CheckKind;
  deltas: MetricDelta[];
  inputDiffs: InputDiff[];
  retryReproduced?: boolean;
}

/** log10 of how many times the window a delta is, 0 inside it, capped at 6. */
function logExcess(d: MetricDelta): number {
  if (d.absDelta === null || d.reference === null) return 0;
  const allowed = Math.max(d.tolRel * Math.abs(d.reference), d.tolAbs, 1e-12);
  return Math.min(6, Math.max(0, Math.log10(Math.abs(d.absDelta) / allowed)));
}

export function featuresOf(f: AnomalyFacts): Features {
  const off = (pred: (d: InputDiff) => boolean) => f.inputDiffs.filter((d) => d.offManifest && pred(d)).length;
  const seedOff = off((d) => d.field === 'seed') > 0 ? 1 : 0;
  const libOff = Math.min(3, off((d) => d.field.startsWith('libs.')));
  const dataOff = off((d) => d.field === 'dataChecksum') > 0 ? 1 : 0;
  const unpinned = Math.min(3, f.inputDiffs.filter((d) => d.field.startsWith('libs.') && !d.pinned).length);
  const runtime = f.inputDiffs.find((d) => d.field === 'runtime');
  const [sd, so] = (runtime?.subject ?? '/').split('/');
  const [rd, ro] = (runtime?.reference ?? '/').split('/');
  const deviceDiff = runtime && sd !== rd ? 1 : 0;
  const osDiff = runtime && so !== ro ? 1 : 0;
  const releaseDiff = f.inputDiffs.some((d) => d.field === 'release') ? 1 : 0;
  const n = Math.max(1, f.deltas.length);
  const broken = f.deltas.filter((d) => d.problem !== null).length;
  const moved = f.deltas.filter((d) => !d.within);
  const excess = moved.filter((d) => d.problem === null).map(logExcess);
  const integerMoved = moved.some((d) => d.problem === null && Number.isInteger(d.subject) && Number.isInteger(d.reference)) ? 1 : 0;
  const asPinned = seedOff + libOff + dataOff === 0 ? 1 : 0;
  return {
    seed_off: seedOff,
    pinned_lib_off: libOff,
    data_off: dataOff,
    unpinned_lib_diff: unpinned,
    device_diff: deviceDiff,
    os_diff: osDiff,
    release_diff: releaseDiff,
    broken_share: broken / n,
    moved_share: moved.length / n,
    log_excess_max: excess.length ? Math.max(...excess) : 0,
    log_excess_mean: excess.length ? excess.reduce((a, b) => a + b, 0) / excess.length : 0,
    integer_moved: integerMoved,
    retry_reproduced: f.retryReproduced ? 1 : 0,
    inputs_as_pinned: asPinned,
    runtime_only: asPinned * (deviceDiff || osDiff ? 1 : 0) * (1 - releaseDiff),
    release_only: asPinned * releaseDiff * (deviceDiff || osDiff ? 0 : 1),
    any_broken: broken > 0 ? 1 : 0,
  };
}

/** Features as a plain map for the events (Avro map<double>). */
export const featureMap = (f: Features): Record<string, number> => ({ ...f });

/** Read a feature map back (from an event), missing names as 0. */
export const featureVector = (m: Record<string, number>): number[] => FEATURE_NAMES.map((n) => m[n] ?? 0);
