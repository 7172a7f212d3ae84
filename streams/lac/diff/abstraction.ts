/**
 * The finite abstraction of the request space that the semantic diff searches (docs/lac/semantic-diff.md).
 *
 * Every path the engine reads is a *dimension*. A policy only ever compares a dimension with the
 * constants and thresholds it names (exactly, or loosely through `fold`), so a dimension's values fall
 * into finitely many classes: two values in one class are indistinguishable to both policies. For
 * each class we keep one concrete representative (an *atom*):
 *
 *   - a string: each constant itself; for each loose (folded) constant, a value that folds to it but
 *     equals no constant exactly (`PII` for `pii`, a zero-width space appended…); one value that
 *     matches nothing ("any other"); `absent` for optional paths. The two tenants are compared with
 *     each other, so their classes get two distinct representatives each (equal / different).
 *   - `context.reason`: also each visible-length threshold's boundary (min − 1, min).
 *   - a count: the integer boundaries of every threshold (k − 1, k, k + 1, floor/ceil), 0, the
 *     largest count, and `absent`.
 *   - levels and actions: all of them.
 *   - arrays (groups, field names, field tags) are sets: one boolean per atom ("some element is in
 *     this class"), because the engine only asks whether some / no element matches.
 *
 * Atoms are deduplicated by their *signature* (the vector of answers every comparison gives), so the
 * number of atoms is the number of classes actually distinguishable.
 */
import { fold, visibleLength } from '../model/fold';
import { REQUEST_LIMITS } from '../model/request';
import { ACTIONS, LEVELS, type AccessRequest, type Action, type Effect, type Level, type Policy } from '../model/types';

export type ScalarDim =
  | 'action' | 'classification' | 'clearance' | 'subjectId' | 'subjectTenant' | 'resourceTenant' | 'dataset' | 'region'
  | 'destinationRegion' | 'license' | 'purpose' | 'reason' | 'hops' | 'rows' | 'aggregateGroupSize';
export type SetDim = 'groups' | 'fieldNames' | 'fieldTags';

export const SCALAR_DIMS: readonly ScalarDim[] = [
  'action', 'classification', 'clearance', 'subjectId', 'subjectTenant', 'resourceTenant', 'dataset', 'region',
  'destinationRegion', 'license', 'purpose', 'reason', 'hops', 'rows', 'aggregateGroupSize',
];
export const SET_DIMS: readonly SetDim[] = ['groups', 'fieldNames', 'fieldTags'];

/** Request path (as rules name it) → dimension. */
export const DIM_OF_PATH: Readonly<Record<string, ScalarDim | SetDim>> = {
  'subject.id': 'subjectId',
  'subject.tenant': 'subjectTenant',
  'subject.groups': 'groups',
  'subject.clearance': 'clearance',
  action: 'action',
  'resource.dataset': 'dataset',
  'resource.tenant': 'resourceTenant',
  'resource.classification': 'classification',
  'resource.region': 'region',
  'resource.license': 'license',
  'resource.fields.name': 'fieldNames',
  'resource.fields.tags': 'fieldTags',
  'context.purpose': 'purpose',
  'context.reason': 'reason',
  'context.hops': 'hops',
  'context.rows': 'rows',
  'context.aggregateGroupSize': 'aggregateGroupSize',
  'context.destinationRegion': 'destinationRegion',
};

const OPTIONAL: ReadonlySet<ScalarDim> = new Set(['destinationRegion', 'license', 'purpose', 'reason', 'hops', 'rows', 'aggregateGroupSize']);
const COUNTS: ReadonlySet<string> = new Set(['hops', 'rows', 'aggregateGroupSize']);

/** What the policies compare a string dimension with. */
interface StringConstants {
  exact: Set<string>;
  loose: Set<string>;
  lengths: Set<number>;
}

export interface Abstraction {
  scalars: Record<ScalarDim, (string | number | undefined)[]>;
  sets: Record<SetDim, string[]>;
  /** Index of the "any other" atom of each set dimension (always present). */
  otherOf: Record<SetDim, number>;
  /** Distinct names in the "any other" class of field names, for fields that carry a tag. */
  freshNames: string[];
  /** The constants each dimension was split by (for docs, debugging and the bench's conditions). */
  constants: Record<string, { exact: string[]; loose: string[]; thresholds: number[] }>;
}

