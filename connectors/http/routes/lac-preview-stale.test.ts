/**
 * GET /v1/lac/previews/:id says whether the preview is stale by the rule promote applies (a newer
 * decision, an edit of the version, another promotion), from the read models: the Studio shows it
 * without reading the log.
 */
import { startLacHarness, type LacHarness } from '../harness/lac-harness';
import { lacRoutes } from './lac';

const v1 = { id: 'gate', version: '1.0.0', mode: 'enforce', default: 'allow', bundles: [{ ref: 'clearance.classification-gate@^1' }] };
const v2 = { ...v1, version: '1.1.0', default: 'deny' };
const request = { subject: { id: 'ana', tenant: 'acme', groups: ['analysts'], clearance: 'P1' }, action: 'query', resource: { dataset: 'sales', tenant: 'acme', classification: 'P2', region: 'eu' }, context: { rows: 5 } };

describe('a recorded preview and its staleness', () => {
  let h: LacHarness;
  let key: string;
  const preview = async (version: string) => {
    const res = await h.request('POST', `/v1/lac/policies/gate/versions/${version}/preview`, key);
    expect(res.status).toBe(201);
    return res.body.previewId as string;
  };
  const stale = async (previewId: string) => {
    // The read models follow the log (decide does not wait for them): caught up to the head first, as the live service's runners are within moments.
    await h.ctx.settled(await h.log.head());
    return (await h.request('GET', `/v1/lac/previews/${previewId}`, key)).body.stale;
  };

  beforeAll(async () => {
    h = await startLacHarness({ routes: [lacRoutes] });
    key = h.keyFor('acme', 'producer');
    expect((await h.request('POST', '/v1/lac/policies', key, v1)).status).toBe(201);
    expect((await h.request('POST', '/v1/lac/policies/gate/versions/1.0.0/promote', key)).status).toBe(200);
    expect((await h.request('POST', '/v1/lac/policies', key, v2)).status).toBe(201);
  });
  afterAll(() => h.stop());

  test('given a fresh preview, it is not stale; when the policy records a decision, it is', async () => {
    const id = await preview('1.1.0');
    expect(await stale(id)).toBe(false);
    expect((await h.request('POST', '/v1/lac/decide', key, { policy: 'gate', request })).status).toBe(200);
    expect(await stale(id)).toBe(true);
  });

  test('given a fresh preview, when its version is edited, it is stale', async () => {
    const id = await preview('1.1.0');
    expect(await stale(id)).toBe(false);
    expect((await h.request('POST', '/v1/lac/policies', key, { ...v2, description: 'edited' })).status).toBe(201);
    expect(await stale(id)).toBe(true);
  });

  test('given a fresh preview, when another version is promoted, it is stale', async () => {
    const id = await preview('1.1.0');
    expect((await h.request('POST', '/v1/lac/policies', key, { ...v1, version: '1.0.1' })).status).toBe(201);
    expect(await stale(id)).toBe(false); // a draft of another version changes nothing
    expect((await h.request('POST', '/v1/lac/policies/gate/versions/1.0.1/promote', key)).status).toBe(200);
    expect(await stale(id)).toBe(true);
  });
});
