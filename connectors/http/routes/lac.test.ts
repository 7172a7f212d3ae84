import { startLacHarness, type LacHarness } from '../harness/lac-harness';
import { LacService } from '../../../application/lac/lac-service';
import { lacRoutes } from './lac';

const v1 = {
  id: 'gate',
  version: '1.0.0',
  mode: 'enforce',
  default: 'allow',
  bundles: [{ ref: 'clearance.classification-gate@^1' }, { ref: 'export.tier1-block@^1' }],
};
const request = (over: { id?: string; clearance?: string; action?: string; classification?: string; groups?: string[] } = {}) => ({
  subject: { id: over.id ?? 'ana', tenant: 'acme', groups: over.groups ?? ['analysts'], clearance: over.clearance ?? 'P1' },
  action: over.action ?? 'query',
  resource: { dataset: 'sales.orders', tenant: 'acme', classification: over.classification ?? 'P2', region: 'eu-west-1', fields: [{ name: 'email', tags: ['pii'] }] },
  context: { rows: 50 },
});

describe('LAC routes end to end', () => {
  let h: LacHarness;
  let key: string;
  beforeAll(async () => {
    h = await startLacHarness({ routes: [lacRoutes] });
    key = h.keyFor('acme', 'producer');
  });
  afterAll(() => h.stop());

  const decideMany = async (n: number, req: object) => {
    for (let i = 0; i < n; i++) expect((await h.request('POST', '/v1/lac/decide', key, { policy: 'gate', request: req })).status).toBe(200);
  };

  test('GET /v1/lac/bundles lists the ten bundles with params schemas and localized messages', async () => {
    const en = await h.request('GET', '/v1/lac/bundles', key);
    expect(en.status).toBe(200);
    expect(en.body.bundles).toHaveLength(10);
    const hop = en.body.bundles.find((b: { name: string }) => b.name === 'graph.hop-cap');
    expect(hop.paramsSchema.properties.maxHops).toMatchObject({ type: 'integer', default: 3 });
    expect(hop.codes.HOP_CAP.denies).toBe(true);
    const fr = await h.request('GET', '/v1/lac/bundles', key, undefined, { 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(fr.body.bundles[2].summary).toBe('Plafonne la profondeur des parcours de graphe.');
  });

  test('an invalid draft is recorded and answered 400 with document paths, in the author locale', async () => {
    const res = await h.request('POST', '/v1/lac/policies', key, { ...v1, version: '0.9.0', rules: [{ effect: 'deny', when: { subject: { clearance: { in: ['P7'] } } } }] }, { 'accept-language': 'fr' });
    expect(res.status).toBe(400);
    expect(res.body.details.problems).toEqual([{ field: 'rules[0].when.subject.clearance.in', problem: expect.stringContaining('attend'), code: 'BAD_OPERAND' }]);
    expect(res.body.details.recorded).toBe(true);
    // Deciding with that invalid version names its problems in the API's one error shape {field, problem, code}.
    const decide = await h.request('POST', '/v1/lac/decide', key, { policy: { id: 'gate', version: '0.9.0' }, request: request() });
    expect(decide.status).toBe(409);
    expect(decide.body.details.problems).toEqual([{ field: 'rules[0].when.subject.clearance.in', problem: expect.any(String), code: 'BAD_OPERAND' }]);
  });

  test('a YAML draft validates; decide by id needs a promoted version; an inline document is not recorded', async () => {
    const yaml = 'id: gate\nversion: 1.0.0\nmode: enforce\ndefault: allow\nbundles:\n  - ref: clearance.classification-gate@^1\n  - ref: export.tier1-block@^1\n';
    const res = await h.request('POST', '/v1/lac/policies', key, yaml, { 'content-type': 'application/yaml' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ policyId: 'gate', version: '1.0.0', valid: true, origin: 'bundle' });
    const early = await h.request('POST', '/v1/lac/decide', key, { policy: 'gate', request: request() });
    expect(early.status).toBe(400);
    expect(early.body.details.problems[0].field).toBe('policy');
    const head = await h.log.head();
    const inline = await h.request('POST', '/v1/lac/decide', key, { policy: v1, request: request({ clearance: 'P3' }) });
    expect(inline.body).toMatchObject({ decision: 'deny', reasons: [{ code: 'CLEARANCE', bundle: 'clearance.classification-gate' }], policy: { id: 'gate', version: '1.0.0' } });
    expect(await h.log.head()).toBe(head);
  });

  test('a malformed decide request is a 400 naming the field', async () => {
    const res = await h.request('POST', '/v1/lac/decide', key, { policy: v1, request: { ...request(), action: 'EXPORT' } });
    expect(res.status).toBe(400);
    expect(res.body.details.problems).toEqual([{ field: 'request.action', problem: 'must be one of query, traverse, export, not "EXPORT"', code: 'BAD_ENUM' }]);
    // In the author's locale, as the policy validator's problems are.
    const fr = await h.request('POST', '/v1/lac/decide', key, { policy: v1, request: { ...request(), action: 'EXPORT' } }, { 'accept-language': 'fr' });
    expect(fr.body.details.problems).toEqual([{ field: 'request.action', problem: `doit valoir l'une des valeurs query, traverse, export, et non "EXPORT"`, code: 'BAD_ENUM' }]);
  });

  test('the first promotion has no history: low risk, promoted without acknowledgment; decisions are recorded', async () => {
    const res = await h.request('POST', '/v1/lac/policies/gate/versions/1.0.0/promote', key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ promoted: true, policy: { id: 'gate', version: '1.0.0' }, previousVersion: null, acknowledged: false, preview: { riskLevel: 'low', decisionsReplayed: 0 } });
    await decideMany(10, request());
    await decideMany(5, request({ id: 'carl', clearance: 'P3', groups: ['contractors'] }));
    await decideMany(3, request({ id: 'eve', action: 'export', classification: 'P1' }));
    const d = await h.request('POST', '/v1/lac/decide', key, { policy: 'gate', request: request({ action: 'export', classification: 'P1' }) }, { 'accept-language': 'fr' });
    expect(d.body).toEqual({
      decision: 'deny',
      reasons: [{ code: 'EXPORT_GROUP_REQUIRED', bundle: 'export.tier1-block', message: "exporter des données P1 exige d'appartenir à 'exporters'" }],
      obligations: { redactFields: [] },
      policy: { id: 'gate', version: '1.0.0' },
    });
    const recorded = await h.log.read({ types: ['AccessDecided'], limit: 100 });
    expect(recorded).toHaveLength(19);
    expect(recorded[0].stream).toBe('lac-decisions:acme:gate');
  });

  test('a widening on P1 (4 of 19 decisions) is high risk: 409 with the preview, then an acknowledgment promotes', async () => {
    expect((await h.request('POST', '/v1/lac/policies', key, { ...v1, version: '1.1.0', bundles: [{ ref: 'clearance.classification-gate@^1' }] })).status).toBe(201);
    const preview = await h.request('POST', '/v1/lac/policies/gate/versions/1.1.0/preview', key);
    expect(preview.status).toBe(201);
    expect(preview.body).toMatchObject({
      activeVersion: '1.0.0',
      decisionsReplayed: 19,
      distinctRequests: 4,
      allowToDeny: 0,
      denyToAllow: 4,
      widenedSensitive: 4,
      impactedDatasets: [{ name: 'sales.orders', allowToDeny: 0, denyToAllow: 4 }],
      impactedUsers: [{ name: 'eve', allowToDeny: 0, denyToAllow: 3 }, { name: 'ana', allowToDeny: 0, denyToAllow: 1 }],
      impactedGroups: [{ name: 'analysts', allowToDeny: 0, denyToAllow: 4 }],
      // risk v2: W = 4×6 = 24 → 25.2; rate 4/19 → 40 (capped); 2 users → 2.9; score 68 → high.
      riskScore: 68,
      riskLevel: 'high',
      currency: 'USD',
    });
    // Four more allowed exports at sales.orders rates: 4 × (0.004 + 50 × 0.00005).
    expect(preview.body.costDelta).toBeCloseTo(4 * (0.004 + 50 * 0.00005), 9);
    expect(preview.body.samples[0]).toMatchObject({ subjectId: 'eve', from: 'deny', to: 'allow', count: 3, codes: ['EXPORT_GROUP_REQUIRED'] });

    const blocked = await h.request('POST', '/v1/lac/policies/gate/versions/1.1.0/promote', key);
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('PRECONDITION_FAILED');
    expect(blocked.body.details).toMatchObject({ reason: 'ACK_REQUIRED', preview: { previewId: preview.body.previewId, riskLevel: 'high' } });

    const badAck = await h.request('POST', '/v1/lac/policies/gate/versions/1.1.0/promote', key, { by: 'lead', previewId: preview.body.previewId });
    expect(badAck.status).toBe(400);
    expect(badAck.body.details.problems[0].field).toBe('reason');

    const ok = await h.request('POST', '/v1/lac/policies/gate/versions/1.1.0/promote', key, { by: 'lead', reason: 'exports of P1 approved by the DPO, ticket 42', previewId: preview.body.previewId });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ promoted: true, previousVersion: '1.0.0', acknowledged: true });
    const after = await h.request('POST', '/v1/lac/decide', key, { policy: 'gate', request: request({ action: 'export', classification: 'P1' }) });
    expect(after.body).toMatchObject({ decision: 'allow', policy: { version: '1.1.0' } });
    const types = (await h.log.readStream('lac-policy:acme:gate', 1, 100)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['PromotionBlocked', 'PromotionAcknowledged', 'PolicyPromoted']);
  });

  test('an acknowledgment of a preview older than newer decisions is stale: 409 with a fresh preview', async () => {
    const narrower = { ...v1, version: '1.2.0', bundles: [{ ref: 'clearance.classification-gate@^1' }, { ref: 'graph.fanout-cap@^1', params: { maxRows: 10 } }] };
    expect((await h.request('POST', '/v1/lac/policies', key, narrower)).status).toBe(201);
    const old = await h.request('POST', '/v1/lac/policies/gate/versions/1.2.0/preview', key);
    expect(old.body.allowToDeny).toBeGreaterThan(0);
    await decideMany(1, request());
    const stale = await h.request('POST', '/v1/lac/policies/gate/versions/1.2.0/promote', key, { by: 'lead', reason: 'cap interactive scans at ten rows', previewId: old.body.previewId });
    expect(stale.status).toBe(409);
    expect(stale.body.details.reason).toBe('PREVIEW_STALE');
    expect(stale.body.details.preview.previewId).not.toBe(old.body.previewId);
    expect(stale.body.details.preview.decisionsReplayed).toBe(old.body.decisionsReplayed + 1);
    const fresh = stale.body.details.preview.previewId;
    const ok = await h.request('POST', '/v1/lac/policies/gate/versions/1.2.0/promote', key, { by: 'lead', reason: 'cap interactive scans at ten rows', previewId: fresh });
    expect(ok.status).toBe(200);
  });

  test('promoted versions are immutable; older versions cannot be drafted; auditors cannot decide', async () => {
    const again = await h.request('POST', '/v1/lac/policies', key, { ...v1, version: '1.1.0' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('immutable');
    const older = await h.request('POST', '/v1/lac/policies', key, { ...v1, version: '1.0.5' });
    expect(older.status).toBe(409);
    const auditor = h.keyFor('acme', 'auditor');
    expect((await h.request('POST', '/v1/lac/decide', auditor, { policy: 'gate', request: request() })).status).toBe(403);
  });

  test('GET /v1/lac/analytics summarises authoring', async () => {
    const res = await h.request('GET', '/v1/lac/analytics', key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ promotions: 3, newPolicies: 1, newPoliciesFromBundles: 1, bundleShare: 1, meetsBundleShareTarget: true });
    expect(res.body.previews).toBeGreaterThanOrEqual(4);
    expect(res.body.validationErrors).toBe(1);
    expect(res.body.errorsByCode).toEqual({ BAD_OPERAND: 1 });
    expect(res.body.previewsPerPromotion).toBeGreaterThan(1);
    expect((await h.request('GET', '/v1/lac/previews/pv-missing', key)).status).toBe(404);
  });
});

