/**
 * Hand-written bypass attempts with their expected answers (written to cases/bypass.json by
 * generate.ts). Each starts from a clean analyst request on the all-bundles policy and tries one trick:
 * case and unicode games on grants and restrictions, missing or extra fields, wrong types, huge
 * values, prototype-pollution keys. Prototype keys are written as JSON text on purpose: an object
 * literal `{__proto__: …}` would set a prototype instead of carrying the key.
 */
import type { CorpusCase } from './generate';

const COMBO = 'corpus-combo-enforce';
const MONITOR = 'corpus-combo-monitor';
const clean = () => ({
  subject: { id: 'u1', tenant: 'acme', groups: ['analysts'], clearance: 'P1' },
  action: 'query',
  resource: { dataset: 'sales.orders', tenant: 'acme', classification: 'P2', region: 'eu-west-1', fields: [{ name: 'email', tags: ['pii'] }, { name: 'amount', tags: ['finance'] }] },
  context: { purpose: 'analytics', rows: 100 } as Record<string, unknown>,
});
type Clean = ReturnType<typeof clean>;
const p1Ready = (q: Clean | Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  q.resource.classification = 'P1';
  q.context = { purpose: 'fraud-investigation', reason: 'case #77 chargeback review', aggregateGroupSize: 25, rows: 100 };
  return q;
};
const ALLOWED = { decision: 'allow' as const, codes: ['ANALYSTS', 'PII_REDACTED'], obligations: { redactFields: ['email'] } };
const denied = (...codes: string[]) => ({ decision: 'deny' as const, codes, obligations: { redactFields: [] } });
const MALFORMED = denied('MALFORMED_REQUEST');

let n = 0;
const cases: CorpusCase[] = [];
function add(note: string, request: unknown, expect: CorpusCase['expect'], policy = COMBO) {
  n += 1;
  cases.push({ id: `bypass-${String(n).padStart(3, '0')}`, policy, note, request, expect });
}
const mut = (f: (q: Clean) => void): Clean => {
  const q = clean();
  f(q);
  return q;
};
const anyQ = (f: (q: Record<string, any>) => void) => mut(f as (q: Clean) => void); // eslint-disable-line @typescript-eslint/no-explicit-any

// ---- baseline ---------------------------------------------------------------------------------
add('the clean request itself', clean(), ALLOWED);

// ---- wrong types, bad enums, missing fields: denied as malformed ------------------------------
add('clearance in lower case', anyQ((q) => (q.subject.clearance = 'p0')), MALFORMED);
add('clearance with a full-width digit', anyQ((q) => (q.subject.clearance = 'P０')), MALFORMED);
add('clearance missing', anyQ((q) => delete q.subject.clearance), MALFORMED);
add('clearance as a number', anyQ((q) => (q.subject.clearance = 0)), MALFORMED);
add('action capitalised', anyQ((q) => (q.action = 'Query')), MALFORMED);
add('action with a trailing space', anyQ((q) => (q.action = 'export ')), MALFORMED);
add('action as an array', anyQ((q) => (q.action = ['query'])), MALFORMED);
add('classification P4', anyQ((q) => (q.resource.classification = 'P4')), MALFORMED);
add('classification null', anyQ((q) => (q.resource.classification = null)), MALFORMED);
add('resource missing', anyQ((q) => delete q.resource), MALFORMED);
add('request is an array', [clean()], MALFORMED);
add('request is null', null, MALFORMED);
add('groups as a string', anyQ((q) => (q.subject.groups = 'analysts')), MALFORMED);
add('groups holding an object', anyQ((q) => (q.subject.groups = [{ name: 'analysts' }])), MALFORMED);
add('group with a NUL byte', anyQ((q) => (q.subject.groups = ['analysts\u0000'])), MALFORMED);
add('rows as a string', anyQ((q) => (q.context.rows = '100')), MALFORMED);
add('negative rows', anyQ((q) => (q.context.rows = -1)), MALFORMED);
add('fractional rows', anyQ((q) => (q.context.rows = 1.5)), MALFORMED);
add('rows beyond safe integers (1e300)', anyQ((q) => (q.context.rows = 1e300)), MALFORMED);
add('rows of 2^53', anyQ((q) => (q.context.rows = 2 ** 53)), MALFORMED);
add('hops of 1e21 on a traversal', anyQ((q) => ((q.action = 'traverse'), (q.context.hops = 1e21))), MALFORMED);
add('empty destination region', anyQ((q) => (q.context.destinationRegion = '')), MALFORMED);
add('context as an array', anyQ((q) => (q.context = [])), MALFORMED);
add('a reason of 2001 characters', anyQ((q) => (q.context.reason = 'x'.repeat(2001))), MALFORMED);
add('subject id empty', anyQ((q) => (q.subject.id = '')), MALFORMED);
add('resource tenant as a number', anyQ((q) => (q.resource.tenant = 42)), MALFORMED);
add('field without a name', anyQ((q) => (q.resource.fields = [{ tags: ['pii'] }])), MALFORMED);
add('a malformed request is denied in monitor mode too', anyQ((q) => (q.subject.clearance = 'admin')), MALFORMED, MONITOR);

