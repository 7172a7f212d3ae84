/**
 * Server vs spec: a live test service (every domain the registry runs) is driven through every
 * operation of sdk/spec/openapi.yaml; each request body is validated against the spec before it is
 * sent and each answer (status declared, content type, body) after. Operations whose routes are not
 * mounted yet (answered `no route`) are listed, not failed; every mounted operation must be covered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRoutes } from '../../connectors/registry';
import { eventRoutes } from '../../connectors/http/routes/events';
import { startTestService, type TestService } from '../../connectors/http/testing';
import { loadSpec, type Json } from './spec';

const S = loadSpec();
const problems: string[] = [];
const covered = new Set<string>();
const unmounted = new Set<string>();

let svc: TestService;
let producer: string;
let admin: string;

async function call(method: string, url: string, key: string | undefined, body?: unknown, opts: { headers?: Record<string, string>; expectInvalid?: boolean; raw?: string; contentType?: string } = {}) {
  const op = S.find(method, url);
  if (!op) throw new Error(`no operation in the spec for ${method} ${url}`);
  if (!opts.expectInvalid && opts.raw === undefined) problems.push(...S.checkRequest(op, body));
  const res = await fetch(svc.url + url, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined || opts.raw !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
      ...opts.headers,
    },
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  if (res.status === 404 && typeof parsed?.message === 'string' && parsed.message.startsWith('no route')) {
    unmounted.add(op.operationId);
    return { status: res.status, body: parsed, op: op.operationId, mounted: false };
  }
  covered.add(op.operationId);
  problems.push(...S.checkResponse(op, res.status, res.headers.get('content-type'), parsed).map((p) => `${method} ${url}: ${p}`));
  if (res.status >= 500) problems.push(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return { status: res.status, body: parsed, op: op.operationId, mounted: true };
}

beforeAll(async () => {
  svc = await startTestService();
  producer = await svc.keyFor('acme', 'producer');
  admin = await svc.keyFor('ops', 'admin');
});
afterAll(() => svc?.stop());
afterEach(() => {
  const found = problems.splice(0);
  expect(found).toEqual([]);
});

test('health and events', async () => {
  expect((await call('GET', '/healthz', undefined)).status).toBe(200);
  const one = await call('POST', '/v1/events', producer, { id: 'conf-1', type: 'AnnotationAdded', stream: 'conf', payload: { subject: 's', text: 't', author: 'a', tags: [] } }, { headers: { 'idempotency-key': 'conf-1' } });
  expect(one.status).toBe(202);
  const batch = await call('POST', '/v1/events', producer, { events: [{ type: 'AnnotationAdded', stream: 'conf', expectedVersion: 1, payload: { subject: 's', text: 'u', author: 'a', tags: ['x'] } }] });
  expect(batch.status).toBe(202);
  expect((await call('POST', '/v1/events', producer, { type: 'AnnotationAdded', stream: 'conf', expectedVersion: 0, payload: { subject: 's', text: 'v', author: 'a', tags: [] } })).status).toBe(409);
  expect((await call('POST', '/v1/events', producer, { type: 'NoSuchType', stream: 'conf', payload: {} })).status).toBe(422);
  expect((await call('POST', '/v1/events', producer, { type: 'AnnotationAdded', stream: 'conf', payload: { subject: 1 } })).status).toBe(422);
  expect((await call('POST', '/v1/events', producer, { stream: 'conf' }, { expectInvalid: true })).status).toBe(400);
  expect((await call('POST', '/v1/events', producer, undefined, { raw: '{"type":', expectInvalid: true })).status).toBe(400);
  expect((await call('POST', '/v1/events', producer, { type: 'AnnotationAdded', stream: 'conf', tenant: 'other', payload: { subject: 's', text: 't', author: 'a', tags: [] } })).status).toBe(403);
  const list = await call('GET', '/v1/events?stream=conf&limit=10', producer);
  expect(list.body.events.length).toBe(2);
  expect((await call('GET', '/v1/events?limit=0', producer)).status).toBe(400);
  expect((await call('GET', '/v1/schemas', producer)).status).toBe(200);
});

test('every /v1 operation answers 401 without a key, with the Error shape', async () => {
  for (const o of S.operations.filter((x) => x.path.startsWith('/v1/'))) {
    const url = o.path.replace(/\{[^}]+\}/g, 'x');
    const res = await call(o.method, url, undefined, o.method === 'POST' ? {} : undefined, { expectInvalid: true });
    if (res.mounted) expect([o.operationId, res.status]).toEqual([o.operationId, 401]);
  }
});

const fixture = { fixtureId: 'conf-fx', seed: 7, libs: { numpy: '1.26.4' }, dataChecksum: 'sha256:abc', baselineRuntime: { device: 'cpu', os: 'linux' } };
const replay = (runId: string, device: string, accuracy: number, numpy = '1.26.4') => ({ runId, fixtureId: 'conf-fx', release: '1.0.0', runtime: { device, os: 'linux' }, seed: 7, libs: { numpy }, dataChecksum: 'sha256:abc', metrics: { accuracy } });

test('PCQ: fixtures, releases, replays, anomalies, clusters, agreement, overrides, missing', async () => {
  const reg = await call('POST', '/v1/pcq/fixtures', producer, fixture);
  if (!reg.mounted) return;
  expect(reg.status).toBe(201);
  expect((await call('POST', '/v1/pcq/fixtures', producer, { ...fixture, fixtureId: '' }, { expectInvalid: true })).status).toBe(422);
  expect((await call('POST', '/v1/pcq/releases', producer, { release: '1.0.0', taggedAt: '2026-11-01T00:00:00Z' })).status).toBe(201);
  const rec = await call('POST', '/v1/pcq/replays?wait=true', producer, { replays: [replay('r-cpu', 'cpu', 0.9), replay('r-gpu', 'gpu', 0.5, '2.0.0')] });
  expect(rec.status).toBe(202);
  expect((await call('POST', '/v1/pcq/replays', producer, { ...replay('r-x', 'cpu', 1), seed: undefined }, { expectInvalid: true })).status).toBe(422);
  const anomalies = await call('GET', '/v1/pcq/anomalies?release=1.0.0', producer);
  expect(anomalies.status).toBe(200);
  expect((await call('GET', '/v1/pcq/anomalies?label=nope', producer)).status).toBe(400);
  expect((await call('GET', '/v1/pcq/fixtures/conf-fx', producer)).status).toBe(200);
  expect((await call('GET', '/v1/pcq/fixtures/nope', producer)).status).toBe(404);
  expect((await call('GET', '/v1/pcq/clusters?release=1.0.0', producer)).status).toBe(200);
  expect((await call('GET', '/v1/pcq/clusters', producer)).status).toBe(400);
  expect((await call('GET', '/v1/pcq/agreement', producer)).status).toBe(200);
  expect((await call('GET', '/v1/pcq/releases', producer)).body).toEqual({ tenant: 'acme', releases: [{ release: '1.0.0', taggedAt: '2026-11-01T00:00:00.000Z' }] });
  expect((await call('GET', '/v1/pcq/releases?tenant=acme', admin)).body.releases.length).toBe(1);
  expect((await call('GET', '/v1/pcq/releases?tenant=ops', producer)).status).toBe(403);
  if (anomalies.body.length > 0) {
    const id = anomalies.body[0].anomalyId;
    expect((await call('POST', `/v1/pcq/anomalies/${encodeURIComponent(id)}/label`, producer, { label: 'lib_pin_drift', by: 'ana', reason: 'numpy bumped' })).status).toBe(200);
  }
  expect((await call('POST', '/v1/pcq/anomalies/nope/label', producer, { label: 'lib_pin_drift', by: 'ana', reason: 'x' })).status).toBe(404);
  expect((await call('GET', '/v1/pcq/overrides', producer)).status).toBe(200);
  expect((await call('POST', '/v1/pcq/replays/missing', producer, { release: '1.0.0', runtime: { device: 'gpu', os: 'macos' }, shard: '1/2', fixtureIds: ['conf-fx'] })).status).toBe(202);
  expect((await call('GET', '/ui/pcq/timeline', producer)).status).toBe(200);
});

const policy = { id: 'conf-gate', version: '1.0.0', mode: 'enforce', default: 'allow', bundles: [{ ref: 'clearance.classification-gate@^1' }] };
const access = (clearance: string) => ({ subject: { id: 'ana', tenant: 'acme', groups: ['analysts'], clearance }, action: 'query', resource: { dataset: 'sales', tenant: 'acme', classification: 'P2', region: 'eu' }, context: { rows: 5 } });

test('LAC: bundles, draft, decide, preview, promote, previews, analytics', async () => {
  const b = await call('GET', '/v1/lac/bundles', producer);
  if (!b.mounted) return;
  expect(b.status).toBe(200);
  expect((await call('POST', '/v1/lac/policies', producer, policy)).status).toBe(201);
  expect((await call('POST', '/v1/lac/policies', producer, { ...policy, version: '0.1.0', rules: [{ effect: 'deny', when: { subject: { clearance: { in: ['P9'] } } } }] })).status).toBe(400);
  const yaml = 'id: conf-gate\nversion: 1.1.0\nmode: enforce\ndefault: deny\nbundles:\n  - ref: clearance.classification-gate@^1\n';
  expect((await call('POST', '/v1/lac/policies', producer, undefined, { raw: yaml, contentType: 'application/yaml' })).status).toBe(201);
  expect((await call('POST', '/v1/lac/decide', producer, { policy, request: access('P1') })).status).toBe(200);
  expect((await call('POST', '/v1/lac/decide', producer, { policy: 'conf-gate', request: access('P1') })).status).toBe(400);
  expect((await call('POST', '/v1/lac/decide', producer, { policy, request: { ...access('P1'), action: 'EXPORT' } }, { expectInvalid: true })).status).toBe(400);
  expect((await call('POST', '/v1/lac/policies/conf-gate/versions/1.0.0/promote', producer)).status).toBe(200);
  for (const c of ['P1', 'P3', 'P0']) expect((await call('POST', '/v1/lac/decide', producer, { policy: 'conf-gate', request: access(c) })).status).toBe(200);
  const preview = await call('POST', '/v1/lac/policies/conf-gate/versions/1.1.0/preview', producer, { windowDays: 30 });
  expect(preview.status).toBe(201);
  expect((await call('GET', `/v1/lac/previews/${preview.body.previewId}`, producer)).status).toBe(200);
  expect((await call('GET', '/v1/lac/previews/nope', producer)).status).toBe(404);
  const promote = await call('POST', '/v1/lac/policies/conf-gate/versions/1.1.0/promote', producer);
  expect([200, 409]).toContain(promote.status);
  if (promote.status === 409) {
    const ack = { by: 'ana', reason: 'reviewed the blast radius', previewId: promote.body.details.preview?.previewId ?? preview.body.previewId };
    expect((await call('POST', '/v1/lac/policies/conf-gate/versions/1.1.0/promote', producer, ack)).status).toBe(200);
  }
  // The semantic diff: 1.1.0 defaults to deny, so it only narrows; a missing side is a 400 naming it.
  const diff = await call('POST', '/v1/lac/diff', producer, { from: { id: 'conf-gate', version: '1.0.0' }, to: 'conf-gate' });
  expect(diff.status).toBe(200);
  expect(diff.body).toMatchObject({ widenings: 0, to: { id: 'conf-gate', version: '1.1.0' } });
  expect(diff.body.narrowings).toBeGreaterThan(0);
  expect(preview.body.semantic?.narrowings).toBeGreaterThan(0);
  const noTo = await call('POST', '/v1/lac/diff', producer, { from: 'conf-gate' }, { expectInvalid: true });
  expect([noTo.status, noTo.body.details?.problems?.[0]?.field]).toEqual([400, 'to']);
  expect((await call('POST', '/v1/lac/policies/nope/versions/9.9.9/preview', producer, {})).status).toBe(404);
  expect((await call('GET', '/v1/lac/analytics', producer)).status).toBe(200);
  expect((await call('GET', '/v1/lac/analytics?from=yesterday', producer)).status).toBe(400);
  // The Studio's lists and the editor's telemetry.
  const session = await call('POST', '/v1/lac/sessions', producer, { sessionId: 'conf-session', client: 'conformance' });
  expect([session.status, session.body.duplicate]).toEqual([201, false]);
  expect((await call('POST', '/v1/lac/sessions', producer, { sessionId: 'conf-session' })).body.duplicate).toBe(true);
  expect((await call('POST', '/v1/lac/sessions', producer, { client: 'Not A Name' }, { expectInvalid: true })).status).toBe(400);
  const list = await call('GET', '/v1/lac/policies?limit=1', producer);
  expect(list.status).toBe(200);
  expect(list.body.items.map((p: Json) => [p.policyId, p.activeVersion])).toEqual([['conf-gate', '1.1.0']]);
  expect((await call('GET', '/v1/lac/policies?limit=0', producer, undefined, { expectInvalid: true })).status).toBe(400);
  expect((await call('GET', '/v1/lac/policies?tenant=globex', producer)).status).toBe(403);
  const one = await call('GET', '/v1/lac/policies/conf-gate', producer);
  expect(one.body.versions.map((v: Json) => v.state)).toEqual(['invalid', 'promoted', 'promoted']); // 0.1.0 was drafted invalid
  expect((await call('GET', '/v1/lac/policies/nope', producer)).status).toBe(404);
});

test('ops: SLO report for auditors and admins', async () => {
  const r = await call('GET', '/v1/ops/slo', admin);
  if (!r.mounted) return;
  expect(r.status).toBe(200);
  expect((await call('GET', '/v1/ops/slo', producer)).status).toBe(403);
  expect((await call('GET', '/v1/ops/slo?slo=nope', admin)).status).toBe(404);
});

test('ops: Alertmanager webhook, alerts, acknowledgement', async () => {
  const startsAt = '2026-12-02T10:00:00.000Z';
  const alert = { status: 'firing', labels: { alertname: 'IngestAvailabilityFastBurn', severity: 'page', slo: 'ingest-availability' }, annotations: { runbook_url: 'docs/runbooks/IngestAvailabilityFastBurn.md' }, startsAt, endsAt: '0001-01-01T00:00:00Z', fingerprint: 'c0ffee' };
  const hook = await call('POST', '/v1/ops/alertmanager', admin, { version: '4', receiver: 'trust-pages', status: 'firing', alerts: [alert] });
  if (!hook.mounted) return;
  expect(hook.status).toBe(200);
  expect((await call('POST', '/v1/ops/alertmanager', producer, { version: '4', receiver: 'trust-pages', status: 'firing', alerts: [alert] })).status).toBe(403);
  expect((await call('POST', '/v1/ops/alertmanager', admin, { receiver: 'x', status: 'firing', alerts: [] }, { expectInvalid: true })).status).toBe(400);
  const id = `c0ffee-${Date.parse(startsAt)}`;
  expect((await call('GET', '/v1/ops/alerts?state=open', admin)).status).toBe(200);
  expect((await call('GET', '/v1/ops/alerts?state=nope', admin, undefined, { expectInvalid: true })).status).toBe(400);
  expect((await call('GET', '/v1/ops/alerts', producer)).status).toBe(403);
  expect((await call('GET', `/v1/ops/alerts/${id}`, admin)).status).toBe(200);
  expect((await call('GET', '/v1/ops/alerts/abc-1', admin)).status).toBe(404);
  expect((await call('POST', `/v1/ops/alerts/${id}/ack`, admin, { by: 'conformance' })).status).toBe(200);
  expect((await call('POST', `/v1/ops/alerts/${id}/ack`, producer, {})).status).toBe(403);
  expect((await call('POST', `/v1/ops/alerts/${id}/ack`, admin, { by: '' }, { expectInvalid: true })).status).toBe(400);
  expect((await call('POST', '/v1/ops/alerts/abc-1/ack', admin, {})).status).toBe(404);
});

test('ZK: sets, jobs, verification keys (when the routes are mounted)', async () => {
  if (!S.operations.some((o) => o.path.startsWith('/v1/zk/'))) return;
  const vectors = JSON.parse(readFileSync(join(__dirname, '..', 'spec', 'vectors', 'selectors.json'), 'utf8'));
  const leaves = vectors.filter((v: Json) => v.pepperVersion === 1).map((v: Json) => v.leaf);
  const uniq = [...new Set(leaves)];
  const pepper = await call('GET', '/v1/zk/pepper', producer);
  if (!pepper.mounted) return;
  expect(pepper.body.version).toBe(1);
  const set = await call('POST', '/v1/zk/sets', producer, { setId: 'conf-set', pepperVersion: 1, leaves: uniq });
  expect(set.status).toBe(201);
  expect((await call('GET', '/v1/zk/sets/conf-set', producer)).status).toBe(200);
  expect((await call('GET', '/v1/zk/sets/nope', producer)).status).toBe(404);
  const sets = await call('GET', '/v1/zk/sets?limit=10', producer);
  expect(sets.body.items.map((x: Json) => x.setId)).toEqual(['conf-set']);
  expect((await call('GET', '/v1/zk/sets?cursor=nope', producer, undefined, { expectInvalid: true })).status).toBe(400);
  expect((await call('POST', '/v1/zk/sets', producer, { setId: 'conf-set2', pepperVersion: 7, leaves: uniq })).status).toBe(409);
  expect((await call('POST', '/v1/zk/pepper', producer, { version: 2 })).status).toBe(403);
  expect((await call('POST', '/v1/zk/sets', producer, { setId: 'conf-bad', pepperVersion: 1, leaves: ['not-a-number'] }, { expectInvalid: true })).status).toBe(400);
  const other = await svc.keyFor('globex', 'producer');
  const job = await call('POST', '/v1/zk/jobs', other, { counterparty: 'acme', setId: 'conf-set', query: uniq[0], pepperVersion: 1 });
  expect(job.status).toBe(202);
  const deadline = Date.now() + 90_000;
  let status = 'queued';
  while (!['done', 'failed'].includes(status) && Date.now() < deadline) {
    const j = await call('GET', `/v1/zk/jobs/${job.body.jobId}`, other);
    expect(j.status).toBe(200);
    status = j.body.status;
    if (!['done', 'failed'].includes(status)) await new Promise((r) => setTimeout(r, 250));
  }
  expect((await call('GET', '/v1/zk/jobs/nope', other)).status).toBe(404);
  const jobs = await call('GET', '/v1/zk/jobs', other);
  expect(jobs.body.items.map((x: Json) => [x.jobId, x.status, x.overlap])).toEqual([[job.body.jobId, 'done', true]]);
  expect((await call('GET', '/v1/zk/jobs', producer)).body.items).toEqual([]);
  const j = await call('GET', `/v1/zk/jobs/${job.body.jobId}`, other);
  expect(j.body.status).toBe('done');
  expect((await call('GET', `/v1/zk/verification-keys/${j.body.result.circuit}`, other)).status).toBe(200);
  expect((await call('GET', '/v1/zk/verification-keys/nope', other)).status).toBe(404);
  expect((await call('POST', '/v1/zk/pepper', admin, { version: 2 })).status).toBe(201);
  expect((await call('POST', '/v1/zk/jobs', other, { counterparty: 'acme', setId: 'conf-set', query: uniq[0], pepperVersion: 1 })).status).toBe(409);
});

test('every mounted operation of the spec was exercised', () => {
  const all = S.operations.map((o) => o.operationId);
  const notCovered = all.filter((id) => !covered.has(id) && !unmounted.has(id));
  console.log(`covered ${covered.size}/${all.length} operations: ${[...covered].join(', ')}`);
  if (unmounted.size) console.warn(`operations in the spec whose routes are not mounted: ${[...unmounted].join(', ')}`);
  expect(notCovered).toEqual([]);
});

test('every /v1 route the service mounts is an operation of the spec', () => {
  // The routers the service mounts under /v1 (events + every domain of the registry), read from express.
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const mounted: string[] = [];
  for (const mod of [eventRoutes, ...allRoutes()]) {
    const router = mod(svc.service.ctx) as unknown as { stack: Layer[] };
    for (const layer of router.stack) {
      if (!layer.route) continue;
      for (const method of Object.keys(layer.route.methods)) mounted.push(`${method.toUpperCase()} /v1${layer.route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  }
  expect(mounted.length).toBeGreaterThan(20);
  const undocumented = mounted.filter((m) => {
    const [method, path] = m.split(' ');
    return !S.find(method, path.replace(/\{[^}]+\}/g, 'x'));
  });
  expect(undocumented).toEqual([]);
});

test('the checker itself rejects what does not conform', () => {
  const publish = S.operations.find((o) => o.operationId === 'publishEvents')!;
  expect(S.checkResponse(publish, 202, 'application/json', { positions: ['x'], ids: [], duplicates: [] })).toHaveLength(1);
  expect(S.checkResponse(publish, 418, 'application/json', {})).toHaveLength(1);
  expect(S.checkResponse(publish, 400, 'application/json', { code: 'NOPE', message: 'm', details: {} })).toHaveLength(1);
  expect(S.checkResponse(publish, 400, 'text/html', '<p>')).toHaveLength(1);
  expect(S.checkRequest(publish, { type: 'X' })).toHaveLength(1);
  expect(S.checkResponse(publish, 202, 'application/json; charset=utf-8', { positions: [1], ids: ['a'], duplicates: [false] })).toEqual([]);
});
