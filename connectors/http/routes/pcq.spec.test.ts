/** The PCQ OpenAPI part (sdk/spec/parts/pcq.yaml) describes what the routes really take and answer. */
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startPcqHarness, type PcqHarness } from '../harness/pcq-harness';

const spec = parse(readFileSync(join(__dirname, '..', '..', '..', 'sdk', 'spec', 'parts', 'pcq.yaml'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'pcq', components: spec.components });
const schemaAt = (path: string, method: string, status: string) => {
  const s = spec.paths[path][method].responses[status].content['application/json'].schema;
  // Rewrite local refs to the registered document.
  return JSON.parse(JSON.stringify(s).replace(/"#\/components/g, '"pcq#/components'));
};
const requestSchema = (path: string) => JSON.parse(JSON.stringify(spec.paths[path].post.requestBody.content['application/json'].schema).replace(/"#\/components/g, '"pcq#/components'));

describe('PCQ OpenAPI part matches the routes', () => {
  let h: PcqHarness;
  let key: string;
  const fixture = { fixtureId: 'fx-1', seed: 5, libs: { numpy: '1.26.4' }, dataChecksum: 'sha256:d', baselineRuntime: { device: 'cpu', os: 'linux' }, tolerances: { loss: { rel: 0.01 } } };
  const replay = (runId: string, runtime: object, accuracy: number) => ({ runId, fixtureId: 'fx-1', release: '1.7.0', runtime, seed: 5, libs: { numpy: '1.26.4' }, dataChecksum: 'sha256:d', metrics: { accuracy, loss: 'NaN' } });
  beforeAll(async () => {
    h = await startPcqHarness();
    key = h.keyFor('acme');
  });
  afterAll(() => h.stop());

  test('request bodies used by the tests validate against the spec, and the answers against their schemas', async () => {
    expect(ajv.validate(requestSchema('/v1/pcq/fixtures'), fixture)).toBe(true);
    const body = { replays: [replay('c', { device: 'cpu', os: 'linux' }, 0.9), replay('g', { device: 'gpu', os: 'linux' }, 0.95)] };
    expect(ajv.validate(requestSchema('/v1/pcq/replays'), body)).toBe(true);
    expect(ajv.validate(requestSchema('/v1/pcq/replays'), { ...body.replays[0], seed: undefined, runtime: { device: 'tpu', os: 'linux' } })).toBe(false);
    expect((await h.request('POST', '/v1/pcq/fixtures', key, fixture)).status).toBe(201);
    const rec = await h.request('POST', '/v1/pcq/replays?wait=true', key, body);
    expect(ajv.validate(schemaAt('/v1/pcq/replays', 'post', '202'), rec.body)).toBe(true);
    const anomalies = await h.request('GET', '/v1/pcq/anomalies', key);
    expect(anomalies.body.length).toBeGreaterThan(0);
    expect(ajv.validate(schemaAt('/v1/pcq/anomalies', 'get', '200'), anomalies.body) || ajv.errorsText()).toBe(true);
    const fx = await h.request('GET', '/v1/pcq/fixtures/fx-1', key);
    expect(ajv.validate(schemaAt('/v1/pcq/fixtures/{id}', 'get', '200'), fx.body) || ajv.errorsText()).toBe(true);
    const cl = await h.request('GET', '/v1/pcq/clusters?release=1.7.0', key);
    expect(ajv.validate(schemaAt('/v1/pcq/clusters', 'get', '200'), cl.body) || ajv.errorsText()).toBe(true);
    const ag = await h.request('GET', '/v1/pcq/agreement', key);
    expect(ajv.validate(schemaAt('/v1/pcq/agreement', 'get', '200'), ag.body) || ajv.errorsText()).toBe(true);
  });
});