// ---- huge but valid values -------------------------------------------------------------------
add('the largest safe row count', anyQ((q) => (q.context.rows = Number.MAX_SAFE_INTEGER)), denied('FANOUT_CAP'));
add('the largest safe hop count', anyQ((q) => ((q.action = 'traverse'), (q.context.hops = Number.MAX_SAFE_INTEGER))), denied('HOP_CAP'));
add('an aggregate of group size 0 on P1', anyQ((q) => (p1Ready(q), (q.context.aggregateGroupSize = 0))), denied('K_ANONYMITY'));

// ---- extra fields: ignored, never a grant --------------------------------------------------
add(
  'extra "override", "isAdmin", "bypass" fields do not lift a clearance deny',
  anyQ((q) => {
    q.subject.clearance = 'P3';
    q.subject.isAdmin = true;
    q.subject.role = 'admin';
    q.override = true;
    q.context.bypass = true;
    q.decision = 'allow';
    q.policy = { default: 'allow' };
  }),
  denied('CLEARANCE'),
);
add('an obligation smuggled into the context changes nothing', anyQ((q) => ((q.action = 'traverse'), (q.context.hops = 4), (q.context.maxHops = 100))), denied('HOP_CAP'));
add('context missing entirely is fine (PII still redacted)', anyQ((q) => delete q.context), ALLOWED);
add('a null destination region counts as absent', anyQ((q) => (q.context.destinationRegion = null)), ALLOWED);

// ---- prototype-pollution keys ----------------------------------------------------------------
const base = JSON.stringify(clean());
const json = (s: string) => JSON.parse(s) as unknown;
add('__proto__ carrying the clearance (not an own field): malformed', json(base.replace('"clearance":"P1"', '"__proto__":{"clearance":"P0"}')), MALFORMED);
add('__proto__ at the root carrying the action', json(base.replace('"action":"query",', '"__proto__":{"action":"query"},')), MALFORMED);
add(
  'constructor.prototype carrying groups',
  json(base.replace('"groups":["analysts"]', '"groups":["engineers"],"constructor":{"prototype":{"groups":["analysts"]}}')),
  denied('DEFAULT_DENY'),
);
add('__proto__ in the context does not hide own rows', json(base.replace('"rows":100', '"rows":20000,"__proto__":{"rows":5}')), denied('FANOUT_CAP'));
add('a tag named __proto__', json(base.replace('"tags":["finance"]', '"tags":["__proto__","constructor"]')), ALLOWED);
add(
  'a PII field named __proto__ is still redacted by name',
  json(base.replace('"name":"email"', '"name":"__proto__"')),
  { decision: 'allow', codes: ['ANALYSTS', 'PII_REDACTED'], obligations: { redactFields: ['__proto__'] } },
);
add('a licence named __proto__ has no terms', anyQ((q) => (q.resource.license = '__proto__')), ALLOWED);
add('a resource tenant named constructor is another tenant', anyQ((q) => (q.resource.tenant = 'constructor')), denied('TENANT_ISOLATION'));
add('a resource tenant named __proto__ is another tenant', anyQ((q) => (q.resource.tenant = '__proto__')), denied('TENANT_ISOLATION'));

