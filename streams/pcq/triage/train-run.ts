/**
 * Train a triage model version and write it to weights.json:
 *   node -r ./test/support/swc-register.js streams/pcq/triage/train-run.ts [--version v2] [--overrides overrides.jsonl]
 * Overrides (TriageOverridden payloads, one JSON per line, exported by `trust pcq overrides`) are added
 * to the training split with a higher weight: people's corrections are what the next version learns from.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus, labelIndex, split } from './corpus';
import { featureVector } from './features';
import { train, type Example } from './model';
import { evaluate, formatEvaluation } from './evaluate';
import { CORPUS_SEED, CORPUS_SIZE, SPLIT_SEED, TRAIN_SEED, overrideExamples } from './training-set';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const version = arg('--version') ?? 'pcq-triage-v1';
const overridesFile = arg('--overrides');
const corpus = generateCorpus(CORPUS_SIZE, CORPUS_SEED);
const { train: trainSet, validation } = split(corpus, SPLIT_SEED);
const toExample = (c: (typeof corpus)[number]): Example => ({ x: featureVector(c.features), y: labelIndex(c.label) });
const overrides = overridesFile ? overrideExamples(readFileSync(overridesFile, 'utf8')) : [];
const model = train([...trainSet.map(toExample), ...overrides], version, { seed: TRAIN_SEED }, {
  corpusSeed: CORPUS_SEED,
  corpusSize: CORPUS_SIZE,
  splitSeed: SPLIT_SEED,
  trainExamples: trainSet.length,
  overrides: overrides.length,
});
writeFileSync(join(__dirname, 'weights.json'), JSON.stringify(model, null, 1) + '\n');
console.log(formatEvaluation(evaluate(model, validation.map(toExample)), `${version} on the validation split`));
