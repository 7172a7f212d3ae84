/**
 * Train a triage model version and write it to weights.json:
 *   node -r ./test/support/swc-register.js streams/pcq/triage/train-run.ts [--version v2] [--overrides overrides.jsonl]
 * Overrides (TriageOverridden payloads, one JSON per line, exported by `trust pcq overrides`) are added
 * to the training split with a higher weight: people's corrections are what the next version learns from.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { generateCorpus, labelIndex, split } from './corpus';
import { featureVector } from './features';
import { train, type Example } from './model';
import { evaluate, formatEvaluation } from './evaluate';
import { CORPUS_SEED, CORPUS_SIZE, SPLIT_SEED, TRAIN_SEED, overrideExamples } from './training-set';

const args = new Command()
  .option('--version <name>', 'model version to write', 'pcq-triage-v1')
  .option('--overrides <file>', 'people\'s label overrides (JSON lines) added to the training set')
  .parse(process.argv)
  .opts<{ version: string; overrides?: string }>();
const version = args.version;
const overridesFile = args.overrides;
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
