/**
 * The SAT encoding of a policy for the semantic diff (docs/lac/semantic-diff.md, "The encoding"):
 * each bundle's deny condition, each rule's match and each obligation as a propositional formula over
 * the atoms of abstraction.ts. The formulas are truth tables computed by running the compiled
 * engine's own code (a bundle's compiled closure, the rule compiler's generated code) on the atoms'
 * representatives, reduced to decision trees: there is no second copy of the semantics to drift from
 * the engine. Building them is bounded by EVALUATION_BUDGET engine evaluations (DiffTooLargeError).
 */
import Logic from 'logic-solver';
import { EVALUATORS, type Accumulator } from '../bundles/evaluators';
import { compilePolicy, type DecisionEngine } from '../engine/engine';
import { compileRules } from '../engine/rules';
import type { AccessRequest, Condition, Effect, Policy, Rule } from '../model/types';
import { DIM_OF_PATH, materialise, SET_DIMS, type Abstraction, type Assignment, type ScalarDim, type SetDim } from './abstraction';

type F = Logic.Formula;

/**
 * Solver variables: `dim=i` holds when scalar dimension `dim` is its i-th atom, `dim#i` when set
 * dimension `dim` contains its i-th atom. Each diff gives its variables its own prefix (see the solver's
 * lifecycle in semantic-diff.ts) so diffs sharing a MiniSat instance share none; everything is
 * synchronous, so the prefix of the diff being computed is a module variable.
 */
let prefix = '';
export const sv = (dim: ScalarDim, i: number) => `${prefix}${dim}=${i}`;
export const setv = (dim: SetDim, i: number) => `${prefix}${dim}#${i}`;
export function useVariablePrefix(p: string): void {
  prefix = p;
}

/** Thrown when the two policies name so many constants that the truth tables would exceed the budget. */
export class DiffTooLargeError extends Error {
  constructor(readonly evaluations: number) {
    super(`the semantic diff of these policies needs more than ${evaluations} engine evaluations to encode; it was not computed`);
  }
}

/** Engine evaluations one diff may spend building truth tables (realistic policies: a few thousand). */
export const EVALUATION_BUDGET = 2_000_000;

export class Encoder {
  evaluations = 0;
  /** Formulas of a bundle with given params, shared by both versions (the same object: the solver encodes it once). */
  readonly cache = new Map<string, unknown>();
  constructor(readonly abs: Abstraction) {}

  memo<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  /**
   * The formula over `dims` that holds exactly where `pred` holds (other dimensions at their first
   * atom), built as a reduced decision tree: values of a dimension with the same sub-table share one
   * branch, and a dimension whose branches are all equal is dropped.
   */
  table(dims: ScalarDim[], pred: (r: AccessRequest) => boolean, base: Assignment = { scalars: {}, sets: {} }): F {
    const sizes = dims.map((d) => this.abs.scalars[d].length);
    const total = sizes.reduce((a, b) => a * b, 1);
    this.evaluations += total;
    if (this.evaluations > EVALUATION_BUDGET) throw new DiffTooLargeError(EVALUATION_BUDGET);
    const bits = new Uint8Array(total);
    const idx = dims.map(() => 0);
    for (let n = 0; n < total; n++) {
      const scalars = { ...base.scalars };
      dims.forEach((d, j) => (scalars[d] = idx[j]));
      bits[n] = pred(materialise(this.abs, { scalars, sets: base.sets })) ? 1 : 0;
      let j = dims.length - 1;
      while (j >= 0 && ++idx[j] === sizes[j]) idx[j--] = 0;
    }
    const build = (j: number, offset: number, span: number): F => {
      let ones = 0;
      for (let n = offset; n < offset + span; n++) ones += bits[n];
      if (ones === span) return Logic.TRUE;
      if (ones === 0) return Logic.FALSE;
      const sub = span / sizes[j];
      const groups = new Map<string, number[]>();
      for (let v = 0; v < sizes[j]; v++) {
        const key = Buffer.from(bits.subarray(offset + v * sub, offset + (v + 1) * sub)).toString('base64');
        const g = groups.get(key);
        if (g) g.push(v);
        else groups.set(key, [v]);
      }
      if (groups.size === 1) return build(j + 1, offset, sub);
      const terms: F[] = [];
      for (const vs of groups.values()) {
        const f = build(j + 1, offset + vs[0] * sub, sub);
        if (f === Logic.FALSE) continue;
        const here = vs.length === 1 ? sv(dims[j], vs[0]) : Logic.or(vs.map((v) => sv(dims[j], v)));
        terms.push(f === Logic.TRUE ? here : Logic.and(here, f));
      }
      return terms.length === 1 ? terms[0] : Logic.or(terms);
    };
    return build(0, 0, total);
  }

