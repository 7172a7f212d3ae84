/**
 * LAC demo data for `trust demo`, loaded through the real HTTP API: a policy built from bundles,
 * promoted, a few dozen recorded decisions, then a wider candidate version whose promotion is
 * blocked until acknowledged — so /ui/lac/promotions/<previewId> has something to show.
 */
export interface DemoApiLike {
  tenant: string;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The demo's policy (promoted) and its wider candidate (exports no longer gated), also the bench's "demo policies". */
export const DEMO_POLICY_V1 = {
  id: 'analytics-access',
  version: '1.0.0',
  mode: 'enforce',
  default: 'deny',
  description: 'Analysts read; exports of P1 need the exporters group; PII redacted.',
  bundles: [
    { ref: 'minimization.pii-redact@^1', params: { allowPurposes: ['fraud-investigation'] } },
    { ref: 'clearance.classification-gate@^1' },
    { ref: 'export.tier1-block@^1' },
    { ref: 'graph.hop-cap@^1' },
    { ref: 'tenant.isolation@^1' },
  ],
  rules: [{ effect: 'allow', when: { 'subject.groups': { in: ['analysts'] } }, code: 'ANALYSTS' }],
};
export const DEMO_POLICY_V1_1 = { ...DEMO_POLICY_V1, version: '1.1.0', bundles: DEMO_POLICY_V1.bundles.filter((b) => !b.ref.startsWith('export.')) };

export async function lacDemo(api: DemoApiLike): Promise<string[]> {
  const must = async (method: string, path: string, body: unknown, ok: number[]) => {
    const res = await api.request(method, path, body);
    if (!ok.includes(res.status)) throw new Error(`LAC demo: ${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const v1 = DEMO_POLICY_V1;
  // An author opening the editor (the console's time-to-author telemetry) who then left without saving.
  await must('POST', '/v1/lac/sessions', { sessionId: 'demo-editor-opened', client: 'demo' }, [201]);
  await must('POST', '/v1/lac/policies', v1, [201]);
  await must('POST', '/v1/lac/policies/analytics-access/versions/1.0.0/promote', undefined, [200, 409]);
  const people = [
    { id: 'ana', groups: ['analysts'], clearance: 'P1' },
    { id: 'eve', groups: ['analysts'], clearance: 'P1' },
    { id: 'carl', groups: ['contractors'], clearance: 'P3' },
  ];
  const datasets = [
    { dataset: 'sales.orders', classification: 'P2' },
    { dataset: 'crm.contacts', classification: 'P1' },
  ];
  let decisions = 0;
  for (const p of people) {
    for (const d of datasets) {
      for (const action of ['query', 'export']) {
        await must('POST', '/v1/lac/decide', {
          policy: 'analytics-access',
          request: {
            subject: { id: p.id, tenant: api.tenant, groups: p.groups, clearance: p.clearance },
            action,
            resource: { ...d, tenant: api.tenant, region: 'eu-west-1', fields: [{ name: 'email', tags: ['pii'] }, { name: 'amount', tags: [] }] },
            context: { purpose: 'analytics', rows: 200 },
          },
        }, [200]);
        decisions++;
      }
    }
  }
  await must('POST', '/v1/lac/policies', DEMO_POLICY_V1_1, [201]);
  const blocked = await must('POST', '/v1/lac/policies/analytics-access/versions/1.1.0/promote', undefined, [200, 409]);
  const previewId = blocked?.details?.preview?.previewId ?? blocked?.preview?.previewId;
  return [`LAC policy analytics-access 1.0.0 promoted, ${decisions} decisions recorded`, `LAC candidate 1.1.0 previewed: /ui/lac/promotions/${previewId}`];
}