/** Collects every constant and threshold both policies compare each dimension with. */
export function collectConstants(policies: readonly Policy[]): { strings: Record<string, StringConstants>; numbers: Record<string, Set<number>> } {
  const strings: Record<string, StringConstants> = {};
  const numbers: Record<string, Set<number>> = { hops: new Set(), rows: new Set(), aggregateGroupSize: new Set() };
  const s = (dim: string) => (strings[dim] ??= { exact: new Set(), loose: new Set(), lengths: new Set() });
  const exact = (dim: string, xs: readonly unknown[] | undefined) => xs?.forEach((x) => typeof x === 'string' && s(dim).exact.add(x));
  const loose = (dim: string, xs: readonly unknown[] | undefined) => xs?.forEach((x) => typeof x === 'string' && s(dim).loose.add(x));
  for (const dim of ['subjectId', 'subjectTenant', 'dataset', 'region', 'destinationRegion', 'license', 'purpose', 'reason', 'groups', 'fieldNames', 'fieldTags']) s(dim);
  for (const p of policies) {
    for (const b of p.bundles) {
      const q = b.params as Record<string, unknown>;
      switch (b.name) {
        case 'minimization.pii-redact':
          loose('fieldTags', q.piiTags as string[]);
          exact('purpose', q.allowPurposes as string[]);
          break;
        case 'minimization.aggregate-only':
          numbers.aggregateGroupSize.add(q.minGroupSize as number);
          break;
        case 'graph.hop-cap':
          numbers.hops.add(q.maxHops as number);
          break;
        case 'graph.fanout-cap':
          numbers.rows.add(q.maxRows as number);
          break;
        case 'residency.region-lock':
          exact('region', q.allowedRegions as string[]);
          exact('destinationRegion', q.allowedRegions as string[]);
          break;
        case 'purpose.reason-required':
          s('reason').lengths.add(q.minReasonLength as number);
          exact('purpose', q.allowedPurposes as string[] | undefined);
          break;
        case 'export.tier1-block':
          exact('groups', [q.exporterGroup]);
          break;
        case 'tenant.isolation':
          for (const [owner, with_] of Object.entries(q.sharedWith as Record<string, string[]>)) {
            exact('subjectTenant', [owner, ...with_]);
          }
          break;
        case 'license.usage-terms':
          for (const [license, terms] of Object.entries(q.licenses as Record<string, { deniedPurposes?: string[]; allowedTenants?: string[] }>)) {
            loose('license', [license]);
            loose('purpose', terms.deniedPurposes);
            exact('subjectTenant', terms.allowedTenants);
          }
          break;
      }
    }
    for (const rule of p.rules) {
      for (const c of rule.conditions) {
        const dim = DIM_OF_PATH[c.path];
        if (COUNTS.has(dim)) {
          for (const x of Array.isArray(c.operand) ? c.operand : [c.operand]) if (typeof x === 'number') numbers[dim].add(x);
          continue;
        }
        if (dim === 'action' || dim === 'classification' || dim === 'clearance' || c.op === 'exists') continue;
        const target = dim === 'resourceTenant' ? 'subjectTenant' : dim;
        const operands = Array.isArray(c.operand) ? c.operand : [c.operand];
        if (looseFor(c.op, rule.effect)) loose(target, operands);
        else exact(target, operands);
      }
    }
  }
  return { strings, numbers };
}

/** The engine's rule for rule conditions (rules.ts): deny `equals`/`in` and allow `not in` fold. */
export const looseFor = (op: string, effect: Effect): boolean => (op === 'not in' ? effect === 'allow' : effect === 'deny');

const LIGATURES: [string, string][] = [['ffi', '\ufb03'], ['ffl', '\ufb04'], ['ff', '\ufb00'], ['fi', '\ufb01'], ['fl', '\ufb02'], ['st', '\ufb06']];

const PRINTABLE = (v: string) => v.length > 0 && v.length <= REQUEST_LIMITS.text && !/[\u0000-\u001f\u007f]/.test(v);

