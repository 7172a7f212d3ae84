import { validatePolicy } from '../model/validate';
import type { AccessRequest, Policy } from '../model/types';
import { compilePolicy, decideRaw, interpretPolicy } from './engine';

function policy(doc: Record<string, unknown>): Policy {
  const { policy, problems } = validatePolicy({ id: 'p', version: '1.0.0', mode: 'enforce', default: 'allow', ...doc });
  if (!policy) throw new Error(JSON.stringify(problems));
  return policy;
}

const request = (over: Partial<{ action: string; clearance: string; classification: string; groups: string[]; tags: string[]; context: object }> = {}): AccessRequest => ({
  subject: { id: 'u1', tenant: 'acme', groups: over.groups ?? ['analysts'], clearance: (over.clearance ?? 'P1') as AccessRequest['subject']['clearance'] },
  action: (over.action ?? 'query') as AccessRequest['action'],
  resource: { dataset: 'sales', tenant: 'acme', classification: (over.classification ?? 'P2') as AccessRequest['resource']['classification'], region: 'eu-west-1', fields: [{ name: 'email', tags: over.tags ?? ['pii'] }, { name: 'amount', tags: [] }] },
  context: { ...(over.context ?? {}) },
});

const both = (p: Policy) => [compilePolicy(p), interpretPolicy(p)];

describe('decision engines', () => {
  test('any deny wins over an allowing rule; the deny reasons carry their bundle', () => {
    const p = policy({ bundles: [{ ref: 'clearance.classification-gate@1' }], rules: [{ effect: 'allow', when: { action: 'query' }, code: 'QUERY_OK' }] });
    for (const e of both(p)) {
      const d = e.decide(request({ clearance: 'P2', classification: 'P1' }));
      expect(d).toEqual({
        decision: 'deny',
        reasons: [{ code: 'CLEARANCE', bundle: 'clearance.classification-gate', message: 'clearance P2 does not reach classification P1' }],
        obligations: { redactFields: [] },
        policy: { id: 'p', version: '1.0.0' },
      });
      expect(e.allows(request({ clearance: 'P2', classification: 'P1' }))).toBe(false);
    }
  });

  test('default deny unless a rule allows; default allow reports DEFAULT_ALLOW; PII is redacted on allow', () => {
    const p = policy({ default: 'deny', bundles: [{ ref: 'minimization.pii-redact@1' }], rules: [{ effect: 'allow', when: { 'subject.groups': 'analysts' }, code: 'ANALYSTS' }] });
    for (const e of both(p)) {
      expect(e.decide(request({ groups: ['guests'] })).reasons.map((r) => r.code)).toEqual(['DEFAULT_DENY']);
      const ok = e.decide(request({ tags: ['PII'] }));
      expect(ok.decision).toBe('allow');
      expect(ok.reasons.map((r) => r.code)).toEqual(['ANALYSTS', 'PII_REDACTED']);
      expect(ok.obligations).toEqual({ redactFields: ['email'] });
    }
  });

  test('monitor mode allows what enforce would deny, and says so', () => {
    const p = policy({ mode: 'monitor', bundles: [{ ref: 'export.tier1-block@1' }] });
    for (const e of both(p)) {
      const d = e.decide(request({ action: 'export', classification: 'P0', clearance: 'P0' }), 'fr');
      expect(d.decision).toBe('allow');
      expect(d.reasons.map((r) => r.code)).toEqual(['EXPORT_BLOCKED', 'MONITOR_ONLY']);
      expect(d.reasons[0].message).toBe('les données P0 ne peuvent pas être exportées');
    }
  });

  test('generated code cannot be injected from operands or codes', () => {
    const evil = '"); globalThis.__lacPwned = 1; ("';
    const p = policy({ rules: [{ effect: 'deny', when: { 'context.purpose': { in: [evil, "'}}; globalThis.__lacPwned=2;//"] } }, code: 'EVIL' }] });
    const e = compilePolicy(p);
    expect(e.decide(request({ context: { purpose: evil } })).decision).toBe('deny');
    expect(e.decide(request({ context: { purpose: 'ok' } })).decision).toBe('allow');
    expect((globalThis as Record<string, unknown>).__lacPwned).toBeUndefined();
  });

  test('a malformed request is denied in every mode, naming its fields', () => {
    const e = compilePolicy(policy({ mode: 'monitor' }));
    const d = decideRaw(e, { subject: { id: 'u', tenant: 'acme', clearance: 'p0' }, action: 'EXPORT', resource: {} });
    expect(d.decision).toBe('deny');
    expect(d.reasons[0].code).toBe('MALFORMED_REQUEST');
    expect(d.reasons[0].message).toContain('request.subject.clearance must be one of P0, P1, P2, P3');
    expect(d.reasons[0].message).toContain('request.action must be one of query, traverse, export');
  });

  test('deny rules fold strings (a case or unicode trick still matches); allow rules compare exactly', () => {
    const p = policy({
      default: 'deny',
      rules: [
        { effect: 'deny', when: { 'resource.fields.tags': { in: ['secret'] } }, code: 'NO_SECRETS' },
        { effect: 'allow', when: { 'subject.groups': { in: ['analysts'] } } },
      ],
    });
    for (const e of both(p)) {
      expect(e.decide(request({ tags: ['ＳＥＣＲＥＴ'] })).reasons.map((r) => r.code)).toEqual(['NO_SECRETS']);
      expect(e.decide(request({ tags: ['se\u200bcret'] })).decision).toBe('deny');
      expect(e.decide(request({ tags: [], groups: ['Analysts'] })).reasons.map((r) => r.code)).toEqual(['DEFAULT_DENY']);
      expect(e.decide(request({ tags: [], groups: ['аnalysts'] })).decision).toBe('deny'); // Cyrillic а
      expect(e.decide(request({ tags: [], groups: ['analysts'] })).decision).toBe('allow');
    }
  });
});
