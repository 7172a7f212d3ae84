/**
 * Issue 17 end to end: the semantic diff in every preview and promotion, risk v2 floors for semantic
 * widenings, and POST /v1/lac/diff.
 */
import { startLacHarness, type LacHarness } from '../harness/lac-harness';
import { lacRoutes } from './lac';

const capped = { id: 'graph-access', version: '1.0.0', mode: 'enforce', default: 'allow', bundles: [{ ref: 'graph.hop-cap@^1', params: { maxHops: 2 } }] };
const uncapped = { ...capped, version: '1.1.0', bundles: [] };
const oneHop = (i: number) => ({
  subject: { id: `u${i % 4}`, tenant: 'acme', groups: ['analysts'], clearance: 'P1' },
  action: 'traverse',
  resource: { dataset: 'graph.accounts', tenant: 'acme', classification: 'P1', region: 'eu-west-1', fields: [] },
  context: { hops: 1 },
});

describe('LAC semantic diff over HTTP', () => {
  let h: LacHarness;
  let key: string;
  beforeAll(async () => {
    h = await startLacHarness({ routes: [lacRoutes] });
    key = h.keyFor('acme', 'producer');
  });
  afterAll(() => h.stop());

  test('given a hop cap of 2 promoted and 20 recorded one-hop traversals of P1 data, when a version without the cap is promoted, then history sees nothing but the semantic diff makes it high risk: 409 until acknowledged', async () => {
    expect((await h.request('POST', '/v1/lac/policies', key, capped)).status).toBe(201);
    const first = await h.request('POST', '/v1/lac/policies/graph-access/versions/1.0.0/promote', key);
    expect(first.status).toBe(200);
    expect(first.body.preview.semantic).toBeNull(); // nothing active to compare with
    for (let i = 0; i < 20; i++) expect((await h.request('POST', '/v1/lac/decide', key, { policy: 'graph-access', request: oneHop(i) })).body.decision).toBe('allow');
    expect((await h.request('POST', '/v1/lac/policies', key, uncapped)).status).toBe(201);

    const blocked = await h.request('POST', '/v1/lac/policies/graph-access/versions/1.1.0/promote', key);
    expect(blocked.status).toBe(409);
    const preview = blocked.body.details.preview;
    expect(blocked.body.details.reason).toBe('ACK_REQUIRED');
    // The replay of history changes nothing…
    expect(preview).toMatchObject({ decisionsReplayed: 20, denyToAllow: 0, allowToDeny: 0, riskLevel: 'high' });
    // …the semantic diff finds the widening on every classification, with a deep traversal as counterexample.
    expect(preview.semantic).toMatchObject({ fromVersion: '1.0.0', complete: true, narrowings: 0, widenedClassifications: ['P0', 'P1', 'P2', 'P3'] });
    expect(JSON.parse(preview.riskFactors)).toMatchObject({ floor: 0, semanticFloor: 50 });
    const deep = preview.semantic.counterexamples.find((c: { kind: string; classification: string }) => c.kind === 'decision' && c.classification === 'P1');
    expect(deep).toMatchObject({ direction: 'widening', action: 'traverse', fromDecision: 'deny', toDecision: 'allow', responsible: ['graph.hop-cap'] });

    // The counterexample is a valid decide request that the two versions really decide differently.
    const before = await h.request('POST', '/v1/lac/decide', key, { policy: capped, request: deep.request });
    const after = await h.request('POST', '/v1/lac/decide', key, { policy: uncapped, request: deep.request });
    expect([before.status, before.body.decision, after.body.decision]).toEqual([200, 'deny', 'allow']);

    // The recorded preview keeps the diff; acknowledging it promotes.
    const stored = await h.request('GET', `/v1/lac/previews/${preview.previewId}`, key);
    expect(stored.body.semantic.widenings).toBe(preview.semantic.widenings);
    const ok = await h.request('POST', '/v1/lac/policies/graph-access/versions/1.1.0/promote', key, { by: 'lead', reason: 'graph depth is capped by the query service now', previewId: preview.previewId });
    expect(ok.status).toBe(200);
  });

  test('given a narrowing-only candidate (a tighter cap), when previewed, then the semantic diff lists narrowings only and adds no floor', async () => {
    expect((await h.request('POST', '/v1/lac/policies', key, { ...capped, version: '1.2.0', bundles: [{ ref: 'graph.hop-cap@^1', params: { maxHops: 1 } }] })).status).toBe(201);
    const res = await h.request('POST', '/v1/lac/policies/graph-access/versions/1.2.0/preview', key);
    expect(res.status).toBe(201);
    expect(res.body.semantic).toMatchObject({ fromVersion: '1.1.0', widenings: 0 });
    expect(res.body.semantic.narrowings).toBeGreaterThan(0);
    expect(JSON.parse(res.body.riskFactors).semanticFloor).toBe(0);
  });

  test('POST /v1/lac/diff answers the diff of references or documents, and records nothing', async () => {
    const head = await h.log.head();
    const byRef = await h.request('POST', '/v1/lac/diff', key, { from: { id: 'graph-access', version: '1.0.0' }, to: 'graph-access' });
    expect(byRef.status).toBe(200);
    expect(byRef.body).toMatchObject({ from: { id: 'graph-access', version: '1.0.0' }, to: { id: 'graph-access', version: '1.1.0' }, method: 'sat-over-finite-abstraction/v1', complete: true, narrowings: 0 });
    expect(byRef.body.widenings).toBeGreaterThan(0);
    const byDoc = await h.request('POST', '/v1/lac/diff', key, { from: uncapped, to: capped });
    expect(byDoc.body).toMatchObject({ widenings: 0, widenedClassifications: [], narrowedClassifications: ['P0', 'P1', 'P2', 'P3'] });
    const same = await h.request('POST', '/v1/lac/diff', key, { from: capped, to: { ...capped, version: '9.0.0', description: 'no-op' } });
    expect(same.body).toMatchObject({ widenings: 0, narrowings: 0, counterexamples: [] });
    expect(await h.log.head()).toBe(head);
    // Auditors may ask too: it records nothing.
    expect((await h.request('POST', '/v1/lac/diff', h.keyFor('acme', 'auditor'), { from: capped, to: uncapped })).status).toBe(200);
  });

  test('given policies too large to diff, then the diff says complete: false (and a preview would fail closed to high risk)', async () => {
    const many = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const huge = { ...capped, bundles: [{ ref: 'license.usage-terms@^1', params: { licenses: Object.fromEntries(many('l', 20).map((l) => [l, { deniedPurposes: many('p', 900), allowedTenants: many('t', 900) }])) } }] };
    const res = await h.request('POST', '/v1/lac/diff', key, { from: capped, to: huge });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ complete: false, widenings: 0, counterexamples: [] });
  });

  test('bad diff input is a 400 naming the field', async () => {
    const missing = await h.request('POST', '/v1/lac/diff', key, { from: capped });
    expect(missing.status).toBe(400);
    expect(missing.body.details.problems).toEqual([{ field: 'to', problem: 'is required', code: 'REQUIRED' }]);
    const invalid = await h.request('POST', '/v1/lac/diff', key, { from: capped, to: { ...capped, bundles: [{ ref: 'graph.hop-cap@^1', params: { maxHops: -1 } }] } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details.problems[0]).toMatchObject({ field: 'to.bundles[0].params.maxHops', code: 'TOO_SMALL' });
    const extra = await h.request('POST', '/v1/lac/diff', key, { from: 'nope', to: { id: 'graph-access', version: '7.0.0' }, extra: 1 });
    expect(extra.status).toBe(400);
    expect(extra.body.details.problems).toEqual([{ field: 'extra', problem: expect.stringContaining('from, to'), code: 'UNKNOWN_FIELD' }]);
    const unknown = await h.request('POST', '/v1/lac/diff', key, { from: 'nope', to: { id: 'graph-access', version: '7.0.0' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.problems.map((p: { field: string }) => p.field)).toEqual(['from', 'to']);
    expect((await h.request('POST', '/v1/lac/diff', key, [1, 2])).status).toBe(400);
  });
});
