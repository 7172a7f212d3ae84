/**
 * Semantic diff of two policy versions (issue 17): every class of request on which they decide
 * differently, widenings (the `to` version grants more) and narrowings apart, per classification and
 * action, each with the bundle or rule responsible and a concrete counterexample request.
 *
 * Method (docs/lac/semantic-diff.md): the request space is cut into the finite abstraction of
 * abstraction.ts; each bundle's deny condition, each rule and each obligation becomes a propositional
 * formula over that abstraction, built from truth tables *computed by running the compiled engine's
 * own code* on the atoms' representatives (no second copy of the semantics); a SAT solver
 * (logic-solver: MiniSat, synchronous, complete) answers each question "is there a request of this
 * classification and action that version A denies and version B allows because of component k?".
 * An UNSAT answer proves no such request exists in the abstraction, hence in the real space. Every
 * model is turned into a concrete request and decided by both compiled engines before it is reported:
 * one that does not really differ (a bug) is never reported, and the diff says it is not complete.
 * Policies that would need more than EVALUATION_BUDGET engine evaluations to encode are refused
 * (DiffTooLargeError); callers fail closed.
 */
import Logic from 'logic-solver';
import { performance } from 'node:perf_hooks';
import { BUNDLE_BY_NAME } from '../bundles/catalog';
import { EVALUATORS, type Accumulator } from '../bundles/evaluators';
import { compilePolicy, type DecisionEngine } from '../engine/engine';
import { compileRules } from '../engine/rules';
import { normaliseRequest } from '../model/request';
import { ACTIONS, LEVELS, type AccessRequest, type Action, type Condition, type DecideResponse, type Effect, type Level, type Policy, type Rule } from '../model/types';
import { buildAbstraction, DIM_OF_PATH, SCALAR_DIMS, SET_DIMS, type Abstraction, type ScalarDim, type SetDim } from './abstraction';

type F = Logic.Formula;

export type Direction = 'widening' | 'narrowing';
export type DiffKind = 'decision' | 'redaction' | 'hop-cap' | 'attribution';

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

export interface SemanticDiff {
  method: string;
  /** True: every class of the abstraction was decided by the solver (always, unless an internal bound was hit). */
  complete: boolean;
  widenings: number;
  narrowings: number;
  widenedClassifications: Level[];
  narrowedClassifications: Level[];
  counterexamples: Counterexample[];
  /** Size of the abstraction: atoms per dimension summed, and the number of solver questions asked. */
  atoms: number;
  queries: number;
  durationMs: number;
}

export const METHOD = 'sat-over-finite-abstraction/v1';

// ---- variables and materialisation -------------------------------------------------------------

/**
 * One MiniSat instance serves several diffs in a row: each new instance allocates a 64 MB heap, which
 * costs 4 ms on an idle machine but a full garbage collection — 250 ms measured — next to a large
 * JavaScript heap (a preview over a million decisions). Each diff names its variables with its own
 * prefix, so diffs share no variable, and retires them when it ends (their inputs fixed at the top
 * level). The instance is still replaced after SOLVER_USES diffs, because logic-solver copies every
 * variable's value out of MiniSat on each answer: measured flat over the first 100 diffs, then 3×
 * slower at 250 and 10× at 500. Everything here is synchronous, so the prefix of the diff being
 * computed is a module variable.
 */
let prefix = '';
const sv = (dim: ScalarDim, i: number) => `${prefix}${dim}=${i}`;
const setv = (dim: SetDim, i: number) => `${prefix}${dim}#${i}`;
const SOLVER_USES = 100;
let shared: { solver: Logic.Solver; uses: number } | undefined;
let diffCount = 0;
/** Variables one instance may hold before it is replaced anyway (big policies use more per diff; MiniSat's heap is fixed). */
const SOLVER_VARS = 300_000;
const varsOf = (solver: Logic.Solver): number => ((solver as unknown as { _num2name?: unknown[] })._num2name?.length ?? 0);
function solverForDiff(): Logic.Solver {
  if (!shared || shared.uses >= SOLVER_USES || varsOf(shared.solver) > SOLVER_VARS) shared = { solver: new Logic.Solver(), uses: 0 };
  shared.uses++;
  prefix = `d${++diffCount}:`;
  return shared.solver;
}

interface Assignment {
  scalars: Partial<Record<ScalarDim, number>>;
  sets: Partial<Record<SetDim, number[]>>;
}

