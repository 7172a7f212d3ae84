/**
 * The alert path's HTTP edge on a real service: Alertmanager's webhook deliveries (firing, a
 * repeat, resolved) become AlertFired / AlertResolved once each; the on-call acknowledges through
 * the API or the SLO page's button; times come from the ops.alerts projection; bad input is a 400
 * naming the field; roles are enforced. Fault injection answers 503 to the exact fraction asked.
 */
import { replay } from '../../audit/replay';
import { alertsProjection } from '../../../projections/ops/alerts';
import { startTestService, type TestService } from '../testing';

let svc: TestService;
let admin: string;
let auditor: string;
let alertmanager: string;
let producer: string;

beforeAll(async () => {
  svc = await startTestService({ env: { TRUST_FAULT_INJECTION: '1' } });
  admin = await svc.keyFor('ops', 'admin');
  auditor = await svc.keyFor('audit', 'auditor');
  alertmanager = await svc.keyFor('system', 'producer');
  producer = await svc.keyFor('acme', 'producer');
});
afterAll(() => svc.stop());

const STARTS = '2026-12-02T10:00:00.000Z';
const delivery = (status: 'firing' | 'resolved', over: Record<string, unknown> = {}) => ({
  version: '4',
  receiver: 'trust-pages',
  status,
  alerts: [
    {
      status,
      labels: { alertname: 'IngestAvailabilityFastBurn', severity: 'page', slo: 'ingest-availability', service: 'ingest' },
      annotations: { summary: 'ingest-availability: error budget burning fast', runbook_url: 'docs/runbooks/IngestAvailabilityFastBurn.md' },
      startsAt: STARTS,
      endsAt: status === 'resolved' ? '2026-12-02T10:05:00.000Z' : '0001-01-01T00:00:00Z',
      fingerprint: 'a1b2c3d4e5f60718',
      ...over,
    },
  ],
});
const ALERT_ID = `a1b2c3d4e5f60718-${Date.parse(STARTS)}`;

test('a firing delivery is recorded once, repeats add nothing, the on-call acknowledges, resolution closes it', async () => {
  const first = await svc.request('POST', '/v1/ops/alertmanager', alertmanager, delivery('firing'));
  expect(first.status).toBe(200);
  expect(first.body).toEqual({ recorded: 1, repeated: 0, alerts: [ALERT_ID] });
  const again = await svc.request('POST', '/v1/ops/alertmanager', alertmanager, delivery('firing'));
  expect(again.body).toEqual({ recorded: 0, repeated: 1, alerts: [ALERT_ID] });

  const open = await svc.request('GET', '/v1/ops/alerts?state=firing', auditor);
  expect(open.status).toBe(200);
  expect(open.body.alerts).toHaveLength(1);
  expect(open.body.alerts[0]).toMatchObject({ id: ALERT_ID, alert: 'IngestAvailabilityFastBurn', severity: 'page', slo: 'ingest-availability', state: 'firing', runbook: 'docs/runbooks/IngestAvailabilityFastBurn.md' });

  // The SLO page lists it with its runbook and the acknowledge button (admins only).
  const page = await svc.request('GET', '/ui/ops/slo', admin);
  expect(page.body).toContain(`data-alert-id="${ALERT_ID}"`);
  expect(page.body).toContain('docs/runbooks/IngestAvailabilityFastBurn.md');
  expect(page.body).toContain(`action="/ui/ops/alerts/${ALERT_ID}/ack"`);
  expect((await svc.request('GET', '/ui/ops/slo', auditor)).body).not.toContain('<button type="submit" class="ack"');

  expect((await svc.request('POST', `/v1/ops/alerts/${ALERT_ID}/ack`, auditor, {})).status).toBe(403);
  const ack = await svc.request('POST', `/v1/ops/alerts/${ALERT_ID}/ack`, admin, { by: 'alice' });
  expect(ack.status).toBe(200);
  expect(ack.body).toMatchObject({ acknowledged: true, already: false, alert: { state: 'acknowledged', acknowledgedBy: 'alice' } });
  expect(ack.body.alert.ackSeconds).toBeGreaterThanOrEqual(0);
  const twice = await svc.request('POST', `/v1/ops/alerts/${ALERT_ID}/ack`, admin, { by: 'bob' });
  expect(twice.body).toMatchObject({ already: true, alert: { acknowledgedBy: 'alice' } });

  const resolved = await svc.request('POST', '/v1/ops/alertmanager', alertmanager, delivery('resolved'));
  expect(resolved.body).toEqual({ recorded: 1, repeated: 0, alerts: [ALERT_ID] });
  expect((await svc.request('POST', '/v1/ops/alertmanager', alertmanager, delivery('resolved'))).body.recorded).toBe(0);
  const one = await svc.request('GET', `/v1/ops/alerts/${ALERT_ID}`, auditor);
  expect(one.body).toMatchObject({ state: 'resolved', acknowledgedBy: 'alice' });
  expect(one.body.resolveSeconds).toBeGreaterThanOrEqual(0);

  // Exactly one event of each kind on the occurrence's stream.
  const events = await svc.request('GET', `/v1/events?stream=ops-alert-${ALERT_ID}`, auditor);
  expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['AlertFired', 'AlertAcknowledged', 'AlertResolved']);
  const timings = (await svc.request('GET', '/v1/ops/alerts', auditor)).body.timings;
  expect(timings).toMatchObject({ pages: 1, acknowledged: 1 });
});

