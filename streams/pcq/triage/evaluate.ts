/** Accuracy, per-class precision/recall and the confusion matrix of a model on labeled examples. */
import { LABELS } from '../events/types';
import { predictProba, type Example, type TriageModel } from './model';

export interface Evaluation {
  n: number;
  accuracy: number;
  perClass: { label: string; precision: number; recall: number; support: number }[];
  /** confusion[true][predicted] */
  confusion: number[][];
}

export const argmax = (p: readonly number[]) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);

export function evaluate(model: TriageModel, examples: readonly Example[]): Evaluation {
  const K = LABELS.length;
  const confusion = Array.from({ length: K }, () => Array.from({ length: K }, () => 0));
  for (const ex of examples) confusion[ex.y][argmax(predictProba(model, ex.x))]++;
  const correct = confusion.reduce((a, row, i) => a + row[i], 0);
  const perClass = LABELS.map((label, k) => {
    const tp = confusion[k][k];
    const predicted = confusion.reduce((a, row) => a + row[k], 0);
    const support = confusion[k].reduce((a, b) => a + b, 0);
    return { label, precision: predicted ? tp / predicted : 0, recall: support ? tp / support : 0, support };
  });
  return { n: examples.length, accuracy: examples.length ? correct / examples.length : 0, perClass, confusion };
}

export function formatEvaluation(e: Evaluation, title: string): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`.padStart(7);
  const short = LABELS.map((l) => l.split('_').map((w) => w[0]).join('').toUpperCase());
  const lines = [`${title}: ${e.n} examples, accuracy ${pct(e.accuracy).trim()}`, '', 'label                        precision  recall  support'];
  for (const c of e.perClass) lines.push(`${c.label.padEnd(28)} ${pct(c.precision)}  ${pct(c.recall)}  ${String(c.support).padStart(7)}`);
  lines.push('', `confusion (rows = true, columns = predicted): ${LABELS.map((l, i) => `${short[i]}=${l}`).join(', ')}`);
  lines.push(`${''.padEnd(6)}${short.map((s) => s.padStart(6)).join('')}`);
  e.confusion.forEach((row, i) => lines.push(`${short[i].padEnd(6)}${row.map((v) => String(v).padStart(6)).join('')}`));
  return lines.join('\n');
}
