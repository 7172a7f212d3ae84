/**
 * Multinomial logistic regression, trained in TypeScript with seeded full-batch gradient descent
 * and L2. Small on purpose: six labels, a score a person can inspect per feature, weights that fit
 * in a committed JSON file.
 */
import { FEATURE_NAMES } from './features';
import { LABELS, type TriageLabel } from '../events/types';

export interface TriageModel {
  version: string;
  labels: readonly TriageLabel[];
  features: readonly string[];
  /** weights[label][feature]; bias[label]. */
  weights: number[][];
  bias: number[];
  meta: Record<string, unknown>;
}

export interface Example {
  x: number[];
  y: number;
  /** Overrides from people count more than generated examples. */
  weight?: number;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function predictProba(model: TriageModel, x: readonly number[]): number[] {
  return softmax(model.weights.map((w, k) => w.reduce((acc, wj, j) => acc + wj * (x[j] ?? 0), model.bias[k])));
}

export function train(examples: readonly Example[], version: string, opts: TrainOptions = {}, meta: Record<string, unknown> = {}): TriageModel {
  const epochs = opts.epochs ?? 600;
  const lr = opts.learningRate ?? 0.5;
  const l2 = opts.l2 ?? 1e-4;
  const K = LABELS.length;
  const D = FEATURE_NAMES.length;
  // Seeded small initial weights: the same corpus and seed give the same model, byte for byte.
  let s = (opts.seed ?? 7) >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5) * 0.01;
  const W = Array.from({ length: K }, () => Array.from({ length: D }, rnd));
  const b = Array.from({ length: K }, () => 0);
  // Adam: converges in a few hundred full-batch steps on these scales.
  const mW = W.map((r) => r.map(() => 0));
  const vW = W.map((r) => r.map(() => 0));
  const mb = b.map(() => 0);
  const vb = b.map(() => 0);
  const totalWeight = examples.reduce((a, e) => a + (e.weight ?? 1), 0);
  for (let t = 1; t <= epochs; t++) {
    const gW = W.map((r) => r.map(() => 0));
    const gb = b.map(() => 0);
    for (const ex of examples) {
      const z = W.map((w, k) => w.reduce((acc, wj, j) => acc + wj * ex.x[j], b[k]));
      const p = softmax(z);
      const wt = (ex.weight ?? 1) / totalWeight;
      for (let k = 0; k < K; k++) {
        const g = (p[k] - (k === ex.y ? 1 : 0)) * wt;
        gb[k] += g;
        for (let j = 0; j < D; j++) gW[k][j] += g * ex.x[j];
      }
    }
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < D; j++) {
        const g = gW[k][j] + l2 * W[k][j];
        mW[k][j] = 0.9 * mW[k][j] + 0.1 * g;
        vW[k][j] = 0.999 * vW[k][j] + 0.001 * g * g;
        W[k][j] -= (lr * 0.1 * (mW[k][j] / (1 - 0.9 ** t))) / (Math.sqrt(vW[k][j] / (1 - 0.999 ** t)) + 1e-8);
      }
      mb[k] = 0.9 * mb[k] + 0.1 * gb[k];
      vb[k] = 0.999 * vb[k] + 0.001 * gb[k] * gb[k];
      b[k] -= (lr * 0.1 * (mb[k] / (1 - 0.9 ** t))) / (Math.sqrt(vb[k] / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { version, labels: LABELS, features: FEATURE_NAMES, weights: W.map((r) => r.map(round)), bias: b.map(round), meta };
}
