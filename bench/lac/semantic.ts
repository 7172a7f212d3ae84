/**
 * Semantic diff timing for `make bench-lac`: the demo policies (analytics-access 1.0.0 → 1.1.0) and two
 * ten-bundle policies (corpus combo-enforce and the bench's candidate), each diffed from scratch
 * (abstraction, encoding, every solver question, every counterexample re-decided) many times after a
 * warm-up; p50/p99 in milliseconds. The side-by-side ceiling: brute force over the same abstraction
 * (every point decided by both compiled engines), on the demo pair where it is feasible.
 */
import { performance } from 'node:perf_hooks';
import { bruteForce } from '../../streams/lac/diff/brute-force';
import { semanticDiff } from '../../streams/lac/diff/semantic-diff';
import type { Policy } from '../../streams/lac/model/types';
import { percentile } from '../stats';

export interface DiffTiming {
  p50Ms: number;
  p99Ms: number;
  runs: number;
  widenings: number;
  narrowings: number;
  atoms: number;
  queries: number;
}

export function timeDiff(from: Policy, to: Policy, runs: number, warmup = 20): DiffTiming {
  for (let i = 0; i < warmup; i++) semanticDiff(from, to);
  const ms: number[] = [];
  let last = semanticDiff(from, to);
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = semanticDiff(from, to);
    ms.push(performance.now() - t);
  }
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50Ms: r(percentile(ms, 50)), p99Ms: r(percentile(ms, 99)), runs, widenings: last.widenings, narrowings: last.narrowings, atoms: last.atoms, queries: last.queries };
}

/** Brute force over the abstraction of the same pair: milliseconds and points, or undefined when too large. */
export function timeBruteForce(from: Policy, to: Policy, limit = 3_000_000): { ms: number; points: number } | undefined {
  const t = performance.now();
  const b = bruteForce(from, to, limit);
  return b && { ms: Math.round((performance.now() - t) * 100) / 100, points: b.points };
}