  /** Atoms of a set dimension for which a one-element array makes `pred` hold. */
  setAtoms(dim: SetDim, pred: (r: AccessRequest) => boolean): number[] {
    return this.abs.sets[dim].map((_, i) => i).filter((i) => pred(materialise(this.abs, { scalars: {}, sets: { [dim]: [i] } })));
  }
}

const quietAcc = (): Accumulator => ({ locale: 'en', quiet: true, denies: [], infos: [], redact: [], attribution: [] });

/** Dimensions each bundle reads (besides the sets handled below); the brute-force property test holds this table to the engine. */
const BUNDLE_DIMS: Record<string, ScalarDim[]> = {
  'minimization.pii-redact': [],
  'minimization.aggregate-only': ['classification', 'aggregateGroupSize'],
  'graph.hop-cap': ['action', 'hops'],
  'graph.fanout-cap': ['action', 'rows'],
  'residency.region-lock': ['destinationRegion', 'region'],
  'purpose.reason-required': ['classification', 'reason', 'purpose'],
  'export.tier1-block': ['action', 'classification'],
  'clearance.classification-gate': ['clearance', 'classification'],
  'tenant.isolation': ['subjectTenant', 'resourceTenant'],
  'license.usage-terms': ['license', 'purpose', 'subjectTenant'],
};

interface Component {
  key: string;
  label: string;
  kind: 'bundle' | 'deny-rule' | 'allow-rule';
  formula: F;
}

export interface Encoded {
  policy: Policy;
  engine: DecisionEngine;
  allow: F;
  denies: Map<string, Component>;
  allows: Map<string, Component>;
  anyAllowRule: F;
  /** Per tag atom: the field carrying it is redacted. */
  redacts: F[];
  maxHops?: number;
  /** Per license atom: the attribution the policy requires (undefined: none). */
  attribution: (string | undefined)[];
}

function ruleKey(rule: Rule): string {
  return JSON.stringify([rule.effect, rule.code, rule.conditions.map((c) => [c.path, c.op, c.operand])]);
}

function conditionFormula(enc: Encoder, c: Condition, effect: Effect): F {
  const compiled = compileRules([{ effect, conditions: [c], code: 'X' }]);
  const holds = (r: AccessRequest) => {
    const m: number[] = [];
    compiled(r, m);
    return m.length > 0;
  };
  const dim = DIM_OF_PATH[c.path];
  if (!(SET_DIMS as readonly string[]).includes(dim)) return enc.table([dim as ScalarDim], holds);
  const set = dim as SetDim;
  const all = enc.abs.sets[set].map((_, i) => setv(set, i));
  // Presence of a field name: any atom of names, or a tag (tagged fields carry "other" names).
  const present = set === 'fieldNames' ? Logic.or(all, enc.abs.sets.fieldTags.map((_, i) => setv('fieldTags', i))) : Logic.or(all);
  switch (c.op) {
    case 'exists':
      return c.operand === true ? present : Logic.not(present);
    case 'not in':
      // True iff no element is in the set: every atom whose one-element array fails the condition is absent.
      return Logic.and(enc.abs.sets[set].map((_, i) => i).filter((i) => !holds(materialise(enc.abs, { scalars: {}, sets: { [set]: [i] } }))).map((i) => Logic.not(setv(set, i))));
    default:
      return Logic.or(enc.setAtoms(set, holds).map((i) => setv(set, i)));
  }
}