describe('LAC promotion on a policy that takes decisions non-stop', () => {
  test('a low-risk promotion without acknowledgment goes through although a decision lands during every preview', async () => {
    const h = await startLacHarness({ routes: [lacRoutes] });
    const key = h.keyFor('acme', 'producer');
    const original = LacService.prototype.preview;
    const preview = jest.spyOn(LacService.prototype, 'preview');
    try {
      expect((await h.request('POST', '/v1/lac/policies', key, v1)).status).toBe(201);
      expect((await h.request('POST', '/v1/lac/policies/gate/versions/1.0.0/promote', key)).status).toBe(200);
      expect((await h.request('POST', '/v1/lac/policies', key, { ...v1, version: '1.0.1' })).status).toBe(201);
      // Each preview the promotion computes is followed by one more recorded decision before it can promote.
      preview.mockImplementation(async function (this: LacService, ...args: Parameters<LacService['preview']>) {
        const radius = await original.apply(this, args);
        expect((await h.request('POST', '/v1/lac/decide', key, { policy: 'gate', request: request() })).status).toBe(200);
        return radius;
      });
      preview.mockClear();
      const res = await h.request('POST', '/v1/lac/policies/gate/versions/1.0.1/promote', key);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ promoted: true, previousVersion: '1.0.0', acknowledged: false, preview: { riskLevel: 'low' } });
      expect(preview).toHaveBeenCalledTimes(1);
    } finally {
      preview.mockRestore();
      await h.stop();
    }
  });
});