/** Atoms of one string dimension: one representative per distinguishable class (`copies` per non-singleton class). */
export function stringAtoms(k: StringConstants, opts: { optional: boolean; copies: number; maxLength?: number }): (string | undefined)[] {
  const looseFolds = new Set([...k.loose].map(fold));
  const lengths = [...k.lengths].sort((a, b) => a - b);
  const signature = (v: string) => JSON.stringify([k.exact.has(v) ? v : null, looseFolds.has(fold(v)) ? fold(v) : null, lengths.map((l) => visibleLength(v) < l)]);
  const max = opts.maxLength ?? REQUEST_LIMITS.text;
  const seen = new Map<string, number>();
  const out: (string | undefined)[] = opts.optional ? [undefined] : [];
  const offer = (v: string) => {
    if (!PRINTABLE(v) || v.length > max) return;
    const sig = signature(v);
    const n = seen.get(sig) ?? 0;
    const singleton = k.exact.has(v);
    if (n >= (singleton ? 1 : opts.copies) || out.includes(v)) return;
    seen.set(sig, n + 1);
    out.push(v);
  };
  for (const c of [...k.exact].sort()) offer(c);
  for (const c of [...k.loose].sort()) offer(c);
  for (const f of [...looseFolds].sort()) {
    // Values that fold to a loose constant without equalling any constant: case, invisible characters, outer spaces.
    for (const v of [f, f.toUpperCase(), `${f}\u200b`, `\u200b${f}`, `${f}\u00ad`, ` ${f}`, `${f} `, `${f.toUpperCase()}\u200b`]) offer(v);
    // Same fold, other visible length (matters where a reason-length threshold meets a loose reason constant):
    // compatibility ligatures shorten, Hangul jamo lengthen.
    offer(LIGATURES.reduce((v, [from, to]) => v.split(from).join(to), f));
    offer(`${f.normalize('NFD')}\u200b`);
    // Full-width first character: same fold, same length (for constants already at the length limit).
    const c0 = f.charCodeAt(0);
    if (c0 >= 0x21 && c0 <= 0x7e) offer(String.fromCharCode(c0 + 0xfee0) + f.slice(1));
  }
  // "Any other": values that match no constant, at each visible-length boundary.
  const otherLengths = new Set<number>([1, 8]);
  for (const l of lengths) for (const d of [l - 1, l, l + 1]) if (d >= 0) otherLengths.add(d);
  for (const len of [...otherLengths].sort((a, b) => a - b)) {
    for (let i = 0; i < 4 + opts.copies; i++) {
      const base = len === 0 ? ' '.repeat(i + 1) : `${String.fromCharCode(120 + (i % 3))}${i}`.repeat(len).slice(0, len);
      const v = len > 0 && base.length < len ? base.padEnd(len, 'z') : base;
      offer(v);
      offer(`other-${i}-${'q'.repeat(Math.max(0, len - 8))}`.slice(0, Math.max(len, 1)));
    }
  }
  return out;
}

/** Atoms of a count: absent, and the integer boundaries of every threshold. */
export function countAtoms(thresholds: Set<number>): (number | undefined)[] {
  const MAX = REQUEST_LIMITS.count;
  const ks = [...thresholds].filter((k) => Number.isFinite(k));
  const signature = (v: number) => ks.map((k) => Math.sign(v - k)).join(',');
  const candidates = new Set<number>([0, MAX]);
  for (const k of ks) for (const base of [Math.floor(k), Math.ceil(k)]) for (const d of [-1, 0, 1]) candidates.add(base + d);
  const seen = new Set<string>();
  const out: (number | undefined)[] = [undefined];
  for (const v of [...candidates].filter((v) => v >= 0 && v <= MAX).sort((a, b) => a - b)) {
    const sig = signature(v);
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push(v);
  }
  return out;
}

