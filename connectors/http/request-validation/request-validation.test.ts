/**
 * The OpenAPI checks at the HTTP edge, on the real /v1 router (apiRouter) with routes that only echo
 * what reached them: a body that breaks the spec never reaches a route and is answered with the
 * field and the problem; a valid body reaches the route unchanged.
 */
import { Router } from 'express';
import type { ServiceContext } from '../context';
import { serveHarness, type HarnessServer } from '../harness/serve';
import { MAX_PROBLEMS } from './middleware';

const replay = (runId: string) => ({
  runId,
  fixtureId: 'fx-a',
  release: '1.7.0',
  runtime: { device: 'cpu', os: 'linux' },
  seed: 1234,
  libs: { numpy: '1.26.4' },
  dataChecksum: 'sha256:abc',
  metrics: { accuracy: 0.9, broken: 'NaN', missing: null },
  recordedAt: '2026-11-28T12:00:00+01:00',
});
const accessRequest = {
  subject: { id: 'ana', tenant: 'acme', groups: ['analysts'], clearance: 'P1' },
  action: 'query',
  resource: { dataset: 'sales', tenant: 'acme', classification: 'P2', region: 'eu-west-1', license: null },
  context: { purpose: 'reporting', hops: null },
};
const alerts = {
  version: '4',
  receiver: 'trust-pages',
  status: 'firing',
  alerts: [{ status: 'firing', labels: { alertname: 'IngestAvailabilityFastBurn' }, startsAt: '2026-12-02T10:00:00Z', fingerprint: 'a1b2c3' }],
};

/** One valid body per domain's POST, and one that breaks the spec at a named field. */
const cases = [
  { domain: 'backbone', path: '/v1/events', valid: { type: 'AnnotationAdded', stream: 'notes', payload: { text: 'hi' } }, invalid: { type: 'AnnotationAdded', payload: {} }, field: 'stream', status: 400, problem: /is required/ },
  { domain: 'pcq', path: '/v1/pcq/replays', valid: { replays: [replay('r-1'), replay('r-2')] }, invalid: { replays: [replay('r-1'), { ...replay('r-2'), seed: undefined }] }, field: 'replays[1].seed', status: 422, problem: /is required.*seed enforcement/ },
  { domain: 'lac', path: '/v1/lac/decide', valid: { policy: 'gate', request: accessRequest }, invalid: { policy: 'gate', request: { ...accessRequest, subject: { ...accessRequest.subject, clearance: 'P9' } } }, field: 'request.subject.clearance', status: 400, problem: /must be one of P0, P1, P2, P3, not "P9"/ },
  { domain: 'zk', path: '/v1/zk/jobs', valid: { setId: 'customers', query: '12345678901234567890', pepperVersion: 1 }, invalid: { setId: 'customers', query: 'ana@example.com', pepperVersion: 1 }, field: 'query', status: 400, problem: /does not match .*decimal field element/ },
  { domain: 'ops', path: '/v1/ops/alertmanager', valid: alerts, invalid: { ...alerts, alerts: [{ ...alerts.alerts[0], startsAt: 'yesterday' }] }, field: 'alerts[0].startsAt', status: 400, problem: /must be an ISO-8601 date-time/ },
];

