/**
 * `make eval-triage`: the committed model on the held-out validation split: accuracy, per-class
 * precision and recall, the confusion matrix. Exits 1 below 90% accuracy.
 *   node -r ./test/support/swc-register.js streams/pcq/triage/eval-run.ts
 */
import { generateCorpus, labelIndex, split } from './corpus';
import { evaluate, formatEvaluation } from './evaluate';
import { featureVector } from './features';
import { MODEL } from './triage';
import { CORPUS_SEED, CORPUS_SIZE, SPLIT_SEED } from './training-set';

const { train, validation } = split(generateCorpus(CORPUS_SIZE, CORPUS_SEED), SPLIT_SEED);
const e = evaluate(MODEL, validation.map((c) => ({ x: featureVector(c.features), y: labelIndex(c.label) })));
console.log(`corpus: ${CORPUS_SIZE} generated anomalies (seed ${CORPUS_SEED}), train ${train.length} / validation ${validation.length} (split seed ${SPLIT_SEED}); overrides in this version: ${MODEL.meta.overrides ?? 0}`);
console.log(formatEvaluation(e, `${MODEL.version} on the validation split`));
console.log(JSON.stringify({ eval: 'triage', model: MODEL.version, accuracy: Number(e.accuracy.toFixed(4)), target: 0.9, pass: e.accuracy >= 0.9 }));
process.exitCode = e.accuracy >= 0.9 ? 0 : 1;
