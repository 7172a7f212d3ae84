import { BUNDLES } from '../bundles/catalog';
import { USE_CASES } from './catalog';
import { coverage, formatCoverage } from './coverage';

test('at least 25 Tier-1/2 use cases; coverage meets the 80% target; every bundle serves one', () => {
  expect(USE_CASES.length).toBeGreaterThanOrEqual(25);
  expect(new Set(USE_CASES.map((u) => u.id)).size).toBe(USE_CASES.length);
  const r = coverage();
  expect(r.share).toBeGreaterThanOrEqual(0.8);
  expect(r.meetsTarget).toBe(true);
  for (const b of BUNDLES) expect(r.bundleUse[b.name]).toBeGreaterThan(0);
  expect(formatCoverage(r)).toMatch(/^use-case coverage: 25\/30 = 83\.3% \(target 80\.0%: met\)/);
});

test('an unknown bundle or a gap makes a use case uncovered', () => {
  const r = coverage([
    { id: 'A', tier: 1, title: 'a', bundles: ['graph.hop-cap'], gaps: [] },
    { id: 'B', tier: 1, title: 'b', bundles: ['graph.nope'], gaps: [] },
    { id: 'C', tier: 2, title: 'c', bundles: ['graph.hop-cap'], gaps: ['needs time windows'] },
    { id: 'D', tier: 2, title: 'd', bundles: [], gaps: [] },
  ]);
  expect(r.covered).toBe(1);
  expect(r.uncovered.map((u) => [u.id, u.why])).toEqual([
    ['B', ['unknown bundle graph.nope']],
    ['C', ['needs time windows']],
    ['D', ['no bundle serves it']],
  ]);
  expect(r.meetsTarget).toBe(false);
});
