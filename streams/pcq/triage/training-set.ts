/** The fixed recipe of the training set (seeds, sizes) and how human overrides join it. */
import { LABELS, type TriageLabel } from '../events/types';
import { featureVector } from './features';
import type { Example } from './model';

export const CORPUS_SEED = 42;
export const CORPUS_SIZE = 6000;
export const SPLIT_SEED = 7;
export const TRAIN_SEED = 11;
/** One person's correction counts like this many generated examples. */
export const OVERRIDE_WEIGHT = 20;

/** TriageOverridden payloads (JSON lines) → weighted training examples. */
export function overrideExamples(jsonl: string): Example[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { label: TriageLabel; features: Record<string, number> })
    .filter((o) => LABELS.includes(o.label))
    .map((o) => ({ x: featureVector(o.features), y: LABELS.indexOf(o.label), weight: OVERRIDE_WEIGHT }));
}
