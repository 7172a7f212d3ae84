/**
 * The semantic diff, held to the engine: for each of the ten bundles, removing it or relaxing a
 * param is a widening, tightening a narrowing, reordering or a no-op edit nothing; every
 * counterexample is decided again here by both engines (compiled and interpreted); and over a few
 * hundred seeded random pairs of policies the diff equals brute force over the abstract request
 * space, and no seeded random concrete request differs where the diff says nothing differs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy, interpretPolicy } from '../engine/engine';
import { loadPolicyText } from '../model/parse';
import { normaliseRequest } from '../model/request';
import type { Policy } from '../model/types';
import { validatePolicy } from '../model/validate';
import { mulberry32 } from '../../seeded-random';
import { bruteForce, cellKey, record } from './brute-force';
import { differences, DiffTooLargeError, outcomeOf, semanticDiff, type SemanticDiff } from './semantic-diff';

const comboText = readFileSync(join(__dirname, '..', 'corpus', 'policies', 'combo-enforce.yaml'), 'utf8');
const combo = loadPolicyText(comboText).policy!;
const comboDoc = () => JSON.parse(JSON.stringify({ id: combo.id, version: combo.version, mode: combo.mode, default: combo.default, bundles: combo.bundles.map((b) => ({ ref: b.ref, params: b.params })), rules: rawRules() }));
function rawRules() {
  return [
    { effect: 'allow', when: { 'subject.groups': { in: ['analysts'] } }, code: 'ANALYSTS' },
    { effect: 'deny', when: { 'resource.fields.tags': { in: ['secret'] } }, code: 'NO_SECRETS' },
  ];
}

function policyOf(doc: unknown): Policy {
  const { policy, problems } = validatePolicy(doc);
  if (!policy) throw new Error(JSON.stringify(problems));
  return policy;
}

type Doc = ReturnType<typeof comboDoc>;
const withParams = (name: string, params: Record<string, unknown>) => (doc: Doc): Doc => {
  const b = doc.bundles.find((x: { ref: string }) => x.ref.startsWith(`${name}@`));
  b.params = { ...b.params, ...params };
  return doc;
};
const without = (name: string) => (doc: Doc): Doc => ({ ...doc, bundles: doc.bundles.filter((x: { ref: string }) => !x.ref.startsWith(`${name}@`)) });
const edit = (f: (d: Doc) => Doc) => policyOf(f(comboDoc()));

/** Decides each counterexample again with both engines of both versions: the difference must be there. */
function expectCounterexamplesHold(from: Policy, to: Policy, diff: SemanticDiff) {
  const engines = [[compilePolicy(from), compilePolicy(to)], [interpretPolicy(from), interpretPolicy(to)]];
  for (const c of diff.counterexamples) {
    const n = normaliseRequest(c.request);
    expect(n.ok).toBe(true);
    if (!n.ok) continue;
    expect(n.request.resource.classification).toBe(c.classification);
    expect(n.request.action).toBe(c.action);
    for (const [a, b] of engines) {
      if (!differences(outcomeOf(a, n.request), outcomeOf(b, n.request)).some((d) => d.direction === c.direction && d.kind === c.kind)) {
        throw new Error(`${a.kind}: ${JSON.stringify(c)}\nfrom=${JSON.stringify(from)}\nto=${JSON.stringify(to)}`);
      }
      expect(differences(outcomeOf(a, n.request), outcomeOf(b, n.request))).toContainEqual({ direction: c.direction, kind: c.kind });
    }
  }
}

