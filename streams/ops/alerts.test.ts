import { ValidationError } from '../../schemas/errors';
import { alertIdOf, decideAck, decideDelivery, foldOccurrence, parseAck, parseWebhook, type WebhookAlert } from './alerts';

const alert = (over: Partial<WebhookAlert> = {}): WebhookAlert => ({
  status: 'firing',
  labels: { alertname: 'IngestAvailabilityFastBurn', severity: 'page', slo: 'ingest-availability' },
  annotations: { runbook_url: 'docs/runbooks/IngestAvailabilityFastBurn.md', summary: 's' },
  startsAt: '2026-12-02T10:00:00.000Z',
  endsAt: '',
  fingerprint: 'abc123',
  ...over,
});
const problems = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e.problems.map((p) => p.field);
    throw e;
  }
  return [];
};

describe('parseWebhook', () => {
  it("accepts Alertmanager's payload and normalises dates", () => {
    const d = parseWebhook({ version: '4', receiver: 'trust-pages', status: 'firing', alerts: [{ ...alert(), startsAt: '2026-12-02T10:00:00Z', endsAt: '0001-01-01T00:00:00Z' }] });
    expect(d.alerts[0].startsAt).toBe('2026-12-02T10:00:00.000Z');
    expect(d.receiver).toBe('trust-pages');
  });
  it('names every bad field', () => {
    expect(problems(() => parseWebhook('x'))).toEqual(['body']);
    expect(problems(() => parseWebhook({ version: '3', receiver: 1, status: 'maybe', alerts: [] }))).toEqual(['version', 'receiver', 'status', 'alerts']);
    expect(problems(() => parseWebhook({ receiver: 'r', status: 'resolved', alerts: [{ status: 'resolved', labels: { x: 1 }, startsAt: 'no', fingerprint: 'XYZ' }] }))).toEqual([
      'alerts[0].fingerprint',
      'alerts[0].startsAt',
      'alerts[0].endsAt',
      'alerts[0].labels',
      'alerts[0].labels.alertname',
    ]);
  });
});

describe('decideDelivery', () => {
  const empty = foldOccurrence([]);
  it('records a firing alert once', () => {
    const [e] = decideDelivery(empty, alert(), 'trust-pages', '2026-12-02T10:00:05.000Z');
    expect(e).toMatchObject({ id: `alert-fired:${alertIdOf('abc123', '2026-12-02T10:00:00.000Z')}`, type: 'AlertFired', payload: { runbook: 'docs/runbooks/IngestAvailabilityFastBurn.md', severity: 'page', receivedAt: '2026-12-02T10:00:05.000Z' } });
    const after = foldOccurrence([{ type: e.type, payload: e.payload }]);
    expect(decideDelivery(after, alert(), 'trust-pages', 'later')).toEqual([]);
  });
  it('a resolution records AlertResolved once, and AlertFired first when the firing delivery was missed', () => {
    const resolved = alert({ status: 'resolved', endsAt: '2026-12-02T10:09:00.000Z' });
    expect(decideDelivery(empty, resolved, 'r', 't').map((e) => e.type)).toEqual(['AlertFired', 'AlertResolved']);
    const state = foldOccurrence(decideDelivery(empty, resolved, 'r', 't'));
    expect(decideDelivery(state, resolved, 'r', 't')).toEqual([]);
  });
  it('another start of the same alert is another occurrence', () => {
    expect(alertIdOf('abc123', '2026-12-02T10:00:00.000Z')).not.toBe(alertIdOf('abc123', '2026-12-02T11:00:00.000Z'));
  });
});

describe('acknowledge', () => {
  it('unknown, then once, then already', () => {
    expect(decideAck(foldOccurrence([]), 'abc-1', 'ana', '', 't').kind).toBe('unknown');
    const fired = foldOccurrence(decideDelivery(foldOccurrence([]), alert(), 'r', 't0'));
    const d = decideAck(fired, 'abc123-1', 'ana', 'on it', 't1');
    expect(d).toEqual({ kind: 'ack', id: 'alert-ack:abc123-1', payload: { alertId: 'abc123-1', alert: 'IngestAvailabilityFastBurn', by: 'ana', note: 'on it', acknowledgedAt: 't1' } });
    const acked = foldOccurrence([{ type: 'AlertFired', payload: { alert: 'IngestAvailabilityFastBurn' } }, { type: 'AlertAcknowledged', payload: d.kind === 'ack' ? d.payload : null }]);
    expect(decideAck(acked, 'abc123-1', 'bob', '', 't2')).toMatchObject({ kind: 'already', ack: { by: 'ana' } });
  });
  it('parseAck names bad fields', () => {
    expect(parseAck(undefined)).toEqual({});
    expect(parseAck({ by: ' ana ' })).toEqual({ by: 'ana', note: undefined });
    expect(problems(() => parseAck({ by: '', note: 5, extra: 1 })).sort()).toEqual(['by', 'extra', 'note']);
    expect(problems(() => parseAck([1]))).toEqual(['body']);
  });
});