function materialise(abs: Abstraction, a: Assignment): AccessRequest {
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

// ---- formulas from truth tables computed by the engine's own code ------------------------------

/** Thrown when the two policies name so many constants that the truth tables would exceed the budget. */
export class DiffTooLargeError extends Error {
  constructor(readonly evaluations: number) {
    super(`the semantic diff of these policies needs more than ${evaluations} engine evaluations to encode; it was not computed`);
  }
}

/** Engine evaluations one diff may spend building truth tables (realistic policies: a few thousand). */
export const EVALUATION_BUDGET = 2_000_000;

class Encoder {
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

interface Encoded {
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

function encodePolicy(enc: Encoder, policy: Policy): Encoded {
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
function sameBundle(a: Policy, b: Policy, name: string): boolean {
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

// ---- the diff -----------------------------------------------------------------------------------

/**
 * One counterexample per (direction, kind, classification, action, responsible component): each is
 * a class of requests; the solver is asked again, excluding the cells already found, until it
 * proves (UNSAT) that no further cell exists.
 */
export function semanticDiff(from: Policy, to: Policy): SemanticDiff {
  const t0 = performance.now();
  try {
    return diffWith(solverForDiff(), from, to, t0);
  } catch (err) {
    shared = undefined; // a failed diff may leave constraints half-added: never reuse that instance
    if (err instanceof DiffTooLargeError) throw err;
    // Once more on a fresh instance (a shared one may have run out of its fixed heap).
    try {
      return diffWith(solverForDiff(), from, to, t0);
    } catch (again) {
      shared = undefined;
      throw again;
    }
  }
}

function diffWith(solver: Logic.Solver, from: Policy, to: Policy, t0: number): SemanticDiff {
  const abs = buildAbstraction(from, to);
  const enc = new Encoder(abs);
  const A = encodePolicy(enc, from);
  const B = encodePolicy(enc, to);
  for (const dim of SCALAR_DIMS) solver.require(Logic.exactlyOne(abs.scalars[dim].map((_, i) => sv(dim, i))));
  // A tagged field carries a name of the "any other" class (see materialise).
  for (let t = 0; t < abs.sets.fieldTags.length; t++) solver.require(Logic.implies(setv('fieldTags', t), setv('fieldNames', abs.otherOf.fieldNames)));
  let queries = 0;
  const solve = (f: F) => {
    queries++;
    return solver.solveAssuming(f);
  };
  const decode = (s: Logic.Solution): AccessRequest => {
    const a: Assignment = { scalars: {}, sets: {} };
    const vars = new Set(s.getTrueVars());
    for (const dim of SCALAR_DIMS) a.scalars[dim] = abs.scalars[dim].findIndex((_, i) => vars.has(sv(dim, i)));
    for (const dim of SET_DIMS) a.sets[dim] = abs.sets[dim].map((_, i) => i).filter((i) => vars.has(setv(dim, i)));
    return materialise(abs, a);
  };

  const counterexamples: Counterexample[] = [];
  let unverified = 0;
  const bothAllow = Logic.and(A.allow, B.allow);

  for (const direction of ['widening', 'narrowing'] as const) {
    // Widening: X (the version that denied / restricted) is `from`; narrowing: it is `to`.
    const [X, Y] = direction === 'widening' ? [A, B] : [B, A];
    const decisionFlip = Logic.and(Logic.not(X.allow), Y.allow);
    // Components that can make the difference: a deny only X has (or X's stricter params), an allow only Y has, the default, the mode.
    const resp: { label: string; formula: F }[] = [];
    for (const [key, c] of X.denies) {
      const other = Y.denies.get(key);
      if (c.kind === 'bundle' ? sameBundle(X.policy, Y.policy, c.label) : !!other) continue;
      resp.push({ label: c.label, formula: other ? Logic.and(c.formula, Logic.not(other.formula)) : c.formula });
    }
    if (X.policy.default === 'deny' && Y.policy.mode === 'enforce') {
      for (const [key, c] of Y.allows) if (!X.allows.has(key)) resp.push({ label: c.label, formula: Logic.and(c.formula, Logic.not(X.anyAllowRule)) });
      if (Y.policy.default === 'allow') resp.push({ label: 'default', formula: Logic.and(Logic.not(X.anyAllowRule), Logic.not(Y.anyAllowRule)) });
    }
    if (X.policy.mode === 'enforce' && Y.policy.mode === 'monitor') resp.push({ label: 'mode', formula: Logic.TRUE });

    // Tags whose redaction formula is the same object in both versions (same bundle, same params) cannot differ.
    const redactionTerms = abs.sets.fieldTags.map((_, t) => t).filter((t) => X.redacts[t] !== Y.redacts[t]).map((t) => Logic.and(setv('fieldTags', t), X.redacts[t], Logic.not(Y.redacts[t])));
    const redactionFlip = redactionTerms.length ? Logic.and(bothAllow, Logic.or(redactionTerms)) : Logic.FALSE;
    const hopFlip = X.maxHops !== undefined && (Y.maxHops === undefined || Y.maxHops > X.maxHops) ? Logic.and(bothAllow, sv('action', ACTIONS.indexOf('traverse'))) : Logic.FALSE;
    // Attribution: dropping one is a widening; adding or changing one is a narrowing.
    const attributionAtoms = abs.scalars.license.map((_, l) => l).filter((l) => {
      const x = A.attribution[l];
      const y = B.attribution[l];
      return direction === 'widening' ? x !== undefined && y === undefined : y !== undefined && y !== x;
    });
    const attributionFlip = attributionAtoms.length ? Logic.and(bothAllow, Logic.or(attributionAtoms.map((l) => sv('license', l)))) : Logic.FALSE;

    /** Every cell (classification × action) where `f` is satisfiable: one model per cell, each found cell excluded from the next question. */
    const cellsOf = (f: F, kind: DiffKind, responsible: (s: Logic.Solution) => string[], limit = LEVELS.length * ACTIONS.length) => {
      const found: F[] = [];
      while (found.length < limit) {
        const s = solve(found.length ? Logic.and(f, Logic.not(Logic.or(found))) : f);
        if (!s) return;
        const r = decode(s);
        const c = verify(A, B, direction, kind, r.resource.classification, r.action, responsible(s), r);
        if (c) counterexamples.push(c);
        else unverified++;
        found.push(Logic.and(sv('classification', LEVELS.indexOf(r.resource.classification)), sv('action', ACTIONS.indexOf(r.action))));
      }
    };
    // Decisions: the cells of each responsible component, then whatever no component explains (nothing, if the model is right).
    if (solve(decisionFlip)) {
      for (const r of resp) cellsOf(Logic.and(decisionFlip, r.formula), 'decision', () => [r.label]);
      cellsOf(Logic.and(decisionFlip, Logic.not(Logic.or(resp.map((r) => r.formula)))), 'decision', () => ['unattributed']);
    }
    if (redactionFlip !== Logic.FALSE) cellsOf(redactionFlip, 'redaction', () => ['minimization.pii-redact']);
    if (hopFlip !== Logic.FALSE) cellsOf(hopFlip, 'hop-cap', () => ['graph.hop-cap']);
    if (attributionFlip !== Logic.FALSE) cellsOf(attributionFlip, 'attribution', () => ['license.usage-terms']);
  }
  const KIND_ORDER: DiffKind[] = ['decision', 'redaction', 'hop-cap', 'attribution'];
  counterexamples.sort((x, y) =>
    (x.direction === y.direction ? 0 : x.direction === 'widening' ? -1 : 1)
    || LEVELS.indexOf(x.classification) - LEVELS.indexOf(y.classification)
    || ACTIONS.indexOf(x.action) - ACTIONS.indexOf(y.action)
    || KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind)
    || (x.responsible.join() < y.responsible.join() ? -1 : x.responsible.join() > y.responsible.join() ? 1 : 0));
  // Retire this diff's variables: fix its inputs to one assignment its constraints allow (first atom of
  // each dimension, empty sets), so every clause it added is settled at the top level and later diffs
  // sharing this MiniSat instance do not search through it.
  solver.require(Logic.and([...SCALAR_DIMS.map((dim) => sv(dim, 0)), ...SET_DIMS.flatMap((dim) => abs.sets[dim].map((_, i) => Logic.not(setv(dim, i))))]));
  const levelsOf = (d: Direction) => LEVELS.filter((l) => counterexamples.some((c) => c.direction === d && c.classification === l));
  let atoms = 0;
  for (const dim of SCALAR_DIMS) atoms += abs.scalars[dim].length;
  for (const dim of SET_DIMS) atoms += abs.sets[dim].length;
  return {
    method: METHOD,
    // A model the engines do not confirm is never reported; the diff then says it is not complete.
    complete: unverified === 0,
    widenings: counterexamples.filter((c) => c.direction === 'widening').length,
    narrowings: counterexamples.filter((c) => c.direction === 'narrowing').length,
    widenedClassifications: levelsOf('widening'),
    narrowedClassifications: levelsOf('narrowing'),
    counterexamples,
    atoms,
    queries,
    durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
  };
}

// ---- verification of a counterexample by both compiled engines ---------------------------------

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

function verify(A: Encoded, B: Encoded, direction: Direction, kind: DiffKind, classification: Level, action: Action, responsible: string[], r: AccessRequest): Counterexample | undefined {
  const n = normaliseRequest(JSON.parse(JSON.stringify(toCounterexampleRequest(r))));
  if (!n.ok) return undefined;
  const label = responsible[0];
  const rule = /^rule ([A-Z][A-Z0-9_]*) /.exec(label)?.[1];
  /** The difference is there, and (for decisions) still because of the responsible component. */
  const holds = (q: AccessRequest): [Outcome, Outcome] | undefined => {
    const a = outcomeOf(A.engine, q);
    const b = outcomeOf(B.engine, q);
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

function describe(kind: DiffKind, direction: Direction, a: Outcome, b: Outcome, responsible: string[]): string {
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

/** The abstraction, exposed for the brute-force property test and the bench's conditions. */
export { buildAbstraction, materialise };
export type { Assignment };