describe('semantic diff: the ten bundles', () => {
  const ALL = combo.bundles.map((b) => b.name);

  test.each(ALL)('given all ten bundles, when %s is removed, then a widening is found, naming it, with counterexamples both engines decide differently', (name) => {
    const to = edit(without(name));
    const diff = semanticDiff(combo, to);
    expect(diff.widenings).toBeGreaterThan(0);
    expect(diff.narrowings).toBe(0);
    expect(diff.counterexamples.filter((c) => c.direction === 'widening').every((c) => c.responsible.includes(name))).toBe(true);
    expectCounterexamplesHold(combo, to, diff);
  });

  const RELAX: [string, Record<string, unknown>][] = [
    ['minimization.pii-redact', { piiTags: ['pii'] }],
    ['minimization.pii-redact', { allowPurposes: ['fraud-investigation', 'analytics'] }],
    ['minimization.aggregate-only', { classifications: ['P0'] }],
    ['minimization.aggregate-only', { minGroupSize: 5 }],
    ['graph.hop-cap', { maxHops: 5 }],
    ['graph.fanout-cap', { maxRows: 20000 }],
    ['residency.region-lock', { allowedRegions: ['eu-west-1', 'eu-central-1', 'us-east-1'] }],
    ['purpose.reason-required', { classifications: ['P0'] }],
    ['purpose.reason-required', { minReasonLength: 5 }],
    ['purpose.reason-required', { allowedPurposes: ['fraud-investigation', 'audit', 'analytics'] }],
    ['export.tier1-block', { blocked: [] }],
    ['export.tier1-block', { gated: [] }],
    ['tenant.isolation', { sharedWith: { acme: ['globex', 'initech'] } }],
    ['license.usage-terms', { licenses: { 'cc-by-nc': { deniedPurposes: ['commercial'], attribution: 'CC BY-NC 4.0, Example Data Co.' }, 'partner-only': { allowedTenants: ['acme', 'initech'] } } }],
    ['license.usage-terms', { licenses: { 'cc-by-nc': { deniedPurposes: ['commercial', 'marketing'], attribution: 'CC BY-NC 4.0, Example Data Co.' }, 'partner-only': { allowedTenants: ['acme', 'initech', 'globex'] } } }],
    ['license.usage-terms', { licenses: { 'cc-by-nc': { deniedPurposes: ['commercial', 'marketing'] }, 'partner-only': { allowedTenants: ['acme', 'initech'] } } }],
  ];
  test.each(RELAX)('given all ten bundles, when %s is relaxed to %j, then it is a widening and only that', (name, params) => {
    const to = edit(withParams(name, params));
    const diff = semanticDiff(combo, to);
    expect(diff.widenings).toBeGreaterThan(0);
    expect(diff.narrowings).toBe(0);
    expect(diff.counterexamples.every((c) => c.responsible.includes(name))).toBe(true);
    expectCounterexamplesHold(combo, to, diff);
  });

  const TIGHTEN: [string, Record<string, unknown>][] = [
    ['minimization.pii-redact', { piiTags: ['pii', 'personal', 'email'] }],
    ['minimization.pii-redact', { allowPurposes: [] }],
    ['minimization.aggregate-only', { classifications: ['P0', 'P1', 'P2'] }],
    ['minimization.aggregate-only', { minGroupSize: 20 }],
    ['graph.hop-cap', { maxHops: 1 }],
    ['graph.fanout-cap', { maxRows: 5000 }],
    ['residency.region-lock', { allowedRegions: ['eu-west-1'] }],
    ['purpose.reason-required', { classifications: ['P0', 'P1', 'P2'] }],
    ['purpose.reason-required', { minReasonLength: 20 }],
    ['purpose.reason-required', { allowedPurposes: ['audit'] }],
    ['export.tier1-block', { blocked: ['P0', 'P1'] }],
    ['export.tier1-block', { gated: ['P1', 'P2'] }],
    ['tenant.isolation', { sharedWith: {} }],
    ['license.usage-terms', { licenses: { 'cc-by-nc': { deniedPurposes: ['commercial', 'marketing', 'resale'], attribution: 'CC BY-NC 4.0, Example Data Co.' }, 'partner-only': { allowedTenants: ['acme', 'initech'] } } }],
    ['license.usage-terms', { licenses: { 'cc-by-nc': { deniedPurposes: ['commercial', 'marketing'], attribution: 'CC BY-NC 4.0, Example Data Co.' }, 'partner-only': { allowedTenants: ['acme'] } } }],
  ];
  test.each(TIGHTEN)('given all ten bundles, when %s is tightened to %j, then it is a narrowing and only that', (name, params) => {
    const to = edit(withParams(name, params));
    const diff = semanticDiff(combo, to);
    expect(diff.narrowings).toBeGreaterThan(0);
    expect(diff.widenings).toBe(0);
    expectCounterexamplesHold(combo, to, diff);
  });

  test('given all ten bundles, when the exporter group is renamed, then the new group gains (widening) and the old one loses (narrowing)', () => {
    const to = edit(withParams('export.tier1-block', { exporterGroup: 'data-exporters' }));
    const diff = semanticDiff(combo, to);
    const wide = diff.counterexamples.filter((c) => c.direction === 'widening');
    const narrow = diff.counterexamples.filter((c) => c.direction === 'narrowing');
    expect(wide.map((c) => [c.classification, c.action])).toEqual([['P1', 'export']]);
    expect(wide[0].request.subject.groups).toContain('data-exporters');
    expect(narrow[0].request.subject.groups).toContain('exporters');
    expectCounterexamplesHold(combo, to, diff);
  });

  test('given all ten bundles, when bundles and rules are reordered, or the version, description and explicit defaults change, then nothing differs', () => {
    const reordered = edit((d) => ({ ...d, version: '2.0.0', description: 'same, reordered', bundles: [...d.bundles].reverse(), rules: [...d.rules].reverse() }));
    const explicit = edit(withParams('graph.hop-cap', { maxHops: 3 }));
    for (const to of [reordered, explicit, combo]) {
      const diff = semanticDiff(combo, to);
      expect({ widenings: diff.widenings, narrowings: diff.narrowings, counterexamples: diff.counterexamples }).toEqual({ widenings: 0, narrowings: 0, counterexamples: [] });
      expect(diff.complete).toBe(true);
    }
  });

  test('given a hop cap of 2, when a version drops it, then every classification widens on traverse (deeper traversals, and the cap obligation) with a concrete deep traversal', () => {
    const from = policyOf({ id: 'g', version: '1.0.0', mode: 'enforce', default: 'allow', bundles: [{ ref: 'graph.hop-cap@^1', params: { maxHops: 2 } }] });
    const to = policyOf({ id: 'g', version: '1.1.0', mode: 'enforce', default: 'allow', bundles: [] });
    const diff = semanticDiff(from, to);
    expect(diff.widenedClassifications).toEqual(['P0', 'P1', 'P2', 'P3']);
    const deep = diff.counterexamples.find((c) => c.kind === 'decision' && c.classification === 'P1')!;
    expect(deep).toMatchObject({ action: 'traverse', fromDecision: 'deny', toDecision: 'allow', responsible: ['graph.hop-cap'], fromCodes: ['HOP_CAP'] });
    expect(deep.request.context.hops).toBeGreaterThan(2);
    expect(diff.counterexamples.filter((c) => c.kind === 'hop-cap')).toHaveLength(4);
    expectCounterexamplesHold(from, to, diff);
  });

  describe('loose matching, the way the engine applies it (what restricts folds, what grants is exact)', () => {
    const base = { id: 'u', mode: 'enforce', default: 'allow' };
    const noDiff = (from: object, to: object) => {
      const diff = semanticDiff(policyOf({ ...base, version: '1.0.0', ...from }), policyOf({ ...base, version: '1.1.0', ...to }));
      expect({ widenings: diff.widenings, narrowings: diff.narrowings }).toEqual({ widenings: 0, narrowings: 0 });
    };
    test('given restrictions spelled in another case or width (deny rules, PII tags, licence ids, denied purposes), then nothing differs', () => {
      noDiff({ rules: [{ effect: 'deny', when: { 'resource.fields.tags': { in: ['secret'] } }, code: 'X' }] }, { rules: [{ effect: 'deny', when: { 'resource.fields.tags': { in: ['ＳＥＣＲＥＴ'] } }, code: 'X' }] });
      noDiff({ bundles: [{ ref: 'minimization.pii-redact@^1', params: { piiTags: ['pii'] } }] }, { bundles: [{ ref: 'minimization.pii-redact@^1', params: { piiTags: ['PII\u200b'] } }] });
      noDiff(
        { bundles: [{ ref: 'license.usage-terms@^1', params: { licenses: { 'cc-by': { deniedPurposes: ['marketing'] } } } }] },
        { bundles: [{ ref: 'license.usage-terms@^1', params: { licenses: { 'CC-BY': { deniedPurposes: ['Marketing'] } } } }] },
      );
      // A deny on `marketing` (folds) is the same as a default deny with an allow for purposes `not in` it (allow-side `not in` folds too).
      noDiff({ rules: [{ effect: 'deny', when: { 'context.purpose': { in: ['marketing'] } }, code: 'X' }] }, { default: 'deny', rules: [{ effect: 'allow', when: { 'context.purpose': { 'not in': ['MARKETING'] } }, code: 'Y' }] });
    });
    test('given a grant spelled in another case (exact), then the new spelling widens and the old one narrows, with those very strings as counterexamples', () => {
      const from = policyOf({ ...base, version: '1.0.0', default: 'deny', rules: [{ effect: 'allow', when: { 'subject.groups': { in: ['analysts'] } }, code: 'A' }] });
      const to = policyOf({ ...base, version: '1.1.0', default: 'deny', rules: [{ effect: 'allow', when: { 'subject.groups': { in: ['Analysts'] } }, code: 'A' }] });
      const diff = semanticDiff(from, to);
      const wide = diff.counterexamples.filter((c) => c.direction === 'widening');
      const narrow = diff.counterexamples.filter((c) => c.direction === 'narrowing');
      expect(wide).toHaveLength(12);
      expect(narrow).toHaveLength(12);
      expect(wide.every((c) => c.request.subject.groups.includes('Analysts') && !c.request.subject.groups.includes('analysts'))).toBe(true);
      expect(narrow.every((c) => c.request.subject.groups.includes('analysts') && !c.request.subject.groups.includes('Analysts'))).toBe(true);
      expectCounterexamplesHold(from, to, diff);
    });
    test('given a deny that holds only for a look-alike (folds to `ops` but is not exactly `ops`), then the diff finds it with such a spelling', () => {
      const from = policyOf({ ...base, version: '1.0.0' });
      const to = policyOf({ ...base, version: '1.1.0', rules: [{ effect: 'deny', when: { 'subject.groups': { in: ['ops'], 'not in': ['ops'] } }, code: 'LOOKALIKE' }] });
      const diff = semanticDiff(from, to);
      expect(diff.narrowings).toBe(12);
      for (const c of diff.counterexamples) {
        expect(c.request.subject.groups).not.toContain('ops');
        expect(c.request.subject.groups.length).toBeGreaterThan(0);
      }
      expectCounterexamplesHold(from, to, diff);
    });
    test('given a deny on a group added, then only narrowings, each for a spelling that folds to the group (deny folds)', () => {
      const from = policyOf({ ...base, version: '1.0.0', rules: [{ effect: 'deny', when: { 'resource.fields.tags': { in: ['secret'] }, 'subject.groups': { 'not in': ['analysts'] } }, code: 'NO_SECRETS' }] });
      const to = policyOf({ ...base, version: '1.1.0', rules: [{ effect: 'deny', when: { 'resource.fields.tags': { in: ['secret'] }, 'subject.groups': { 'not in': ['analysts'] } }, code: 'NO_SECRETS' }, { effect: 'deny', when: { 'subject.groups': { in: ['nobody'] } }, code: 'NOBODY' }] });
      // Adding an unrelated deny narrows only, for the folded forms of `nobody` too.
      const diff = semanticDiff(from, to);
      expect(diff.widenings).toBe(0);
      expect(diff.counterexamples.every((c) => c.request.subject.groups.some((g) => g.normalize('NFKD').toLowerCase().replace(/[\u200b\u00ad]/g, '').trim() === 'nobody'))).toBe(true);
      expectCounterexamplesHold(from, to, diff);
    });
  });

  test('given monitor mode, when the candidate enforces, then everything it denies is a narrowing named `mode`', () => {
    const from = policyOf({ ...comboDoc(), mode: 'monitor' });
    const diff = semanticDiff(from, combo);
    expect(diff.widenings).toBe(0);
    expect(diff.narrowings).toBeGreaterThan(0);
    expect(diff.counterexamples.every((c) => c.responsible.includes('mode') || c.kind !== 'decision')).toBe(true);
    expectCounterexamplesHold(from, combo, diff);
  });
});

