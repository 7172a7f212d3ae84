import { loadPolicyText } from './parse';
import { validatePolicy } from './validate';

const base = { id: 'analytics', version: '1.0.0', mode: 'enforce', default: 'deny' };

describe('policy validation', () => {
  test('a YAML document with bundles and nested/dotted rules validates and resolves refs through semver', () => {
    const { policy, problems } = loadPolicyText(`
id: analytics
version: 1.2.0
mode: enforce
default: deny
bundles:
  - ref: graph.hop-cap@^1
    params: { maxHops: 2 }
  - ref: minimization.pii-redact@~1.0
rules:
  - effect: allow
    when: { subject: { clearance: { "<=": P1 } }, action: query }
    code: ANALYSTS_QUERY
  - effect: deny
    when: { "resource.fields.tags": { in: [secret] } }
`);
    expect(problems).toEqual([]);
    expect(policy!.bundles.map((b) => [b.name, b.version, b.params])).toEqual([
      ['graph.hop-cap', '1.0.0', { maxHops: 2 }],
      ['minimization.pii-redact', '1.0.0', { piiTags: ['pii'], allowPurposes: [] }],
    ]);
    expect(policy!.rules[0].conditions.map((c) => [c.path, c.op, c.operand])).toEqual([
      ['subject.clearance', '<=', 'P1'],
      ['action', 'equals', 'query'],
    ]);
    expect(policy!.rules[1].code).toBe('RULE_DENY');
  });

  test('every error names its path in the document, in English and in French', () => {
    const doc = {
      ...base,
      version: 'v1',
      bundles: [{ ref: 'graph.hop-cap@^2' }, { ref: 'nope.bundle@1' }, { ref: 'graph.fanout-cap@1', params: { maxRows: -1, extra: 1 } }],
      rules: [{ effect: 'allow' }, { effect: 'allow' }, { effect: 'deny', when: { subject: { clearance: { in: ['P9'] } } } }, { effect: 'deny', when: { 'subject.password': 'x' } }],
    };
    const en = validatePolicy(doc, 'en').problems;
    const fr = validatePolicy(doc, 'fr').problems;
    expect(en.map((p) => [p.path, p.code])).toEqual([
      ['version', 'BAD_SEMVER'],
      ['bundles[0].ref', 'NO_MATCHING_VERSION'],
      ['bundles[1].ref', 'UNKNOWN_BUNDLE'],
      ['bundles[2].params.extra', 'UNKNOWN_PARAM'],
      ['bundles[2].params.maxRows', 'TOO_SMALL'],
      ['rules[2].when.subject.clearance.in', 'BAD_OPERAND'],
      ['rules[3].when.subject.password', 'UNKNOWN_PATH'],
    ]);
    expect(fr.map((p) => p.path)).toEqual(en.map((p) => p.path));
    expect(en[4].message).toBe('must be at least 0');
    expect(fr[4].message).toBe('doit valoir au moins 0');
    expect(fr[6].message).toContain("n'est pas un chemin de requête");
  });

  test('prototype-pollution keys anywhere are refused, and nothing is polluted', () => {
    const json = '{"id":"p","version":"1.0.0","mode":"enforce","default":"allow","rules":[{"effect":"allow","when":{"__proto__":{"polluted":1}}}],"bundles":[{"ref":"tenant.isolation@1","params":{"sharedWith":{"constructor":["x"]}}}]}';
    const { problems } = loadPolicyText(json);
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['rules[0].when.__proto__', 'RESERVED_KEY'],
      ['bundles[0].params.sharedWith.constructor', 'RESERVED_KEY'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('missing required fields, wrong types and unknown top-level keys', () => {
    const { problems } = validatePolicy({ id: 'Bad Id', defualt: 'allow', rules: 'x', bundles: [{ ref: 'residency.region-lock@1' }] });
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['defualt', 'UNKNOWN_FIELD'],
      ['id', 'BAD_ID'],
      ['version', 'REQUIRED'],
      ['mode', 'REQUIRED'],
      ['default', 'REQUIRED'],
      ['bundles[0].params.allowedRegions', 'REQUIRED'],
      ['rules', 'WRONG_TYPE'],
    ]);
  });

  test('YAML errors and duplicate keys are parse errors at $', () => {
    expect(loadPolicyText('id: a\nid: b\n').problems[0].code).toBe('PARSE_ERROR');
    expect(loadPolicyText('{"id": ').problems[0]).toMatchObject({ path: '$', code: 'PARSE_ERROR' });
    expect(loadPolicyText('a: [', 'fr').problems[0].message).toMatch(/^le document n'est pas du YAML valide/);
  });

  test('the same bundle twice is refused (one use, all params)', () => {
    const { problems } = validatePolicy({ ...base, bundles: [{ ref: 'graph.hop-cap@1' }, { ref: 'graph.hop-cap@^1.0.0' }] });
    expect(problems.map((p) => [p.path, p.code])).toEqual([['bundles[1].ref', 'DUPLICATE_BUNDLE']]);
  });
});
