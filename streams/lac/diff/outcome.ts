/**
 * What a version's decision grants one request (its Outcome), and how two outcomes differ: the ground
 * truth the semantic diff is held to. Every counterexample is checked with these by both compiled
 * engines before it is reported (counterexample.ts), and the brute-force property test compares
 * outcomes the same way.
 */
import type { DecisionEngine } from '../engine/engine';
import type { AccessRequest, DecideResponse } from '../model/types';

/** Widening: the `to` version grants more than `from`; narrowing: less. */
export type Direction = 'widening' | 'narrowing';
export type DiffKind = 'decision' | 'redaction' | 'hop-cap' | 'attribution';

/** What a version's decision grants: the decision and the obligations that restrict it. */
export interface Outcome {
  decision: 'allow' | 'deny';
  codes: string[];
  /** Bundles among the reasons. */
  bundles: string[];
  redact: Set<string>;
  maxHops?: number;
  attribution?: string;
}

export function outcomeOf(engine: DecisionEngine, r: AccessRequest): Outcome {
  const d: DecideResponse = engine.decide(r);
  const allowed = d.decision === 'allow';
  return {
    decision: d.decision,
    codes: d.reasons.map((x) => x.code),
    bundles: d.reasons.flatMap((x) => (x.bundle ? [x.bundle] : [])),
    redact: new Set(allowed ? d.obligations.redactFields : []),
    maxHops: allowed ? d.obligations.maxHops : undefined,
    attribution: allowed ? d.obligations.attribution : undefined,
  };
}

/** The differences between two outcomes of one request, by kind and direction (what the diff must find). */
export function differences(a: Outcome, b: Outcome): { direction: Direction; kind: DiffKind }[] {
  const out: { direction: Direction; kind: DiffKind }[] = [];
  if (a.decision !== b.decision) return [{ direction: b.decision === 'allow' ? 'widening' : 'narrowing', kind: 'decision' }];
  if (a.decision === 'deny') return out;
  if ([...a.redact].some((f) => !b.redact.has(f))) out.push({ direction: 'widening', kind: 'redaction' });
  if ([...b.redact].some((f) => !a.redact.has(f))) out.push({ direction: 'narrowing', kind: 'redaction' });
  if (a.maxHops !== undefined && (b.maxHops === undefined || b.maxHops > a.maxHops)) out.push({ direction: 'widening', kind: 'hop-cap' });
  if (b.maxHops !== undefined && (a.maxHops === undefined || a.maxHops > b.maxHops)) out.push({ direction: 'narrowing', kind: 'hop-cap' });
  if (a.attribution !== undefined && b.attribution === undefined) out.push({ direction: 'widening', kind: 'attribution' });
  if (b.attribution !== undefined && b.attribution !== a.attribution) out.push({ direction: 'narrowing', kind: 'attribution' });
  return out;
}

/** One sentence for a person: what differs between the outcomes. */
export function describe(kind: DiffKind, direction: Direction, a: Outcome, b: Outcome, responsible: string[]): string {
  const who = responsible.join(', ');
  switch (kind) {
    case 'decision':
      return `${a.decision} → ${b.decision} (${who}); reasons before: ${a.codes.join(', ')}; after: ${b.codes.join(', ')}`;
    case 'redaction': {
      const [x, y] = direction === 'widening' ? [a.redact, b.redact] : [b.redact, a.redact];
      const fields = [...x].filter((f) => !y.has(f));
      return direction === 'widening' ? `field(s) ${fields.join(', ')} redacted before, served in clear after` : `field(s) ${fields.join(', ')} served in clear before, redacted after`;
    }
    case 'hop-cap':
      return `traversal cap ${a.maxHops ?? 'none'} → ${b.maxHops ?? 'none'}`;
    case 'attribution':
      return `attribution ${JSON.stringify(a.attribution ?? null)} → ${JSON.stringify(b.attribution ?? null)}`;
  }
}