test('time to detect counts from the fault marker recorded before the alert', async () => {
  await svc.request('POST', '/v1/events', admin, { type: 'AnnotationAdded', stream: 'ops-drill-t', payload: { subject: 'drill', text: 'fault', author: 'drill', tags: ['fault-start'] } });
  const d = delivery('firing', { fingerprint: 'ffee01', startsAt: '2026-12-02T11:00:00.000Z' });
  expect((await svc.request('POST', '/v1/ops/alertmanager', admin, d)).status).toBe(200);
  const a = (await svc.request('GET', `/v1/ops/alerts/ffee01-${Date.parse('2026-12-02T11:00:00.000Z')}`, auditor)).body;
  expect(a.faultStartedAt).not.toBeNull();
  expect(a.detectSeconds).toBeGreaterThanOrEqual(0);
});

test('the SLO page button acknowledges for a signed-in admin and returns to the page', async () => {
  const d = delivery('firing', { fingerprint: 'b0b0', startsAt: '2026-12-02T12:00:00.000Z' });
  await svc.request('POST', '/v1/ops/alertmanager', alertmanager, d);
  const id = `b0b0-${Date.parse('2026-12-02T12:00:00.000Z')}`;
  const res = await fetch(`${svc.url}/ui/ops/alerts/${id}/ack`, { method: 'POST', redirect: 'manual', headers: { cookie: `tf_key=${admin}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'by=pager' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/ui/ops/slo#alerts');
  expect((await svc.request('GET', `/v1/ops/alerts/${id}`, auditor)).body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'pager' });
});

test('bad input is a 400 naming the field; unknown alerts 404; roles enforced', async () => {
  const bad = await svc.request('POST', '/v1/ops/alertmanager', alertmanager, delivery('firing', { fingerprint: 'not hex!', startsAt: 'yesterday' }));
  expect(bad.status).toBe(400);
  expect(bad.body.details.problems.map((p: { field: string }) => p.field).sort()).toEqual(['alerts[0].fingerprint', 'alerts[0].startsAt']);
  expect((await svc.request('POST', '/v1/ops/alertmanager', alertmanager, { receiver: 'x', status: 'firing', alerts: [] })).body.details.problems[0].field).toBe('alerts');
  expect((await svc.request('POST', '/v1/ops/alertmanager', producer, delivery('firing'))).status).toBe(403);
  expect((await svc.request('GET', '/v1/ops/alerts', producer)).status).toBe(403);
  expect((await svc.request('GET', '/v1/ops/alerts?state=sleeping', auditor)).body.details.problems[0].field).toBe('state');
  expect((await svc.request('POST', '/v1/ops/alerts/abc-1/ack', admin, {})).status).toBe(404);
  const badId = await svc.request('POST', '/v1/ops/alerts/nope/ack', admin, {});
  expect(badId.status).toBe(400);
  expect(badId.body.details.problems[0].field).toBe('id');
  const badBody = await svc.request('POST', `/v1/ops/alerts/${ALERT_ID}/ack`, admin, { by: '', when: 'now' });
  expect(badBody.status).toBe(400);
  expect(badBody.body.details.problems.map((p: { field: string }) => p.field).sort()).toEqual(['by', 'when']);
});

test('fault injection: an exact fraction of matching requests gets 503 and nothing is appended for them', async () => {
  expect((await svc.request('PUT', '/chaos/faults', producer, { errorRatio: 0.25 })).status).toBe(403);
  expect((await svc.request('PUT', '/chaos/faults', admin, { errorRatio: 2 })).body.details.problems[0].field).toBe('errorRatio');
  expect((await svc.request('PUT', '/chaos/faults', admin, { errorRatio: 0.25, routes: ['/v1/events'] })).status).toBe(200);
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    statuses.push((await svc.request('POST', '/v1/events', producer, { id: `fi-${i}`, type: 'AnnotationAdded', stream: 'fi', payload: { subject: 's', text: `${i}`, author: 'a', tags: [] } })).status);
  }
  await svc.request('DELETE', '/chaos/faults', admin);
  expect(statuses.filter((s) => s === 503)).toHaveLength(10);
  expect(statuses.filter((s) => s === 202)).toHaveLength(30);
  const stored = await svc.request('GET', '/v1/events?stream=fi&limit=100', auditor);
  expect(stored.body.events).toHaveLength(30);
  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  expect(metrics).toMatch(/trust_http_requests_total\{method="POST",route="\/v1\/events",status="503"\} 10/);
});

test("the alerts read model is a function of the log: the auditor's rebuild gives the same digest", async () => {
  await svc.service.ctx.settled(svc.service.log.headSync());
  const report = await replay(svc.service.log, svc.service.readModels, [alertsProjection]);
  expect(report.projections).toHaveLength(1);
  expect(report.projections[0]).toMatchObject({ match: true });
  expect(report.ok).toBe(true);
});

test('without TRUST_FAULT_INJECTION there is no /chaos route', async () => {
  const plain = await startTestService();
  try {
    const key = await plain.keyFor('ops', 'admin');
    expect((await plain.request('PUT', '/chaos/faults', key, { errorRatio: 1 })).status).toBe(404);
  } finally {
    await plain.stop();
  }
});