export function buildAbstraction(from: Policy, to: Policy): Abstraction {
  const { strings, numbers } = collectConstants([from, to]);
  const str = (dim: string, copies = 1) => stringAtoms(strings[dim], { optional: OPTIONAL.has(dim as ScalarDim), copies });
  const tenants = str('subjectTenant', 2) as string[];
  const scalars: Abstraction['scalars'] = {
    action: [...ACTIONS],
    classification: [...LEVELS],
    clearance: [...LEVELS],
    subjectId: str('subjectId'),
    subjectTenant: tenants,
    resourceTenant: tenants,
    dataset: str('dataset'),
    region: str('region'),
    destinationRegion: str('destinationRegion'),
    license: str('license'),
    purpose: str('purpose'),
    reason: str('reason'),
    hops: countAtoms(numbers.hops),
    rows: countAtoms(numbers.rows),
    aggregateGroupSize: countAtoms(numbers.aggregateGroupSize),
  };
  const sets = {} as Abstraction['sets'];
  const otherOf = {} as Abstraction['otherOf'];
  for (const dim of SET_DIMS) {
    const atoms = stringAtoms(strings[dim], { optional: false, copies: 1 }) as string[];
    sets[dim] = atoms;
    otherOf[dim] = otherIndex(atoms, strings[dim]);
  }
  // Fields that carry a tag get names of the "any other" class, one per tag atom, all distinct.
  const nameK = strings.fieldNames;
  const nameSig = (v: string) => `${nameK.exact.has(v)}|${new Set([...nameK.loose].map(fold)).has(fold(v))}`;
  const otherSig = nameSig(sets.fieldNames[otherOf.fieldNames]);
  const freshNames: string[] = [];
  for (let i = 0; freshNames.length < sets.fieldTags.length && i < 10_000; i++) {
    const v = `field-${i}`;
    if (nameSig(v) === otherSig && !sets.fieldNames.includes(v)) freshNames.push(v);
  }
  const constants: Abstraction['constants'] = {};
  for (const [dim, k] of Object.entries(strings)) constants[dim] = { exact: [...k.exact].sort(), loose: [...k.loose].sort(), thresholds: [...k.lengths].sort((a, b) => a - b) };
  for (const [dim, k] of Object.entries(numbers)) constants[dim] = { exact: [], loose: [], thresholds: [...k].sort((a, b) => a - b) };
  return { scalars, sets, otherOf, freshNames, constants };
}

function otherIndex(atoms: string[], k: StringConstants): number {
  const folds = new Set([...k.loose].map(fold));
  const i = atoms.findIndex((v) => !k.exact.has(v) && !folds.has(fold(v)));
  if (i < 0) throw new Error('no "any other" atom could be built');
  return i;
}

/** A point of the abstraction: an atom index per scalar dimension (unset: its first atom), the atoms present per set dimension. */
export interface Assignment {
  scalars: Partial<Record<ScalarDim, number>>;
  sets: Partial<Record<SetDim, number[]>>;
}

/**
 * The concrete request made of the representatives of a point's atoms. Fields: one per name atom, and
 * one per tag atom under a fresh name of the "any other" class, which then stands for that name atom.
 */
export function materialise(abs: Abstraction, a: Assignment): AccessRequest {
  const v = (dim: ScalarDim) => abs.scalars[dim][a.scalars[dim] ?? 0];
  const set = (dim: SetDim) => (a.sets[dim] ?? []).map((i) => abs.sets[dim][i]);
  const fields: AccessRequest['resource']['fields'] = [];
  const tags = a.sets.fieldTags ?? [];
  for (const i of a.sets.fieldNames ?? []) if (i !== abs.otherOf.fieldNames || tags.length === 0) fields.push({ name: abs.sets.fieldNames[i], tags: [] });
  tags.forEach((t, n) => fields.push({ name: abs.freshNames[n], tags: [abs.sets.fieldTags[t]] }));
  const r: AccessRequest = {
    subject: { id: v('subjectId') as string, tenant: v('subjectTenant') as string, groups: set('groups'), clearance: v('clearance') as Level },
    action: v('action') as Action,
    resource: { dataset: v('dataset') as string, tenant: v('resourceTenant') as string, classification: v('classification') as Level, region: v('region') as string, fields },
    context: {},
  };
  if (v('license') !== undefined) r.resource.license = v('license') as string;
  for (const k of ['purpose', 'reason', 'destinationRegion'] as const) if (v(k) !== undefined) r.context[k] = v(k) as string;
  for (const k of ['hops', 'rows', 'aggregateGroupSize'] as const) if (v(k) !== undefined) r.context[k] = v(k) as number;
  return r;
}