describe('semantic diff: bounds', () => {
  test('given policies naming thousands of constants, when diffed, then it refuses before spending (DiffTooLargeError), never hangs', () => {
    const many = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}-${i}`);
    const huge = policyOf({
      id: 'huge', version: '1.0.0', mode: 'enforce', default: 'allow',
      bundles: [{ ref: 'license.usage-terms@^1', params: { licenses: Object.fromEntries(many('lic', 300).map((l) => [l, { deniedPurposes: many('p', 900), allowedTenants: many('t', 900) }])) } }],
    });
    const t = Date.now();
    expect(() => semanticDiff(huge, combo)).toThrow(DiffTooLargeError);
    expect(Date.now() - t).toBeLessThan(20_000);
  });
});

// ---- property: the diff equals brute force on seeded random pairs ------------------------------

const POOL = {
  tags: ['pii', 'PII', 'secret', 'ｐｉｉ', 'finance'],
  groups: ['analysts', 'exporters', 'Analysts', 'auditors'],
  purposes: ['analytics', 'audit', 'Marketing', 'marketing', 'fraud'],
  regions: ['eu-west-1', 'us-east-1', 'EU-west-1'],
  tenants: ['acme', 'globex', 'ACME'],
  licenses: ['cc-by', 'CC-BY', 'partner'],
  names: ['email', 'ssn', 'Email'],
  datasets: ['sales', 'hr'],
  levels: ['P0', 'P1', 'P2', 'P3'],
  actions: ['query', 'traverse', 'export'],
};

function randomPolicy(r: () => number, version: string): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const some = <T>(xs: readonly T[], min = 0): T[] => {
    const out = xs.filter(() => r() < 0.4);
    return out.length >= min ? out : xs.slice(0, min);
  };
  const num = () => pick([0, 1, 2, 3, 5, 10]);
  const makers: Record<string, () => Record<string, unknown>> = {
    'minimization.pii-redact': () => ({ piiTags: some(POOL.tags, 1), allowPurposes: some(POOL.purposes) }),
    'minimization.aggregate-only': () => ({ classifications: some(POOL.levels), minGroupSize: 1 + num() }),
    'graph.hop-cap': () => ({ maxHops: num() }),
    'graph.fanout-cap': () => ({ maxRows: num() }),
    'residency.region-lock': () => ({ allowedRegions: some(POOL.regions, 1) }),
    'purpose.reason-required': () => ({ classifications: some(POOL.levels), minReasonLength: 1 + num(), ...(r() < 0.5 ? { allowedPurposes: some(POOL.purposes) } : {}) }),
    'export.tier1-block': () => ({ blocked: some(POOL.levels), gated: some(POOL.levels), exporterGroup: pick(POOL.groups) }),
    'clearance.classification-gate': () => ({}),
    'tenant.isolation': () => ({ sharedWith: r() < 0.5 ? {} : { [pick(POOL.tenants)]: some(POOL.tenants) } }),
    'license.usage-terms': () => ({
      licenses: Object.fromEntries(some(POOL.licenses, 1).slice(0, 2).map((l) => [l, { ...(r() < 0.6 ? { deniedPurposes: some(POOL.purposes) } : {}), ...(r() < 0.5 ? { allowedTenants: some(POOL.tenants) } : {}), ...(r() < 0.4 ? { attribution: pick(['CC BY', 'Partner']) } : {}) }])),
    }),
  };
  const names = Object.keys(makers).filter(() => r() < 0.2).slice(0, 3);
  const condition = (): [string, unknown] => {
    const path = pick(['subject.groups', 'resource.fields.tags', 'resource.fields.name', 'context.purpose', 'resource.region', 'subject.tenant', 'resource.tenant', 'context.rows', 'context.hops', 'subject.clearance', 'action', 'resource.license', 'context.reason']);
    const values: Record<string, readonly unknown[]> = {
      'subject.groups': POOL.groups, 'resource.fields.tags': POOL.tags, 'resource.fields.name': POOL.names, 'context.purpose': POOL.purposes, 'resource.region': POOL.regions,
      'subject.tenant': POOL.tenants, 'resource.tenant': POOL.tenants, 'subject.clearance': POOL.levels, action: POOL.actions, 'resource.license': POOL.licenses, 'context.reason': ['ok', 'because'],
    };
    if (path === 'context.rows' || path === 'context.hops') return [path, { [pick(['<', '<=', '>', '>=', 'equals'])]: num() }];
    if (path === 'subject.clearance' && r() < 0.5) return [path, { [pick(['<', '>='])]: pick(POOL.levels) }];
    // Two matchers on one path (one folds, one is exact): only look-alike spellings satisfy both.
    if (r() < 0.2) return [path, { in: some(values[path], 1), 'not in': some(values[path], 1) }];
    const op = pick(['equals', 'in', 'not in', 'exists']);
    if (op === 'exists') return [path, { exists: r() < 0.5 }];
    return [path, { [op]: op === 'equals' ? pick(values[path]) : some(values[path], 1) }];
  };
  const rules = Array.from({ length: Math.floor(r() * 3) }, () => ({ effect: pick(['allow', 'deny']), when: Object.fromEntries(Array.from({ length: 1 + Math.floor(r() * 2) }, condition)), code: pick(['R_A', 'R_B', 'R_C']) }));
  return { id: 'rnd', version, mode: r() < 0.1 ? 'monitor' : 'enforce', default: pick(['allow', 'deny']), bundles: names.map((n) => ({ ref: `${n}@^1`, params: makers[n]() })), rules };
}

/** A neighbour of a document: one bundle dropped, re-drawn or added, or one rule changed. */
function mutate(r: () => number, doc: Record<string, unknown>): Record<string, unknown> {
  const other = randomPolicy(r, '1.1.0');
  const out = JSON.parse(JSON.stringify(doc));
  out.version = '1.1.0';
  const move = Math.floor(r() * 4);
  if (move === 0 && out.bundles.length) out.bundles.splice(Math.floor(r() * out.bundles.length), 1);
  else if (move === 1) {
    for (const b of other.bundles as { ref: string }[]) if (!out.bundles.some((x: { ref: string }) => x.ref === b.ref)) out.bundles.push(b);
    for (const b of other.bundles as { ref: string }[]) out.bundles = out.bundles.map((x: { ref: string }) => (x.ref === b.ref && r() < 0.5 ? b : x));
  } else if (move === 2) out.rules = other.rules;
  else out.default = out.default === 'allow' ? 'deny' : 'allow';
  return out;
}

function randomConcreteRequest(r: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const maybe = <T>(x: T) => (r() < 0.5 ? x : undefined);
  const strings = (xs: readonly string[]) => xs.filter(() => r() < 0.3).map((x) => (r() < 0.2 ? `${x}\u200b` : r() < 0.2 ? x.toUpperCase() : x));
  return {
    subject: { id: pick(['u1', 'u2']), tenant: pick([...POOL.tenants, 'initech', 'Globex']), groups: strings([...POOL.groups, 'guests']), clearance: pick(POOL.levels) },
    action: pick(POOL.actions),
    resource: {
      dataset: pick(POOL.datasets), tenant: pick([...POOL.tenants, 'initech']), classification: pick(POOL.levels), region: pick([...POOL.regions, 'ap-south-1']),
      license: maybe(pick([...POOL.licenses, 'Cc-By\u200b', 'other'])),
      fields: Array.from({ length: Math.floor(r() * 3) }, () => ({ name: pick([...POOL.names, 'id']), tags: strings([...POOL.tags, 'Secret', 'p\u200bii']) })),
    },
    context: {
      purpose: maybe(pick([...POOL.purposes, 'MARKETING\u200b', 'research'])), reason: maybe(pick(['ok', 'because', 'a longer reason text', ' '])),
      hops: maybe(Math.floor(r() * 12)), rows: maybe(Math.floor(r() * 12)), aggregateGroupSize: maybe(Math.floor(r() * 15)), destinationRegion: maybe(pick([...POOL.regions, 'ap-south-1'])),
    },
  };
}

describe('semantic diff: property against brute force (seeded)', () => {
  const PAIRS = 300;
  test(`given ${PAIRS} seeded random pairs of policies, then the diff's cells equal brute force over the abstraction, every counterexample holds in both engines, and no random concrete request differs elsewhere`, () => {
    const r = mulberry32(20261202);
    let exhaustive = 0;
    let differing = 0;
    let concrete = 0;
    for (let i = 0; i < PAIRS; i++) {
      const docA = randomPolicy(r, '1.0.0');
      const docB = r() < 0.6 ? mutate(r, docA) : randomPolicy(r, '1.1.0');
      const A = policyOf(docA);
      const B = policyOf(docB);
      const diff = semanticDiff(A, B);
      const found = new Set(diff.counterexamples.map(cellKey));
      expect(diff.counterexamples.filter((c) => c.responsible.includes('unattributed'))).toEqual([]);
      expect(diff.complete).toBe(true);
      expectCounterexamplesHold(A, B, diff);
      if (found.size) differing++;
      const brute = bruteForce(A, B, 60_000);
      if (brute) {
        exhaustive++;
        if ([...brute.cells].sort().join() !== [...found].sort().join()) {
          throw new Error(`pair ${i}: brute force ${JSON.stringify([...brute.cells].sort())} vs diff ${JSON.stringify([...found].sort())}\nA=${JSON.stringify(docA)}\nB=${JSON.stringify(docB)}`);
        }
      }
      // Concrete requests drawn outside the abstraction (variants, other values): any difference must be in a cell the diff reported.
      const cells = new Set<string>();
      const [ea, eb] = [compilePolicy(A), compilePolicy(B)];
      const [ia, ib] = [interpretPolicy(A), interpretPolicy(B)];
      for (let k = 0; k < 60; k++) {
        const n = normaliseRequest(randomConcreteRequest(r));
        if (!n.ok) continue;
        concrete++;
        record(cells, n.request, ea, eb);
        // The two engines the diff is held to must agree with each other too.
        for (const [compiled, interpreted] of [[ea, ia], [eb, ib]]) {
          const [x, y] = [outcomeOf(compiled, n.request), outcomeOf(interpreted, n.request)];
          if (differences(x, y).length || x.decision !== y.decision) throw new Error(`pair ${i}: compiled and interpreted engines disagree on ${JSON.stringify(n.request)}`);
        }
      }
      for (const c of cells) if (!found.has(c)) throw new Error(`pair ${i}: concrete difference ${c} missed by the diff\nA=${JSON.stringify(docA)}\nB=${JSON.stringify(docB)}`);
    }
    // The generator must exercise the claim: most pairs are brute-forced, many differ.
    expect(exhaustive).toBeGreaterThan(PAIRS * 0.6);
    expect(differing).toBeGreaterThan(PAIRS * 0.3);
    expect(concrete).toBeGreaterThan(PAIRS * 50);
    process.stdout.write(`# semantic diff property: ${PAIRS} pairs, ${exhaustive} brute-forced exhaustively, ${differing} differing, ${concrete} concrete requests\n`);
  });
});