function encodeBundle(enc: Encoder, name: string, params: Record<string, unknown>): { deny: F; redacts?: F[]; attribution?: (string | undefined)[] } {
  const abs = enc.abs;
  const fn = EVALUATORS[name].compile(params);
  const denied = (r: AccessRequest) => {
    const a = quietAcc();
    fn(r, a);
    return a.denies.length > 0;
  };
  const out: { deny: F; redacts?: F[]; attribution?: (string | undefined)[] } = { deny: Logic.FALSE };
  if (name === 'export.tier1-block') {
    // Membership of the exporter group is the only thing read from the groups.
    const group = params.exporterGroup as string;
    const member = Logic.or(enc.setAtoms('groups', (r) => r.subject.groups.includes(group)).map((i) => setv('groups', i)));
    const memberAtom = abs.sets.groups.indexOf(group);
    const withGroup = enc.table(BUNDLE_DIMS[name], denied, { scalars: {}, sets: { groups: memberAtom >= 0 ? [memberAtom] : [] } });
    const without = enc.table(BUNDLE_DIMS[name], denied);
    out.deny = Logic.or(Logic.and(member, withGroup), Logic.and(Logic.not(member), without));
  } else {
    out.deny = enc.table(BUNDLE_DIMS[name], denied);
  }
  if (name === 'minimization.pii-redact') {
    out.redacts = abs.sets.fieldTags.map((_, t) =>
      enc.table(['action', 'purpose'], (r) => {
        const a = quietAcc();
        fn(r, a);
        return a.redact.length > 0;
      }, { scalars: {}, sets: { fieldTags: [t] } }),
    );
  }
  if (name === 'license.usage-terms') {
    out.attribution = abs.scalars.license.map((_, l) => {
      const a = quietAcc();
      fn(materialise(abs, { scalars: { license: l }, sets: {} }), a);
      return a.attribution.length ? a.attribution.join('; ') : undefined;
    });
  }
  return out;
}

export function encodePolicy(enc: Encoder, policy: Policy): Encoded {
  const abs = enc.abs;
  const denies = new Map<string, Component>();
  const allows = new Map<string, Component>();
  let redacts: F[] = abs.sets.fieldTags.map(() => Logic.FALSE);
  let maxHops: number | undefined;
  let attribution: (string | undefined)[] = abs.scalars.license.map(() => undefined);
  for (const use of policy.bundles) {
    const e = enc.memo(`bundle:${use.name}:${canonical(use.params)}`, () => encodeBundle(enc, use.name, use.params));
    denies.set(`bundle:${use.name}`, { key: `bundle:${use.name}`, label: use.name, kind: 'bundle', formula: e.deny });
    if (e.redacts) redacts = e.redacts;
    if (use.name === 'graph.hop-cap') maxHops = use.params.maxHops as number;
    if (e.attribution) attribution = e.attribution;
  }
  policy.rules.forEach((rule, i) => {
    const formula = enc.memo(`rule:${ruleKey(rule)}`, () => Logic.and(rule.conditions.map((c) => conditionFormula(enc, c, rule.effect))));
    const key = `rule:${ruleKey(rule)}`;
    const label = `rule ${rule.code} (rules[${i}])`;
    const target = rule.effect === 'deny' ? denies : allows;
    const prev = target.get(key);
    target.set(key, { key, label: prev?.label ?? label, kind: rule.effect === 'deny' ? 'deny-rule' : 'allow-rule', formula: prev ? Logic.or(prev.formula, formula) : formula });
  });
  const anyAllowRule = Logic.or([...allows.values()].map((c) => c.formula));
  const allow = policy.mode === 'monitor'
    ? Logic.TRUE
    : Logic.and(Logic.not(Logic.or([...denies.values()].map((c) => c.formula))), policy.default === 'allow' ? Logic.TRUE : anyAllowRule);
  return { policy, engine: compilePolicy(policy), allow, denies, allows, anyAllowRule, redacts, maxHops, attribution };
}

/** Structural identity of two components (same bundle params, same rule): such a pair can never make a difference. */
export function sameBundle(a: Policy, b: Policy, name: string): boolean {
  const x = a.bundles.find((u) => u.name === name);
  const y = b.bundles.find((u) => u.name === name);
  return !!x && !!y && canonical(x.params) === canonical(y.params);
}
const canonical = (v: unknown): string =>
  v === null || typeof v !== 'object'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${v.map(canonical).join(',')}]`
      : `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
