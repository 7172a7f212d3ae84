/**
 * Generates the seeded part of the red-team corpus (streams/lac/corpus/cases/generated.json).
 *   node -r ./test/support/swc-register.js streams/lac/corpus/generate.ts
 *
 * Expectations are set *by construction*, not by running the engine: each scenario first picks what
 * the request must violate (or not), builds a request that does exactly that with the other fields
 * randomised, and writes down the decision, reason codes and obligations the issue's text implies.
 * Same seed, same file (the test checks the file is current).
 */
import { mulberry32 } from '../../seeded-random';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEED = 20260601;

export interface CorpusCase {
  id: string;
  policy: string;
  note: string;
  request: unknown;
  expect: { decision: 'allow' | 'deny'; codes: string[]; obligations?: Record<string, unknown> };
}

/** mulberry32: small, seeded, good enough to spread cases. */
function rng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
    subset: <T>(xs: readonly T[]): T[] => xs.filter(() => next() < 0.5),
  };
}
type Rng = ReturnType<typeof rng>;

const LEVELS = ['P0', 'P1', 'P2', 'P3'] as const;
const rank = (l: string) => Number(l[1]);
const DATASETS = ['sales.orders', 'crm.contacts', 'hr.payroll', 'graph.accounts', 'web.sessions', 'finance.ledger'];
const NEUTRAL_TAGS = ['finance', 'public', 'metric', 'internal'];
const PURPOSES = ['analytics', 'reporting', 'fraud-investigation', 'audit', 'marketing', 'research'];

interface Req {
  subject: { id: string; tenant: string; groups: string[]; clearance: string };
  action: string;
  resource: { dataset: string; tenant: string; classification: string; region: string; license?: string; fields: { name: string; tags: string[] }[] };
  context: Record<string, unknown>;
}

function baseRequest(r: Rng): Req {
  const fieldCount = r.int(1, 4);
  return {
    subject: { id: `u${r.int(1, 500)}`, tenant: 'acme', groups: r.subset(['analysts', 'engineers', 'finance']), clearance: r.pick(LEVELS) },
    action: r.pick(['query', 'traverse', 'export']),
    resource: {
      dataset: r.pick(DATASETS),
      tenant: 'acme',
      classification: r.pick(LEVELS),
      region: r.pick(['eu-west-1', 'eu-central-1']),
      fields: Array.from({ length: fieldCount }, (_, i) => ({ name: `f${i}_${r.int(10, 99)}`, tags: r.subset(NEUTRAL_TAGS) })),
    },
    context: r.chance(0.5) ? { purpose: r.pick(PURPOSES) } : {},
  };
}

const allow = (codes: string[], obligations: Record<string, unknown> = { redactFields: [] }) => ({ decision: 'allow' as const, codes, obligations });
const deny = (codes: string[]) => ({ decision: 'deny' as const, codes, obligations: { redactFields: [] } });
const OK = ['DEFAULT_ALLOW'];

type Scenario = (r: Rng) => { note: string; request: Req; expect: CorpusCase['expect'] };

// ---- one scenario family per bundle (single-bundle policies, default allow) ------------------

