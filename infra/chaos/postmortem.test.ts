import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertDrillResult } from './alert-drill';
import type { LogEvent } from './live-drill-kit';
import { renderDrillPostmortem, timelineRows } from './postmortem';

const ev = (type: string, occurredAt: string, payload: Record<string, unknown>): LogEvent => ({ id: `${type}-${occurredAt}`, type, stream: 's', occurredAt, payload });
const events: LogEvent[] = [
  ev('AlertResolved', '2026-12-02T10:01:00.000Z', { alertId: 'a-1', alert: 'IngestAvailabilityFastBurn', endsAt: '2026-12-02T10:00:58.000Z', receivedAt: '2026-12-02T10:01:00.000Z' }),
  ev('AnnotationAdded', '2026-12-02T10:00:00.000Z', { text: '5% of POST /v1/events answered 503', tags: ['fault-start'] }),
  ev('AlertFired', '2026-12-02T10:00:20.000Z', { alertId: 'a-1', alert: 'IngestAvailabilityFastBurn', severity: 'page', runbook: 'docs/runbooks/IngestAvailabilityFastBurn.md', receivedAt: '2026-12-02T10:00:20.000Z' }),
  ev('AlertAcknowledged', '2026-12-02T10:00:21.500Z', { alertId: 'a-1', alert: 'IngestAvailabilityFastBurn', by: 'ana', acknowledgedAt: '2026-12-02T10:00:21.500Z' }),
  ev('AnnotationAdded', '2026-12-02T10:00:30.000Z', { text: 'fault removed', tags: ['fault-end'] }),
];

test('the timeline is generated from the events, in time order, with detect and acknowledge times', () => {
  const rows = timelineRows(events);
  expect(rows.map((r) => r.at.slice(11, 19))).toEqual(['10:00:00', '10:00:20', '10:00:21', '10:00:30', '10:01:00']);
  expect(rows[1].what).toContain('time to detect 20 s');
  expect(rows[2].what).toContain('acknowledged by ana; time to acknowledge 1.5 s');
  expect(rows[4].what).toContain('resolved');
});

test('the template is filled: header, impact figures, the timeline section; the prose sections stay', () => {
  const template = readFileSync(join(__dirname, '..', '..', 'docs', 'templates', 'postmortem.md'), 'utf8');
  const r = {
    run: 'drill-x', errorRatio: 0.05, scale: 60, faultStartedAt: '2026-12-02T10:00:00.000Z', faultEndedAt: '2026-12-02T10:00:30.000Z',
    page: { severity: 'page' }, alerts: [{ alert: 'IngestAvailabilityFastBurn', runbook: 'docs/runbooks/IngestAvailabilityFastBurn.md' }],
    figures: { detect_s: 20, ack_s: 1.5, resolve_s: 30, lost: 0, duplicated: 0, false_pages: 0, sent: 100, failed_attempts: 5, designed_detect_s: 22.28 },
    agreement: [{ slo: 'ingest-availability', window: '5m', page: 8.8, prometheus: 8.8 }], events,
  } as unknown as AlertDrillResult;
  const md = renderDrillPostmortem(template, r);
  expect(md).toContain('# Postmortem (drill drill-x)');
  expect(md).toContain('| Date | 2026-12-02 |');
  expect(md).toContain('**Events lost: 0**, duplicated: 0');
  expect(md).toContain('| 10:00:20 | alert delivered: `IngestAvailabilityFastBurn` (page');
  expect(md).not.toContain('| hh:mm |');
  expect(md).toContain('## Root cause and trigger');
  expect(md).toContain('## Action items');
});
