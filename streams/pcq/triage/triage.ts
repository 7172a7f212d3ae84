/**
 * Auto-triage of one anomaly: the committed model scores the features, the top label wins, its
 * probability is the confidence, and below REVIEW_THRESHOLD a person is asked to look.
 */
import modelFile from './weights.json';
import { LABELS, runbookOf, type AnomalyTriaged } from '../events/types';
import { FEATURE_NAMES, featureVector, type Features } from './features';
import { predictProba, type TriageModel } from './model';
import { argmax } from './evaluate';

export const REVIEW_THRESHOLD = 0.7;
export const MODEL: TriageModel = modelFile as TriageModel;

/** The model's verdict: the AnomalyTriaged fields it decides (the schema is the source of their types). */
export type TriageResult = Pick<AnomalyTriaged, 'label' | 'confidence' | 'probabilities' | 'runbook' | 'needsReview' | 'modelVersion' | 'evidence'>;

export function triage(features: Features | Record<string, number>, model: TriageModel = MODEL): TriageResult {
  const x = featureVector(features as Record<string, number>);
  const p = predictProba(model, x);
  const k = argmax(p);
  const label = LABELS[k];
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const evidence = FEATURE_NAMES.map((name, j) => ({ name, value: x[j], push: model.weights[k][j] * x[j] }))
    .filter((e) => e.value !== 0 && e.push > 0)
    .sort((a, b) => b.push - a.push)
    .slice(0, 3)
    .map((e) => `${e.name}=${round(e.value)} (+${e.push.toFixed(2)})`);
  return {
    label,
    confidence: round(p[k]),
    probabilities: Object.fromEntries(LABELS.map((l, i) => [l, round(p[i])])),
    runbook: runbookOf(label),
    needsReview: p[k] < REVIEW_THRESHOLD,
    modelVersion: model.version,
    evidence,
  };
}
