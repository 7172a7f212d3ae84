import { readFileSync } from 'node:fs';
import { BUNDLES } from '../bundles/catalog';
import { compilePolicy, decideRaw, interpretPolicy } from '../engine/engine';
import { BYPASS_CASES } from './bypass';
import { BYPASS_FILE, GENERATED_FILE, generateCorpus, render, SEED } from './generate';
import { loadCorpusCases, loadCorpusPolicies, runCorpus } from './run';

const policies = loadCorpusPolicies();
const cases = loadCorpusCases();

describe('red-team corpus', () => {
  test('the committed files are what the seeded generator and the hand-written list produce', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(render(generateCorpus(), { seed: SEED, generator: 'streams/lac/corpus/generate.ts' }));
    expect(readFileSync(BYPASS_FILE, 'utf8')).toBe(render(BYPASS_CASES, { source: 'streams/lac/corpus/bypass.ts (hand-written)' }));
  });

  test('at least 450 cases, covering every bundle and every reason code', () => {
    expect(cases.length).toBeGreaterThanOrEqual(450);
    const report = runCorpus(cases, policies);
    const bundleCodes = BUNDLES.flatMap((b) => Object.keys(b.codes));
    for (const code of [...bundleCodes, 'DEFAULT_ALLOW', 'DEFAULT_DENY', 'MONITOR_ONLY', 'MALFORMED_REQUEST']) expect(report.codesSeen).toContain(code);
    expect(report.allows).toBeGreaterThan(100);
    expect(report.denies).toBeGreaterThan(100);
  });

  test('zero wrong allows, zero wrong denies, the expected reason codes and obligations, compiled == interpreted', () => {
    const report = runCorpus(cases, policies);
    expect(report.failures.slice(0, 5)).toEqual([]);
    expect(report).toMatchObject({ wrongAllows: 0, wrongDenies: 0, codeMismatches: 0, obligationMismatches: 0, engineDisagreements: 0 });
  });

  test('prototype keys in the corpus files survive as own keys (the cases really carry them)', () => {
    const proto = cases.filter((c) => /__proto__|constructor/.test(c.note));
    expect(proto.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(proto.map((c) => c.request))).toContain('"__proto__":{"clearance":"P0"}');
  });
});

describe('bypass attempts that do not fit a file', () => {
  const combo = policies.get('corpus-combo-enforce')!;
  const clean = () => ({
    subject: { id: 'u1', tenant: 'acme', groups: ['analysts'], clearance: 'P1' },
    action: 'query',
    resource: { dataset: 'sales.orders', tenant: 'acme', classification: 'P2', region: 'eu-west-1', fields: [{ name: 'email', tags: ['pii'] }] },
    context: { purpose: 'analytics' },
  });

  test.each([
    ['513 fields', (q: any) => (q.resource.fields = Array.from({ length: 513 }, (_, i) => ({ name: `f${i}`, tags: [] })))], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['257 groups', (q: any) => (q.subject.groups = Array.from({ length: 257 }, (_, i) => `g${i}`))], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a tag of 257 characters', (q: any) => (q.resource.fields[0].tags = ['p'.repeat(257)])], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['65 tags on one field', (q: any) => (q.resource.fields[0].tags = Array.from({ length: 65 }, (_, i) => `t${i}`))], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a megabyte dataset name', (q: any) => (q.resource.dataset = 'd'.repeat(1 << 20))], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])('%s is denied as malformed by both engines', (_name, mutate) => {
    const q = clean();
    mutate(q);
    for (const e of [combo.compiled, combo.interpreted]) {
      const d = decideRaw(e, q);
      expect(d.decision).toBe('deny');
      expect(d.reasons.map((r) => r.code)).toEqual(['MALFORMED_REQUEST']);
    }
  });

  test('a polluted Object.prototype lends no field, group or grant to a request', () => {
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.clearance = 'P0';
      proto.allowPurposes = ['analytics'];
      proto.acme = ['initech'];
      const q = clean() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      delete q.subject.clearance;
      expect(decideRaw(combo.compiled, q).reasons[0].code).toBe('MALFORMED_REQUEST');
      const other = clean() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      other.subject.tenant = 'initech';
      for (const e of [combo.compiled, combo.interpreted]) {
        const d = decideRaw(e, other);
        expect(d.decision).toBe('deny');
        expect(d.reasons.map((r) => r.code)).toEqual(['TENANT_ISOLATION']);
      }
    } finally {
      delete proto.clearance;
      delete proto.allowPurposes;
      delete proto.acme;
    }
  });

  test('policies compiled twice from the same document decide identically (no shared mutable state)', () => {
    const p = combo.compiled.policy;
    const [a, b] = [compilePolicy(p), interpretPolicy(p)];
    const q = clean();
    expect(decideRaw(a, q)).toEqual(decideRaw(b, q));
    expect(decideRaw(a, q)).toEqual(decideRaw(a, q));
  });
});