// ---- grants compare exactly: tricks do not borrow permissions ------------------------------
add('group with a zero-width space', anyQ((q) => (q.subject.groups = ['analysts\u200b'])), denied('DEFAULT_DENY'));
add('group in upper case', anyQ((q) => (q.subject.groups = ['ANALYSTS'])), denied('DEFAULT_DENY'));
add('group with a Cyrillic а', anyQ((q) => (q.subject.groups = ['аnalysts'])), denied('DEFAULT_DENY'));
add('group in full width', anyQ((q) => (q.subject.groups = ['ａｎａｌｙｓｔｓ'])), denied('DEFAULT_DENY'));
add('duplicated group is harmless', anyQ((q) => (q.subject.groups = ['analysts', 'analysts'])), ALLOWED);
add('subject tenant with a zero-width space', anyQ((q) => (q.subject.tenant = 'acme\u200b')), denied('TENANT_ISOLATION'));
add('resource tenant in upper case', anyQ((q) => (q.resource.tenant = 'ACME')), denied('TENANT_ISOLATION'));
add('destination region with a zero-width space', anyQ((q) => (q.context.destinationRegion = 'eu-west-1\u200b')), denied('RESIDENCY'));
add('exporters group in upper case on a P1 export', anyQ((q) => (p1Ready(q), (q.action = 'export'), (q.subject.groups = ['analysts', 'EXPORTERS']))), denied('EXPORT_GROUP_REQUIRED'));
add('exporters group exactly on a P1 export', anyQ((q) => (p1Ready(q), (q.action = 'export'), (q.subject.groups = ['analysts', 'exporters']))), {
  decision: 'allow',
  codes: ['ANALYSTS'],
  obligations: { redactFields: [] },
});
add('exporters cannot export P0', anyQ((q) => (p1Ready(q), (q.subject.clearance = 'P0'), (q.resource.classification = 'P0'), (q.action = 'export'), (q.subject.groups = ['analysts', 'exporters']))), denied('EXPORT_BLOCKED'));
add('an allowed purpose in other case does not unlock PII', anyQ((q) => (q.context.purpose = 'Fraud-Investigation')), ALLOWED);

// ---- restrictions match loosely: tricks do not dodge them -------------------------------------
const tagged = (tag: string) => anyQ((q) => (q.resource.fields[0].tags = [tag]));
add('PII tag in full width', tagged('ｐｉｉ'), ALLOWED);
add('PII tag with a zero-width joiner', tagged('pii\u200d'), ALLOWED);
add('PII tag with a dotted capital I', tagged('PİI'), ALLOWED);
add('PII tag with a Cyrillic р', tagged('рii'), ALLOWED);
add('PII tag with surrounding spaces', tagged('  pii '), ALLOWED);
add('secret tag with a soft hyphen', anyQ((q) => q.resource.fields[1].tags.push('sec\u00adret')), denied('NO_SECRETS'));
add('secret tag with a Cyrillic ѕ', anyQ((q) => q.resource.fields[1].tags.push('ѕecret')), denied('NO_SECRETS'));
add('licence id in upper case, denied purpose in upper case', anyQ((q) => ((q.resource.license = 'CC-BY-NC'), (q.context.purpose = 'MARKETING'))), denied('LICENSE_PURPOSE'));
add('licence with denied purposes and no purpose stated', anyQ((q) => ((q.resource.license = 'cc-by-nc'), delete q.context.purpose)), denied('LICENSE_PURPOSE'));
add('licence not covering the (shared) tenant', anyQ((q) => ((q.resource.license = 'partner-only'), (q.subject.tenant = 'globex'))), denied('LICENSE_TENANT'));
add('a reason padded with zero-width spaces', anyQ((q) => (p1Ready(q), (q.context.reason = '\u200b'.repeat(12) + 'ok'))), denied('REASON_REQUIRED'));
add('a reason of spaces', anyQ((q) => (p1Ready(q), (q.context.reason = ' '.repeat(30)))), denied('REASON_REQUIRED'));
add('ten visible emoji count as ten characters', anyQ((q) => (p1Ready(q), (q.context.reason = '🔥'.repeat(10)))), { decision: 'allow', codes: ['ANALYSTS'], obligations: { redactFields: [] } });

// ---- monitor mode ---------------------------------------------------------------------------
add('monitor: a clearance violation is allowed and recorded', anyQ((q) => (q.subject.clearance = 'P3')), {
  decision: 'allow',
  codes: ['CLEARANCE', 'MONITOR_ONLY', 'PII_REDACTED'],
  obligations: { redactFields: ['email'] },
}, MONITOR);

add('monitor: a too-deep traversal is allowed, still carrying the hop cap', anyQ((q) => ((q.action = 'traverse'), (q.context.hops = 10))), {
  decision: 'allow',
  codes: ['HOP_CAP', 'MONITOR_ONLY'],
  obligations: { redactFields: [], maxHops: 3 },
}, MONITOR);

export const BYPASS_CASES: CorpusCase[] = cases;
