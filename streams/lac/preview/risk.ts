/**
 * Risk score v2 of a candidate policy version (documented in docs/lac/risk-score-v2.md).
 *
 *   W     = Σ changed decisions × weight(direction, classification)
 *           widening (deny→allow): P0 10, P1 6, P2 2, P3 1
 *           narrowing (allow→deny): P0 1, P1 1, P2 1.5, P3 2   (narrowing routine data hurts more people's work)
 *   rate  = changed / replayed
 *   score = min(100, round(18·log10(1+W) + 40·min(1, 5·rate) + 6·log10(1+impacted users)))
 *   floors: any widening on P0 → ≥ 60; any widening on P1 → ≥ 35
 *           any *semantic* widening (the diff of the two versions over every possible request,
 *           streams/lac/diff) on P0/P1 → ≥ 50 (high); on P2/P3 → ≥ 20 (medium), history or not;
 *           a diff that could not be completed → ≥ 50 (fail closed)
 *   level: < 20 low · < 50 medium · < 75 high · otherwise critical
 *
 * A widening on P0/P1 weighs most, as the issue asks: one P0 widening is at least "high".
 */
import type { Level } from '../model/types';
import type { RiskLevel } from '../events/types';

export const WIDEN_WEIGHT: Record<Level, number> = { P0: 10, P1: 6, P2: 2, P3: 1 };
export const NARROW_WEIGHT: Record<Level, number> = { P0: 1, P1: 1, P2: 1.5, P3: 2 };

export interface RiskInput {
  replayed: number;
  /** Changed decisions per classification and direction. */
  widened: Record<Level, number>;
  narrowed: Record<Level, number>;
  impactedUsers: number;
  /** Classifications on which the semantic diff found a widening (any request, recorded or not). */
  semanticWidened?: readonly Level[];
  /** The semantic diff could not be completed: fail closed, as if P0/P1 widened. */
  semanticIncomplete?: boolean;
}

/** Floors of semantic widenings: on P0/P1 at least high, on P2/P3 at least medium. */
export const SEMANTIC_FLOOR = { sensitive: 50, other: 20 } as const;

export interface RiskResult {
  score: number;
  level: RiskLevel;
  factors: { weightedChanges: number; changeRate: number; impactedUsers: number; magnitude: number; breadth: number; reach: number; floor: number; semanticFloor: number };
}

export function levelOf(score: number): RiskLevel {
  if (score < 20) return 'low';
  if (score < 50) return 'medium';
  if (score < 75) return 'high';
  return 'critical';
}

export function riskScoreV2(input: RiskInput): RiskResult {
  let weighted = 0;
  let changed = 0;
  for (const l of ['P0', 'P1', 'P2', 'P3'] as Level[]) {
    weighted += input.widened[l] * WIDEN_WEIGHT[l] + input.narrowed[l] * NARROW_WEIGHT[l];
    changed += input.widened[l] + input.narrowed[l];
  }
  const changeRate = input.replayed > 0 ? changed / input.replayed : 0;
  const magnitude = 18 * Math.log10(1 + weighted);
  const breadth = 40 * Math.min(1, 5 * changeRate);
  const reach = 6 * Math.log10(1 + input.impactedUsers);
  const historyFloor = input.widened.P0 > 0 ? 60 : input.widened.P1 > 0 ? 35 : 0;
  const sw = input.semanticWidened ?? [];
  const semanticFloor = input.semanticIncomplete || sw.some((l) => l === 'P0' || l === 'P1') ? SEMANTIC_FLOOR.sensitive : sw.length > 0 ? SEMANTIC_FLOOR.other : 0;
  const floor = Math.max(historyFloor, semanticFloor);
  const score = Math.min(100, Math.max(floor, changed === 0 ? 0 : Math.round(magnitude + breadth + reach)));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    score,
    level: levelOf(score),
    factors: { weightedChanges: round(weighted), changeRate: round(changeRate), impactedUsers: input.impactedUsers, magnitude: round(magnitude), breadth: round(breadth), reach: round(reach), floor: historyFloor, semanticFloor },
  };
}