describe('request validation at the HTTP edge', () => {
  let h: HarnessServer;
  let key: string;
  const reached: { path: string; body: unknown; query: unknown }[] = [];
  beforeAll(async () => {
    const echo = () => {
      const r = Router();
      r.use((req, res) => {
        reached.push({ path: req.path, body: req.body, query: req.query });
        res.json({ ok: true });
      });
      return r;
    };
    h = await serveHarness({} as ServiceContext, { routes: [echo] });
    key = h.keyFor('acme');
  });
  afterAll(() => h.close());
  beforeEach(() => void reached.splice(0));

  test.each(cases)('$domain: a body breaking the spec is refused naming $field; nothing reaches the route', async ({ path, invalid, field, status, problem }) => {
    const res = await h.request('POST', path, key, invalid);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(status === 422 ? 'SCHEMA_VIOLATION' : 'VALIDATION_FAILED');
    expect(res.body.details.problems).toEqual([expect.objectContaining({ field, problem: expect.stringMatching(problem) })]);
    expect(reached).toEqual([]);
  });

  test.each(cases)('$domain: a valid body reaches the route unchanged', async ({ path, valid }) => {
    const res = await h.request('POST', path, key, valid);
    expect(res.status).toBe(200);
    expect(reached).toEqual([{ path: path.slice('/v1'.length), body: valid, query: {} }]);
  });

  test('a required body that is missing is named as the body', async () => {
    const res = await h.request('POST', '/v1/zk/sets', key);
    expect(res.status).toBe(400);
    expect(res.body.details.problems).toEqual([{ field: 'body', problem: 'is required: a JSON body' }]);
  });

  test('a body of a media type the operation does not take is refused before any route; one it takes (a YAML draft) reaches its route', async () => {
    const before = reached.length;
    const text = await h.request('POST', '/v1/zk/sets', key, '{"setId":"s","leaves":["1"],"pepperVersion":1}', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.body.details.problems).toEqual([{ field: 'body', problem: 'must be JSON (Content-Type: application/json), not text/plain' }]);
    expect(reached.length).toBe(before);
    const yaml = await h.request('POST', '/v1/lac/policies', key, 'id: gate\nversion: 1.0.0\n', { 'content-type': 'application/yaml' });
    expect(yaml.status).toBe(200);
    expect(reached.length).toBe(before + 1);
  });

  test('an optional body may be left out (a promotion without acknowledgment)', async () => {
    expect((await h.request('POST', '/v1/lac/policies/gate/versions/1.0.0/promote', key)).status).toBe(200);
  });

  test('query parameters the spec states are checked; the route still reads them as sent', async () => {
    const bad = await h.request('GET', '/v1/pcq/anomalies?label=bogus', key);
    expect(bad.status).toBe(400);
    expect(bad.body.details.problems).toEqual([{ field: 'label', problem: expect.stringContaining('must be one of seed_drift') }]);
    expect((await h.request('GET', '/v1/events?limit=10&from=1', key)).status).toBe(200);
    expect(reached).toEqual([{ path: '/events', body: {}, query: { limit: '10', from: '1' } }]);
  });

  test('a value of the wrong kind among several forms names every form', async () => {
    const res = await h.request('POST', '/v1/pcq/replays', key, { ...replay('r-1'), metrics: { accuracy: 'high' } });
    expect(res.body.details.problems).toEqual([{ field: 'metrics.accuracy', problem: 'must be a number, null, or one of NaN, Infinity, -Infinity, not "high"' }]);
  });

  test("LAC's callers read the problems in their locale, with the policy validator's codes", async () => {
    const res = await h.request('POST', '/v1/lac/diff', key, { from: 'gate' }, { 'accept-language': 'fr-FR' });
    expect(res.body.details.problems).toEqual([{ field: 'to', problem: 'est obligatoire', code: 'REQUIRED' }]);
  });

  test('LAC drafts are left to the policy validator (an invalid draft is recorded before it is refused)', async () => {
    expect((await h.request('POST', '/v1/lac/policies', key, { id: 'gate', rules: 'not rules' })).status).toBe(200);
  });

  test(`more than ${MAX_PROBLEMS} problems are summed up in one line`, async () => {
    const leaves = Array.from({ length: 50 }, () => 'x');
    const res = await h.request('POST', '/v1/zk/sets', key, { setId: 's', pepperVersion: 1, leaves });
    expect(res.body.details.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(res.body.details.problems[MAX_PROBLEMS]).toEqual({ field: 'body', problem: 'and 30 more problems' });
  });
});
