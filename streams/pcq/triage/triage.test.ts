import { LABELS } from '../events/types';
import { generateCorpus, labelIndex, split } from './corpus';
import { evaluate } from './evaluate';
import { FEATURE_NAMES, featureVector } from './features';
import { train } from './model';
import { MODEL, REVIEW_THRESHOLD, triage } from './triage';
import { CORPUS_SEED, CORPUS_SIZE, SPLIT_SEED, overrideExamples } from './training-set';

describe('triage model', () => {
  const corpus = generateCorpus(CORPUS_SIZE, CORPUS_SEED);
  const { train: trainSet, validation } = split(corpus, SPLIT_SEED);
  const toExample = (c: (typeof corpus)[number]) => ({ x: featureVector(c.features), y: labelIndex(c.label) });

  test('the corpus is seeded (same seed, same corpus), covers every label, and the split does not leak', () => {
    expect(generateCorpus(50, CORPUS_SEED)).toEqual(corpus.slice(0, 50));
    for (const l of LABELS) expect(corpus.filter((c) => c.label === l).length).toBeGreaterThan(CORPUS_SIZE * 0.08);
    const ids = new Set(trainSet.map((c) => c.id));
    expect(validation.some((c) => ids.has(c.id))).toBe(false);
    expect(validation.length).toBe(CORPUS_SIZE * 0.2);
    // Confounders are present: unpinned bumps on input-drift-free anomalies, retries, broken metrics next to drifts.
    expect(corpus.filter((c) => c.features.unpinned_lib_diff > 0 && c.features.inputs_as_pinned === 1).length).toBeGreaterThan(100);
    expect(corpus.filter((c) => c.features.retry_reproduced === 1 && c.label !== 'infra_flake').length).toBeGreaterThan(10);
  });

  test('the committed model reaches at least 90% accuracy on the held-out validation split', () => {
    const e = evaluate(MODEL, validation.map(toExample));
    expect(e.accuracy).toBeGreaterThanOrEqual(0.9);
    for (const c of e.perClass) expect(c.recall).toBeGreaterThan(0.8);
    expect(MODEL.features).toEqual(FEATURE_NAMES);
  });

  test('exactly one label, confidence in [0,1], runbook route, needsReview below the threshold', () => {
    for (const c of validation.slice(0, 200)) {
      const t = triage(c.features);
      expect(LABELS).toContain(t.label);
      expect(t.confidence).toBeGreaterThanOrEqual(0);
      expect(t.confidence).toBeLessThanOrEqual(1);
      expect(t.runbook).toBe(`docs/runbooks/${t.label}.md`);
      expect(t.needsReview).toBe(t.confidence < REVIEW_THRESHOLD);
      expect(Object.values(t.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    }
  });

  test('overrides are used by the next model version: people relabel a pattern and v2 learns it', () => {
    // People decide that gpu/macos-only moves of one float metric on this fleet are infra flakes.
    const pattern = validation.find((c) => c.label === 'nondeterministic_reduction' && c.features.os_diff === 1)!;
    expect(triage(pattern.features).label).toBe('nondeterministic_reduction');
    const overrides = Array.from({ length: 30 }, () => JSON.stringify({ label: 'infra_flake', features: pattern.features })).join('\n');
    const small = trainSet.slice(0, 1500).map(toExample);
    const v2 = train([...small, ...overrideExamples(overrides)], 'pcq-triage-v2', { epochs: 300 });
    expect(triage(pattern.features, v2)).toMatchObject({ label: 'infra_flake', modelVersion: 'pcq-triage-v2' });
  });
});
