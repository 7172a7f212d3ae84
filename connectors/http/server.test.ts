import { startTestService, type TestService } from './testing';

const note = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'AnnotationAdded',
  stream: 'notes-acme',
  payload: { subject: 'release-1.7', text, author: 'ci', tags: [] },
  ...extra,
});

describe('HTTP service (embedded log)', () => {
  let svc: TestService;
  let producer: string;
  let auditor: string;
  beforeAll(async () => {
    svc = await startTestService();
    producer = await svc.keyFor('acme', 'producer');
    auditor = await svc.keyFor('audit-co', 'auditor');
  });
  afterAll(() => svc.stop());

  test('/healthz and /metrics are open; /v1 needs a key', async () => {
    expect((await svc.request('GET', '/healthz')).body).toMatchObject({ status: 'ok', log: 'embedded' });
    const metrics = await svc.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    // Every background component as /healthz sees it: working.
    expect(metrics.body).toContain('trust_component_failing{component="projection:tenancy.api-keys"} 0');
    const none = await svc.request('GET', '/v1/events');
    expect(none).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    const bad = await svc.request('GET', '/v1/events', 'tf_000000000000_' + 'x'.repeat(43));
    expect(bad).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED', message: 'unknown API key' } });
  });

  test('pages: a browser without a key is sent to /ui/login; a valid key becomes an HttpOnly cookie that opens them', async () => {
    const page = (path: string, headers: Record<string, string> = {}) => fetch(svc.url + path, { redirect: 'manual', headers: { accept: 'text/html', ...headers } });
    const anonymous = await page('/ui/ops/slo');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/ui/login?next=%2Fui%2Fops%2Fslo');
    expect((await page('/ui/login?next=/ui/ops/slo')).status).toBe(200);
    const login = (key: string, next = '/ui/ops/slo') =>
      fetch(svc.url + '/ui/login', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key, next }).toString() });
    const refused = await login('tf_000000000000_' + 'x'.repeat(43));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('set-cookie')).toBeNull();
    const ok = await login(auditor, 'https://evil.example/');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/ui/'); // never an absolute URL: no open redirect (the console's home instead)
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tf_key=tf_[^;]+; Path=\/ui; HttpOnly; SameSite=Strict/);
    const opened = await page('/ui/ops/slo', { cookie: cookie.split(';')[0] });
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Error budget remaining');
    // The cookie opens pages only, never the API.
    expect((await fetch(svc.url + '/v1/events', { headers: { cookie: cookie.split(';')[0] } })).status).toBe(401);
  });

  test('one event is accepted with 202 and its position; replaying its id answers the original position', async () => {
    const first = await svc.request('POST', '/v1/events', producer, note('k1', { id: 'evt-k1' }));
    expect(first.status).toBe(202);
    expect(first.body.positions).toHaveLength(1);
    const again = await svc.request('POST', '/v1/events', producer, note('k1', { id: 'evt-k1' }));
    expect(again.status).toBe(202);
    expect(again.body.positions).toEqual(first.body.positions);
    expect(again.body.duplicates).toEqual([true]);
  });

  test('occurredAt is kept as the instant it names, in UTC; absent, it is the time of recording', async () => {
    const res = await svc.request('POST', '/v1/events', producer, { events: [note('tz', { stream: 'tz', occurredAt: '2026-11-28T14:00:00.5+02:00' }), note('now', { stream: 'tz' })] });
    expect(res.status).toBe(202);
    const read = await svc.request('GET', '/v1/events?stream=tz', producer);
    expect(read.body.events[0].occurredAt).toBe('2026-11-28T12:00:00.500Z');
    expect(read.body.events[1].occurredAt).toBe(read.body.events[1].recordedAt);
  });

  test('a batch is all or nothing, and the bad field is named', async () => {
    const before = await svc.service.log.head();
    const res = await svc.request('POST', '/v1/events', producer, { events: [note('ok'), note('bad', { payload: { subject: 'r', text: 7, author: 'ci' } })] });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('SCHEMA_VIOLATION');
    expect(res.body.details.problems).toEqual([{ field: 'events[1].payload.text', problem: 'must be a string, got 7' }]);
    expect(await svc.service.log.head()).toBe(before);
  });

  test('bad input gets 4xx naming the problem, never 500', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      ['{"type": ', 400, 'VALIDATION_FAILED', /body: is not valid JSON/],
      [{ ...note('x'), type: 'NoSuchEvent' }, 422, 'UNKNOWN_EVENT_TYPE', /^type: unknown event type 'NoSuchEvent'/],
      [{ ...note('x'), stream: undefined }, 400, 'VALIDATION_FAILED', /stream: is required/],
      [{ ...note('x'), expectedVersion: -1 }, 400, 'VALIDATION_FAILED', /expectedVersion: must be an integer from 0/],
      [{ ...note('x'), expectedVersion: null }, 400, 'VALIDATION_FAILED', /^expectedVersion: must be an integer, not null/],
      [{ events: [note('x'), { ...note('y'), stream: '' }] }, 400, 'VALIDATION_FAILED', /^events\[1\]\.stream: must not be empty/],
      [{ ...note('x'), occurredAt: 'yesterday' }, 400, 'VALIDATION_FAILED', /occurredAt: must be an ISO-8601/],
      [{ ...note('x'), colour: 'red' }, 400, 'VALIDATION_FAILED', /colour: is not a field here; allowed: id, type, stream/],
      [{ events: [] }, 400, 'VALIDATION_FAILED', /events: must hold at least 1 item/],
      [[1, 2], 400, 'VALIDATION_FAILED', /body: must be an object, not an array/],
      [{ type: 'TenantKeyIssued', stream: 's', payload: { tenant: 'acme', keyId: 'k', role: 'admin', keyHash: 'h' } }, 422, 'SCHEMA_VIOLATION', /^type: 'TenantKeyIssued' is recorded by the service itself/],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await svc.request('POST', '/v1/events', producer, body);
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
      expect(res.body.message).toMatch(message);
    }
  });

  test('an oversized body is refused with 413', async () => {
    const huge = { ...note('x'), payload: { subject: 's', text: 'y'.repeat(1_100_000), author: 'ci' } };
    const res = await svc.request('POST', '/v1/events', producer, huge);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('a version conflict is a 409 with both versions', async () => {
    await svc.request('POST', '/v1/events', producer, note('v1', { stream: 'occ-acme', expectedVersion: 0 }));
    const res = await svc.request('POST', '/v1/events', producer, note('v2', { stream: 'occ-acme', expectedVersion: 0 }));
    expect(res).toMatchObject({ status: 409, body: { code: 'VERSION_CONFLICT', details: { expectedVersion: 0, actualVersion: 1 } } });
  });

  test('tenancy: another tenant in the body is 403; auditors read every tenant but cannot write', async () => {
    const other = await svc.request('POST', '/v1/events', producer, { ...note('x'), tenant: 'globex' });
    expect(other).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const write = await svc.request('POST', '/v1/events', auditor, note('x'));
    expect(write).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const peek = await svc.request('GET', '/v1/events?tenant=audit-co', producer);
    expect(peek.status).toBe(403);
    const all = await svc.request('GET', '/v1/events?limit=1000', auditor);
    expect(all.status).toBe(200);
    expect(new Set(all.body.events.map((e: { tenant: string }) => e.tenant))).toEqual(new Set(['acme', 'audit-co']));
  });

  test('GET /v1/events pages through the history with next', async () => {
    await svc.request('POST', '/v1/events', producer, { events: [note('p1', { stream: 'page' }), note('p2', { stream: 'page' }), note('p3', { stream: 'page' })] });
    const p1 = await svc.request('GET', '/v1/events?stream=page&limit=2', producer);
    expect(p1.body.events.map((e: { payload: { text: string } }) => e.payload.text)).toEqual(['p1', 'p2']);
    const p2 = await svc.request('GET', `/v1/events?stream=page&limit=2&from=${p1.body.next}`, producer);
    expect(p2.body.events.map((e: { payload: { text: string } }) => e.payload.text)).toEqual(['p3']);
    expect((await svc.request('GET', '/v1/events?limit=5000', producer)).status).toBe(400);
    expect((await svc.request('GET', '/v1/events?from=0', producer)).body.message).toMatch(/^from: must be an integer from 1/);
  });

  test('list pages: limit and cursor are checked at the edge against the spec, the cursor also against this list', async () => {
    const bad: [string, RegExp][] = [
      ['/v1/zk/jobs?limit=0', /^limit: must be an integer from 1 to 200/],
      ['/v1/lac/policies?limit=201', /^limit: /], // in LAC's phrasebook
      ['/v1/zk/jobs?limit=ten', /^limit: must be an integer/],
      ['/v1/zk/sets?cursor=a&cursor=b', /^cursor: /],
      ['/v1/zk/jobs?cursor=not%20base64', /^cursor: /],
      ['/v1/lac/policies?cursor=bm90LWEtY3Vyc29y', /^cursor: is not a cursor this list returned/],
    ];
    for (const [path, message] of bad) {
      const res = await svc.request('GET', path, producer);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.message).toMatch(message);
    }
  });

  test('GET /v1/schemas lists every type with version, topic and Avro schema', async () => {
    const res = await svc.request('GET', '/v1/schemas', producer);
    const revokedSchema = res.body.schemas.find((s: { type: string }) => s.type === 'AnnotationAdded');
    expect(revokedSchema).toMatchObject({ version: 1, topic: 'trust.annotations.notes', publishable: true, schema: { type: 'record' } });
  });

  test('/metrics counts appended events by type and HTTP requests by route', async () => {
    const text = (await svc.request('GET', '/metrics')).body as string;
    expect(text).toMatch(/trust_events_appended_total\{type="AnnotationAdded"\} \d+/);
    expect(text).toMatch(/trust_http_requests_total\{method="POST",route="\/v1\/events",status="202"\} \d+/);
  });
});