const LOOSE_PII = ['pii', 'PII', 'Pii', 'ｐｉｉ', 'p\u200bii', 'pïi', 'personal', 'PERSONAL', 'рii'];
const pii: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    q.action = r.pick(['query', 'export']);
    q.context = r.pick([{}, { purpose: 'analytics' }, { purpose: 'Fraud-Investigation' }, { purpose: 'fraud-investigation ' }]);
    const marked = q.resource.fields.filter(() => r.chance(0.6));
    if (marked.length === 0) marked.push(q.resource.fields[0]);
    for (const f of marked) f.tags.push(r.pick(LOOSE_PII));
    const names = q.resource.fields.filter((f) => marked.includes(f)).map((f) => f.name);
    return { note: 'PII tags (in any case or unicode disguise) are redacted unless the purpose is allowed exactly', request: q, expect: allow([...OK, 'PII_REDACTED'], { redactFields: names }) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = r.pick(['query', 'export']);
    q.context = { purpose: 'fraud-investigation' };
    q.resource.fields[0].tags.push('pii');
    return { note: 'an allowed purpose sees PII unredacted', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = 'traverse';
    q.resource.fields[0].tags.push('pii');
    return { note: 'traversals carry no field redaction', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.fields[0].tags.push(r.pick(['piiish', 'pi', 'no-pii']));
    return { note: 'tags that only look like pii are not pii', request: q, expect: allow(OK) };
  },
];

const aggregate: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P2', 'P3']);
    if (r.chance(0.5)) q.context.aggregateGroupSize = r.int(0, 5);
    return { note: 'P2/P3 are not aggregate-only', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P0', 'P1']);
    return { note: 'row-level access to P0/P1 is denied', request: q, expect: deny(['AGGREGATE_ONLY']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P0', 'P1']);
    q.context.aggregateGroupSize = r.int(0, 9);
    return { note: 'a group smaller than 10 breaks k-anonymity', request: q, expect: deny(['K_ANONYMITY']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P0', 'P1']);
    q.context.aggregateGroupSize = r.pick([10, 11, r.int(12, 1_000_000)]);
    return { note: 'an aggregate over 10 or more is fine', request: q, expect: allow(OK) };
  },
];

const hops: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    q.action = 'traverse';
    q.context.hops = r.int(0, 3);
    return { note: 'a traversal within the cap carries maxHops', request: q, expect: allow(OK, { redactFields: [], maxHops: 3 }) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = 'traverse';
    q.context.hops = r.pick([4, 5, r.int(6, 100), 9_007_199_254_740_991]);
    return { note: 'a traversal deeper than the cap is denied', request: q, expect: deny(['HOP_CAP']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = 'traverse';
    return { note: 'a traversal without stated depth is capped by the obligation', request: q, expect: allow(OK, { redactFields: [], maxHops: 3 }) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = r.pick(['query', 'export']);
    q.context.hops = r.int(4, 50);
    return { note: 'hops only matter to traversals', request: q, expect: allow(OK) };
  },
];

const fanout: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    q.action = r.pick(['query', 'traverse']);
    q.context.rows = r.pick([10001, r.int(10002, 1_000_000_000), 9_007_199_254_740_991]);
    return { note: 'more rows than the cap are denied', request: q, expect: deny(['FANOUT_CAP']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = r.pick(['query', 'traverse']);
    q.context.rows = r.pick([0, 1, 10000, r.int(2, 9999)]);
    return { note: 'rows within the cap', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = 'export';
    q.context.rows = r.int(10001, 10_000_000);
    return { note: 'the fan-out cap is about queries and traversals', request: q, expect: allow(OK) };
  },
];

const OUTSIDE = ['us-east-1', 'ap-south-1', 'EU-WEST-1', 'eu-west-1 ', 'eu\u2010west\u20101', 'eu-west-１', 'eu-west-2'];
const residency: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    q.context.destinationRegion = r.pick(['eu-west-1', 'eu-central-1']);
    if (r.chance(0.3)) q.resource.region = 'us-east-1';
    return { note: 'an allowed destination region (the destination is what counts)', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.context.destinationRegion = r.pick(OUTSIDE);
    return { note: 'a destination outside the list, including look-alikes, is denied', request: q, expect: deny(['RESIDENCY']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.region = r.pick(OUTSIDE);
    return { note: 'no destination: the resource region must be allowed', request: q, expect: deny(['RESIDENCY']) };
  },
  (r) => {
    const q = baseRequest(r);
    return { note: 'no destination, resource region allowed', request: q, expect: allow(OK) };
  },
];

const GOOD_REASON = ['case #4411 chargeback review', 'quarterly SOX audit sample', 'investigating ticket FRAUD-2291'];
const SHORT_REASON = ['because', 'x', '         ok', 'pls\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b', 'abc       '];
const purpose: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P2', 'P3']);
    q.context = r.chance(0.5) ? {} : { purpose: 'marketing', reason: 'x' };
    return { note: 'P2/P3 need no reason', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P0', 'P1']);
    q.context = { purpose: r.pick(['fraud-investigation', 'audit']), reason: r.pick(GOOD_REASON) };
    return { note: 'a reason and an allowed purpose', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P0', 'P1']);
    q.context = { purpose: r.pick(['fraud-investigation', 'audit']), ...(r.chance(0.3) ? {} : { reason: r.pick(SHORT_REASON) }) };
    return { note: 'a missing, short or padded reason', request: q, expect: deny(['REASON_REQUIRED']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P0', 'P1']);
    q.context = { reason: r.pick(GOOD_REASON), ...(r.chance(0.3) ? {} : { purpose: r.pick(['marketing', 'Audit', 'AUDIT', 'audit\u200b', 'analytics']) }) };
    return { note: 'a missing purpose or one not allowed exactly', request: q, expect: deny(['PURPOSE_NOT_ALLOWED']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.classification = r.pick(['P0', 'P1']);
    q.context = { purpose: 'marketing', reason: 'no' };
    return { note: 'both wrong: both reasons', request: q, expect: deny(['REASON_REQUIRED', 'PURPOSE_NOT_ALLOWED']) };
  },
];

const exporting: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    q.action = 'export';
    q.resource.classification = 'P0';
    if (r.chance(0.5)) q.subject.groups.push('exporters');
    return { note: 'P0 exports are blocked, exporters or not', request: q, expect: deny(['EXPORT_BLOCKED']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = 'export';
    q.resource.classification = 'P1';
    q.subject.groups = q.subject.groups.filter((g) => g !== 'exporters');
    if (r.chance(0.7)) q.subject.groups.push(r.pick(['Exporters', 'EXPORTERS', 'exporters ', 'ехporters', 'exporter', 'ｅｘｐｏｒｔｅｒｓ']));
    return { note: 'P1 exports need the exporters group exactly', request: q, expect: deny(['EXPORT_GROUP_REQUIRED']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = 'export';
    q.resource.classification = 'P1';
    q.subject.groups.push('exporters');
    return { note: 'an exporter exports P1', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.action = r.chance(0.5) ? 'export' : r.pick(['query', 'traverse']);
    q.resource.classification = q.action === 'export' ? r.pick(['P2', 'P3']) : r.pick(LEVELS);
    return { note: 'P2/P3 exports and non-exports pass', request: q, expect: allow(OK) };
  },
];

const clearance: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    const c = r.int(0, 3);
    const k = r.int(0, 3);
    q.subject.clearance = `P${c}`;
    q.resource.classification = `P${k}`;
    return { note: `clearance P${c} on P${k}`, request: q, expect: c > k ? deny(['CLEARANCE']) : allow(OK) };
  },
];

const tenant: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    const t = r.pick(['acme', 'globex', 'initech']);
    q.subject.tenant = t;
    q.resource.tenant = t;
    return { note: 'same tenant', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.tenant = 'globex';
    q.resource.tenant = 'acme';
    return { note: 'acme shares with globex', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    const [s, t] = r.pick([['Globex', 'acme'], ['acme', 'globex'], ['initech', 'acme'], ['globex ', 'acme'], ['ACME', 'acme'], ['gІobex', 'acme'], ['acme', 'initech']]);
    q.subject.tenant = s;
    q.resource.tenant = t;
    return { note: 'another tenant, not shared (sharing is one-way and exact)', request: q, expect: deny(['TENANT_ISOLATION']) };
  },
];

const ATTR = 'CC BY-NC 4.0, Example Data Co.';
const license: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    if (r.chance(0.5)) q.resource.license = r.pick(['odbl', 'proprietary']);
    return { note: 'no licence, or one without terms here', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.license = r.pick(['cc-by-nc', 'CC-BY-NC', 'ｃｃ-ｂｙ-ｎｃ', 'cc-by\u200b-nc']);
    q.context = { purpose: r.pick(['commercial', 'marketing', 'Marketing', 'MARKETING', 'market\u200bing', 'ｃｏｍｍｅｒｃｉａｌ']) };
    return { note: 'a purpose the licence denies (matched loosely)', request: q, expect: deny(['LICENSE_PURPOSE']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.license = 'cc-by-nc';
    q.context = {};
    return { note: 'a licence with denied purposes needs a purpose', request: q, expect: deny(['LICENSE_PURPOSE']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.license = r.pick(['cc-by-nc', 'Cc-By-Nc']);
    q.context = { purpose: r.pick(['research', 'analytics', 'audit']) };
    return { note: 'an allowed purpose carries the attribution', request: q, expect: allow(OK, { redactFields: [], attribution: ATTR }) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.license = 'partner-only';
    q.subject.tenant = r.pick(['acme', 'initech']);
    return { note: 'a covered tenant', request: q, expect: allow(OK) };
  },
  (r) => {
    const q = baseRequest(r);
    q.resource.license = 'partner-only';
    q.subject.tenant = r.pick(['globex', 'Acme', 'initech ', 'hooli']);
    return { note: 'a tenant the licence does not cover (exact)', request: q, expect: deny(['LICENSE_TENANT']) };
  },
];

// ---- rules-only policy (default deny) -------------------------------------------------------

const rules: Scenario[] = [
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = ['analysts', ...r.subset(['engineers'])];
    q.action = r.pick(['query', 'traverse']);
    return { note: 'analysts read', request: q, expect: allow(['ANALYST_READ']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = ['analysts'];
    q.action = 'export';
    return { note: 'analysts do not export', request: q, expect: deny(['DEFAULT_DENY']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = [r.pick(['Analysts', 'ANALYSTS', 'analysts ', 'аnalysts', 'analyst'])];
    q.action = 'query';
    return { note: 'an allow rule matches groups exactly', request: q, expect: deny(['DEFAULT_DENY']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = ['auditors'];
    q.context = { purpose: 'audit' };
    return { note: 'auditors with the audit purpose', request: q, expect: allow(['AUDIT']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = ['analysts', 'auditors'];
    q.action = 'query';
    q.context = { purpose: 'audit' };
    return { note: 'two allow rules: both reasons', request: q, expect: allow(['ANALYST_READ', 'AUDIT']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = ['analysts'];
    q.action = 'query';
    q.resource.fields[0].tags.push(r.pick(['secret', 'SECRET', 'Top-Secret', 'ｓｅｃｒｅｔ', 'sec\u200bret']));
    return { note: 'a deny rule matches tags loosely', request: q, expect: deny(['NO_SECRETS']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = ['analysts'];
    q.action = 'query';
    q.context.rows = r.int(1_000_001, 1e12);
    return { note: 'a huge scan', request: q, expect: deny(['HUGE_SCAN']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = ['analysts'];
    q.action = 'query';
    q.resource.region = r.pick(['us-east-1', 'EU-WEST-1', 'eu-west-1 ']);
    return { note: 'a deny on `not in` compares exactly, so look-alikes are outside', request: q, expect: deny(['EU_ONLY']) };
  },
  (r) => {
    const q = baseRequest(r);
    q.subject.groups = ['analysts'];
    q.action = 'query';
    q.resource.region = 'ap-south-1';
    q.context.rows = 2_000_000;
    q.resource.fields[0].tags.push('secret');
    return { note: 'every matching deny rule is a reason', request: q, expect: deny(['NO_SECRETS', 'HUGE_SCAN', 'EU_ONLY']) };
  },
];

// ---- all ten bundles (default deny, analysts allowed), enforce and monitor --------------------

function cleanCombo(r: Rng): Req {
  const q = baseRequest(r);
  q.subject.tenant = 'acme';
  q.subject.groups = ['analysts', ...r.subset(['engineers', 'finance'])];
  q.subject.clearance = r.pick(['P0', 'P1']);
  q.action = r.pick(['query', 'traverse']);
  q.resource.classification = r.pick(['P2', 'P3']);
  q.resource.region = r.pick(['eu-west-1', 'eu-central-1']);
  q.context = { purpose: r.pick(['analytics', 'reporting']), ...(r.chance(0.5) ? { rows: r.int(0, 10000) } : {}) };
  if (q.action === 'traverse') q.context.hops = r.int(0, 3);
  return q;
}
/** Makes P1 data reachable under aggregate-only and reason-required, so another check can be isolated. */
function p1Ready(q: Req) {
  q.resource.classification = 'P1';
  q.context = { ...q.context, aggregateGroupSize: 25, purpose: 'fraud-investigation', reason: 'case #77 chargeback review' };
}
interface Violation { code: string; apply: (q: Req, r: Rng) => void }
const VIOLATIONS: Violation[] = [
  { code: 'CLEARANCE', apply: (q) => ((q.subject.clearance = 'P3'), (q.resource.classification = 'P2')) },
  { code: 'TENANT_ISOLATION', apply: (q, r) => (q.subject.tenant = r.pick(['initech', 'Acme'])) },
  { code: 'RESIDENCY', apply: (q, r) => (q.context.destinationRegion = r.pick(OUTSIDE)) },
  { code: 'HOP_CAP', apply: (q, r) => ((q.action = 'traverse'), (q.context.hops = r.int(4, 99))) },
  { code: 'FANOUT_CAP', apply: (q, r) => (q.context.rows = r.int(10001, 1e9)) },
  { code: 'EXPORT_GROUP_REQUIRED', apply: (q) => ((q.action = 'export'), p1Ready(q)) },
  { code: 'AGGREGATE_ONLY', apply: (q) => (p1Ready(q), delete q.context.aggregateGroupSize) },
  { code: 'K_ANONYMITY', apply: (q, r) => (p1Ready(q), (q.context.aggregateGroupSize = r.int(1, 9))) },
  { code: 'REASON_REQUIRED', apply: (q, r) => (p1Ready(q), (q.context.reason = r.pick(SHORT_REASON))) },
  { code: 'PURPOSE_NOT_ALLOWED', apply: (q) => (p1Ready(q), (q.context.purpose = 'analytics')) },
  { code: 'LICENSE_PURPOSE', apply: (q) => ((q.resource.license = 'cc-by-nc'), (q.context.purpose = 'Marketing')) },
  { code: 'LICENSE_TENANT', apply: (q) => ((q.resource.license = 'partner-only'), (q.subject.tenant = 'globex')) },
  { code: 'NO_SECRETS', apply: (q, r) => q.resource.fields[0].tags.push(r.pick(['secret', 'Secret', 'ＳＥＣＲＥＴ'])) },
  { code: 'DEFAULT_DENY', apply: (q) => (q.subject.groups = ['engineers']) },
];
/** Pairs that touch disjoint fields, so both codes are expected. */
const PAIRS: [string, string][] = [
  ['CLEARANCE', 'RESIDENCY'], ['TENANT_ISOLATION', 'FANOUT_CAP'], ['HOP_CAP', 'NO_SECRETS'], ['RESIDENCY', 'LICENSE_PURPOSE'],
  ['FANOUT_CAP', 'NO_SECRETS'], ['CLEARANCE', 'HOP_CAP'], ['RESIDENCY', 'NO_SECRETS'], ['TENANT_ISOLATION', 'HOP_CAP'],
];

function comboScenarios(mode: 'enforce' | 'monitor'): Scenario[] {
  const verdict = (codes: string[], q: Req, redact: string[]) => {
    const obligations: Record<string, unknown> = { redactFields: redact };
    if (q.action === 'traverse') obligations.maxHops = 3;
    if (q.resource.license?.toLowerCase() === 'cc-by-nc') obligations.attribution = ATTR;
    if (codes.length === 0) return allow(['ANALYSTS', ...(redact.length ? ['PII_REDACTED'] : [])], obligations);
    if (mode === 'enforce') return deny(codes);
    // Monitor: allowed, with what enforce would say. A default deny has no allowing rule to name.
    return allow([...codes, 'MONITOR_ONLY', ...(redact.length ? ['PII_REDACTED'] : [])], obligations);
  };
  const byCode = new Map(VIOLATIONS.map((v) => [v.code, v]));
  return [
    (r) => {
      const q = cleanCombo(r);
      return { note: 'clean analyst request passes all ten bundles', request: q, expect: verdict([], q, []) };
    },
    (r) => {
      const q = cleanCombo(r);
      q.action = 'query';
      delete q.context.hops;
      q.resource.fields[0].tags.push(r.pick(LOOSE_PII));
      return { note: 'clean request with a PII field: redacted', request: q, expect: verdict([], q, [q.resource.fields[0].name]) };
    },
    (r) => {
      const q = cleanCombo(r);
      const v = r.pick(VIOLATIONS);
      v.apply(q, r);
      return { note: `one violation: ${v.code}`, request: q, expect: verdict([v.code], q, []) };
    },
    (r) => {
      const q = cleanCombo(r);
      const [a, b] = r.pick(PAIRS);
      byCode.get(a)!.apply(q, r);
      byCode.get(b)!.apply(q, r);
      return { note: `two violations: ${a} + ${b}`, request: q, expect: verdict([a, b], q, []) };
    },
  ];
}

const FAMILIES: { policy: string; scenarios: Scenario[]; count: number }[] = [
  { policy: 'corpus-pii', scenarios: pii, count: 32 },
  { policy: 'corpus-aggregate', scenarios: aggregate, count: 32 },
  { policy: 'corpus-hops', scenarios: hops, count: 32 },
  { policy: 'corpus-fanout', scenarios: fanout, count: 30 },
  { policy: 'corpus-residency', scenarios: residency, count: 32 },
  { policy: 'corpus-purpose', scenarios: purpose, count: 35 },
  { policy: 'corpus-export', scenarios: exporting, count: 32 },
  { policy: 'corpus-clearance', scenarios: clearance, count: 32 },
  { policy: 'corpus-tenant', scenarios: tenant, count: 30 },
  { policy: 'corpus-license', scenarios: license, count: 36 },
  { policy: 'corpus-rules', scenarios: rules, count: 45 },
  { policy: 'corpus-combo-enforce', scenarios: comboScenarios('enforce'), count: 70 },
  { policy: 'corpus-combo-monitor', scenarios: comboScenarios('monitor'), count: 40 },
];

export function generateCorpus(seed = SEED): CorpusCase[] {
  const r = rng(seed);
  const out: CorpusCase[] = [];
  for (const fam of FAMILIES) {
    for (let i = 0; i < fam.count; i++) {
      // Round-robin over scenarios so every one is exercised, randomised within.
      const s = fam.scenarios[i % fam.scenarios.length](r);
      out.push({ id: `${fam.policy}-${String(i + 1).padStart(3, '0')}`, policy: fam.policy, note: s.note, request: s.request, expect: s.expect });
    }
  }
  return out;
}

export const GENERATED_FILE = join(__dirname, 'cases', 'generated.json');
export const BYPASS_FILE = join(__dirname, 'cases', 'bypass.json');
/** One case per line: diffs of a regenerated corpus stay readable. */
export const render = (cases: readonly CorpusCase[], header: Record<string, unknown>) =>
  `{${Object.entries(header).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}, `).join('')}"cases": [\n${cases.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`;

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { BYPASS_CASES } = require('./bypass') as typeof import('./bypass');
  const cases = generateCorpus();
  writeFileSync(GENERATED_FILE, render(cases, { seed: SEED, generator: 'streams/lac/corpus/generate.ts' }));
  writeFileSync(BYPASS_FILE, render(BYPASS_CASES, { source: 'streams/lac/corpus/bypass.ts (hand-written)' }));
  console.log(`wrote ${cases.length} generated cases and ${BYPASS_CASES.length} hand-written bypass cases`);
}
