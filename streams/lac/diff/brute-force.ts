/**
 * Brute force over the abstract request space, for the property tests of the semantic diff: every
 * point of the product of the dimensions either policy reads is turned into a concrete request and
 * decided by both compiled engines; the differences found (direction, kind, classification, action)
 * must be exactly the diff's. The table of what each bundle reads is written here from the
 * evaluators' source, independently of the diff's own table; tests also decide random concrete
 * requests that vary every dimension, so a path missing from both tables would still show.
 */
import { compilePolicy } from '../engine/engine';
import type { AccessRequest, Policy } from '../model/types';
import { DIM_OF_PATH, SCALAR_DIMS, SET_DIMS, type ScalarDim, type SetDim } from './abstraction';
import { buildAbstraction, differences, materialise, outcomeOf, type Assignment } from './semantic-diff';

const READS: Record<string, (ScalarDim | SetDim)[]> = {
  'minimization.pii-redact': ['action', 'purpose', 'fieldTags'],
  'minimization.aggregate-only': ['classification', 'aggregateGroupSize'],
  'graph.hop-cap': ['action', 'hops'],
  'graph.fanout-cap': ['action', 'rows'],
  'residency.region-lock': ['destinationRegion', 'region'],
  'purpose.reason-required': ['classification', 'reason', 'purpose'],
  'export.tier1-block': ['action', 'classification', 'groups'],
  'clearance.classification-gate': ['clearance', 'classification'],
  'tenant.isolation': ['subjectTenant', 'resourceTenant'],
  'license.usage-terms': ['license', 'purpose', 'subjectTenant'],
};

export const cellKey = (c: { direction: string; kind: string; classification: string; action: string }) => `${c.direction}|${c.kind}|${c.classification}|${c.action}`;

/** The dimensions either policy reads (always action and classification: the diff reports per cell). */
export function readDims(policies: readonly Policy[]): { scalars: ScalarDim[]; sets: SetDim[] } {
  const dims = new Set<string>(['action', 'classification']);
  for (const p of policies) {
    for (const b of p.bundles) READS[b.name].forEach((d) => dims.add(d));
    for (const r of p.rules) for (const c of r.conditions) dims.add(DIM_OF_PATH[c.path]);
  }
  // Field names and tags live in one array: tagged fields carry names.
  if (dims.has('fieldNames') || dims.has('fieldTags')) (dims.add('fieldNames'), dims.add('fieldTags'));
  return { scalars: SCALAR_DIMS.filter((d) => dims.has(d)), sets: SET_DIMS.filter((d) => dims.has(d)) };
}

export interface BruteForce {
  cells: Set<string>;
  points: number;
}

/** Every point of the abstraction over the read dimensions; undefined when there are more than `limit`. */
export function bruteForce(from: Policy, to: Policy, limit = 200_000): BruteForce | undefined {
  const abs = buildAbstraction(from, to);
  const { scalars, sets } = readDims([from, to]);
  const sizes = [...scalars.map((d) => abs.scalars[d].length), ...sets.map((d) => 2 ** abs.sets[d].length)];
  const points = sizes.reduce((a, b) => a * b, 1);
  if (points > limit) return undefined;
  const A = compilePolicy(from);
  const B = compilePolicy(to);
  const cells = new Set<string>();
  const idx = sizes.map(() => 0);
  for (let n = 0; n < points; n++) {
    const a: Assignment = { scalars: {}, sets: {} };
    scalars.forEach((d, j) => (a.scalars[d] = idx[j]));
    sets.forEach((d, j) => {
      const mask = idx[scalars.length + j];
      a.sets[d] = abs.sets[d].map((_, i) => i).filter((i) => (mask >> i) & 1);
    });
    const tagsWithoutOtherName = (a.sets.fieldTags?.length ?? 0) > 0 && !(a.sets.fieldNames ?? []).includes(abs.otherOf.fieldNames);
    if (!tagsWithoutOtherName) record(cells, materialise(abs, a), A, B);
    let j = sizes.length - 1;
    while (j >= 0 && ++idx[j] === sizes[j]) idx[j--] = 0;
  }
  return { cells, points };
}

export function record(cells: Set<string>, r: AccessRequest, A: ReturnType<typeof compilePolicy>, B: ReturnType<typeof compilePolicy>): void {
  for (const d of differences(outcomeOf(A, r), outcomeOf(B, r))) cells.add(cellKey({ ...d, classification: r.resource.classification, action: r.action }));
}
