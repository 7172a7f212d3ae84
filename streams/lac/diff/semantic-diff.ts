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
import { ACTIONS, LEVELS, type AccessRequest, type Level, type Policy } from '../model/types';
import { buildAbstraction, materialise, SCALAR_DIMS, SET_DIMS, type Assignment } from './abstraction';
import { verify, type Counterexample } from './counterexample';
import type { DiffKind, Direction } from './outcome';
import { DiffTooLargeError, encodePolicy, Encoder, sameBundle, setv, sv, useVariablePrefix } from './policy-encoding';

// This module's public exports as before the split, each now defined in the module it belongs to.
export { buildAbstraction, materialise, type Assignment } from './abstraction';
export { toCounterexampleRequest, type Counterexample, type CounterexampleRequest } from './counterexample';
export { differences, outcomeOf, type DiffKind, type Direction, type Outcome } from './outcome';
export { DiffTooLargeError, EVALUATION_BUDGET } from './policy-encoding';

type F = Logic.Formula;

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

// ---- the solver's lifecycle ---------------------------------------------------------------------

/**
 * One MiniSat instance serves several diffs in a row: each new instance allocates a 64 MB heap, which
 * costs 4 ms on an idle machine but a full garbage collection — 250 ms measured — next to a large
 * JavaScript heap (a preview over a million decisions). Each diff names its variables with its own
 * prefix, so diffs share no variable, and retires them when it ends (their inputs fixed at the top
 * level). The instance is still replaced after SOLVER_USES diffs, because logic-solver copies every
 * variable's value out of MiniSat on each answer: measured flat over the first 100 diffs, then 3×
 * slower at 250 and 10× at 500.
 */
const SOLVER_USES = 100;
let shared: { solver: Logic.Solver; uses: number } | undefined;
let diffCount = 0;
/** Variables one instance may hold before it is replaced anyway (big policies use more per diff; MiniSat's heap is fixed). */
const SOLVER_VARS = 300_000;
const varsOf = (solver: Logic.Solver): number => ((solver as unknown as { _num2name?: unknown[] })._num2name?.length ?? 0);
function solverForDiff(): Logic.Solver {
  if (!shared || shared.uses >= SOLVER_USES || varsOf(shared.solver) > SOLVER_VARS) shared = { solver: new Logic.Solver(), uses: 0 };
  shared.uses++;
  useVariablePrefix(`d${++diffCount}:`);
  return shared.solver;
}

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
        const c = verify(A.engine, B.engine, direction, kind, r.resource.classification, r.action, responsible(s), r);
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
