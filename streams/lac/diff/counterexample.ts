/**
 * A solver model made into a counterexample a person can read and replay: decided again by both
 * compiled engines (a model they do not confirm, which would be a bug in the encoding, is never
 * reported), minimised while the same difference remains for the same reason, and written in the
 * shape decisions are recorded in.
 */
import { BUNDLE_BY_NAME } from '../bundles/catalog';
import type { DecisionEngine } from '../engine/engine';
import { normaliseRequest } from '../model/request';
import type { AccessRequest, Action, Level } from '../model/types';
import { describe, differences, outcomeOf, type DiffKind, type Direction, type Outcome } from './outcome';

/** A request in the shape decisions are recorded in (absent = null); also a valid `request` for POST /v1/lac/decide. */
export interface CounterexampleRequest {
  subject: { id: string; tenant: string; groups: string[]; clearance: string };
  action: string;
  resource: { dataset: string; tenant: string; classification: string; region: string; license: string | null; fields: { name: string; tags: string[] }[] };
  context: { purpose: string | null; reason: string | null; hops: number | null; rows: number | null; aggregateGroupSize: number | null; destinationRegion: string | null };
}

export interface Counterexample {
  direction: Direction;
  kind: DiffKind;
  classification: Level;
  action: Action;
  /** The bundles (by name) or rules (`rule CODE`), or `default` / `mode`, that make the difference. */
  responsible: string[];
  fromDecision: 'allow' | 'deny';
  toDecision: 'allow' | 'deny';
  /** Reason codes each version gives for this request. */
  fromCodes: string[];
  toCodes: string[];
  /** One sentence for a person. */
  detail: string;
  request: CounterexampleRequest;
}

export function toCounterexampleRequest(r: AccessRequest): CounterexampleRequest {
  return {
    subject: { id: r.subject.id, tenant: r.subject.tenant, groups: [...r.subject.groups], clearance: r.subject.clearance },
    action: r.action,
    resource: {
      dataset: r.resource.dataset, tenant: r.resource.tenant, classification: r.resource.classification, region: r.resource.region,
      license: r.resource.license ?? null, fields: r.resource.fields.map((f) => ({ name: f.name, tags: [...f.tags] })),
    },
    context: {
      purpose: r.context.purpose ?? null, reason: r.context.reason ?? null, hops: r.context.hops ?? null, rows: r.context.rows ?? null,
      aggregateGroupSize: r.context.aggregateGroupSize ?? null, destinationRegion: r.context.destinationRegion ?? null,
    },
  };
}

/**
 * The counterexample a model's request stands for, or undefined when the engines do not confirm the
 * difference (for a decision: because of the responsible component).
 */
export function verify(from: DecisionEngine, to: DecisionEngine, direction: Direction, kind: DiffKind, classification: Level, action: Action, responsible: string[], r: AccessRequest): Counterexample | undefined {
  const n = normaliseRequest(JSON.parse(JSON.stringify(toCounterexampleRequest(r))));
  if (!n.ok) return undefined;
  const label = responsible[0];
  const rule = /^rule ([A-Z][A-Z0-9_]*) /.exec(label)?.[1];
  /** The difference is there, and (for decisions) still because of the responsible component. */
  const holds = (q: AccessRequest): [Outcome, Outcome] | undefined => {
    const a = outcomeOf(from, q);
    const b = outcomeOf(to, q);
    if (!differences(a, b).some((d) => d.direction === direction && d.kind === kind)) return undefined;
    if (kind === 'decision') {
      const [restrictive, permissive] = direction === 'widening' ? [a, b] : [b, a];
      if (rule !== undefined && !restrictive.codes.includes(rule) && !permissive.codes.includes(rule)) return undefined;
      if (rule === undefined && BUNDLE_BY_NAME.has(label) && !restrictive.bundles.includes(label)) return undefined;
    }
    return [a, b];
  };
  if (!holds(n.request)) return undefined;
  // A person reads these: drop what does not matter (optional context, licence, fields, groups) while the same difference, for the same reason, remains.
  const q = minimise(n.request, (x) => holds(x) !== undefined);
  const [a, b] = holds(q)!;
  const detail = describe(kind, direction, a, b, responsible);
  return { direction, kind, classification, action, responsible, fromDecision: a.decision, toDecision: b.decision, fromCodes: a.codes, toCodes: b.codes, detail, request: toCounterexampleRequest(q) };
}

function minimise(r: AccessRequest, ok: (q: AccessRequest) => boolean): AccessRequest {
  let cur = r;
  const attempt = (edit: (q: AccessRequest) => void) => {
    const q = structuredClone(cur);
    edit(q);
    if (ok(q)) cur = q;
  };
  for (const k of ['destinationRegion', 'purpose', 'reason', 'hops', 'rows', 'aggregateGroupSize'] as const) if (cur.context[k] !== undefined) attempt((q) => void delete q.context[k]);
  if (cur.resource.license !== undefined) attempt((q) => void delete q.resource.license);
  // Arrays: drop chunks, halving their size (all at once first, one element at a time last).
  const shrink = (list: (q: AccessRequest) => unknown[]) => {
    for (let chunk = list(cur).length; chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
      for (let start = 0; start < list(cur).length; ) {
        const before = list(cur).length;
        attempt((q) => void list(q).splice(start, chunk));
        if (list(cur).length === before) start += chunk;
      }
    }
  };
  shrink((q) => q.resource.fields);
  shrink((q) => q.subject.groups);
  return cur;
}
