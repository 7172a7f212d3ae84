import { SqliteReadModels } from '../../store/sqlite-store';
import type { ReadModelTx } from '../../store/port';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { recorded } from '../../../streams/runtime/testing';
import { normaliseRequest } from '../../../streams/lac/model/request';
import { AUTHORING_DDL, applyAuthoringEvent } from '../authoring';
import { HISTORY_DDL, recordDecision, toRecorded } from '../history';
import { writeWeeklyReport } from './email';
import { buildWeeklyReport, isoWeekOf, isoWeekRange } from './weekly';

test('ISO weeks: week 1 starts on the Monday of the week holding 4 January; impossible weeks are refused', () => {
  expect(new Date(isoWeekRange('2026-W01').fromMs).toISOString()).toBe('2025-12-29T00:00:00.000Z');
  expect(new Date(isoWeekRange('2026-W48').fromMs).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  expect(isoWeekOf(Date.UTC(2026, 11, 31))).toBe('2026-W53');
  expect(() => isoWeekRange('2025-W53')).toThrow(/not an ISO week/);
  expect(() => isoWeekRange('2026-48')).toThrow(/not an ISO week/);
});

describe('weekly report', () => {
  const db = new SqliteReadModels(':memory:');
  const folds: ((tx: ReadModelTx) => Promise<void>)[] = [];
  const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 10, 23 + day, hour, minute)).toISOString();
  let pos = 0;
  const ev = (type: string, occurredAt: string, payload: object) => {
    const e = recorded(type, payload, { position: ++pos, occurredAt, tenant: 'acme' });
    folds.push((tx) => applyAuthoringEvent(tx, e));
  };
  // Policy a: from bundles, one failed draft, valid 30 minutes after the first draft, promoted at 90 minutes.
  ev('PolicyAuthoringStarted', at(0, 9), { sessionId: 's1', policyId: 'a', version: '1.0.0', author: 'ana', origin: 'bundle', newPolicy: true });
  ev('PolicyDrafted', at(0, 9), { sessionId: 's1', policyId: 'a', version: '1.0.0', author: 'ana', origin: 'bundle' });
  ev('PolicyValidationFailed', at(0, 9), { sessionId: 's1', policyId: 'a', version: '1.0.0', errorCodes: ['BAD_OPERAND', 'REQUIRED'], errorCount: 3 });
  ev('PolicyDrafted', at(0, 9, 30), { sessionId: 's1', policyId: 'a', version: '1.0.0', author: 'ana', origin: 'bundle' });
  ev('PolicyValidated', at(0, 9, 30), { sessionId: 's1', policyId: 'a', version: '1.0.0', valid: true });
  ev('PolicyPreviewed', at(0, 10), { sessionId: 's1', policyId: 'a', version: '1.0.0' });
  ev('PolicyPreviewed', at(0, 10, 15), { sessionId: 's1', policyId: 'a', version: '1.0.0' });
  ev('PolicyPromoted', at(0, 10, 30), { sessionId: 's1', policyId: 'a', version: '1.0.0', riskLevel: 'medium', by: 'ana' });
  // Policy b: from scratch, valid after 10 minutes, not promoted.
  ev('PolicyAuthoringStarted', at(2, 14), { sessionId: 's2', policyId: 'b', version: '0.1.0', author: 'bob', origin: 'scratch', newPolicy: true });
  ev('PolicyDrafted', at(2, 14), { sessionId: 's2', policyId: 'b', version: '0.1.0', author: 'bob', origin: 'scratch' });
  ev('PolicyValidated', at(2, 14, 10), { sessionId: 's2', policyId: 'b', version: '0.1.0', valid: true });
  // Next week: must not count.
  ev('PolicyAuthoringStarted', at(8, 9), { sessionId: 's3', policyId: 'c', version: '1.0.0', author: 'cy', origin: 'scratch', newPolicy: true });
  const n = normaliseRequest({ subject: { id: 'u', tenant: 'acme', clearance: 'P1' }, action: 'query', resource: { dataset: 'd', tenant: 'acme', classification: 'P2', region: 'eu' } });
  if (!n.ok) throw new Error('bad request');
  folds.push((tx) => recordDecision(tx, { tenant: 'acme', policyId: 'a', position: 100, atMs: Date.parse(at(1, 12)), allowed: true, request: toRecorded(n.request), count: 7 }));
  folds.push((tx) => recordDecision(tx, { tenant: 'acme', policyId: 'a', position: 101, atMs: Date.parse(at(1, 12)), allowed: false, request: toRecorded({ ...n.request, action: 'export' }), count: 2 }));
  folds.push((tx) => recordDecision(tx, { tenant: 'acme', policyId: 'a', position: 102, atMs: Date.parse(at(9, 12)), allowed: true, request: toRecorded(n.request), count: 50 }));

  beforeAll(async () => {
    await db.exec(AUTHORING_DDL + HISTORY_DDL);
    await db.transaction(async (tx) => {
      for (const fold of folds) await fold(tx);
    });
  });
  afterAll(() => db.close());

  test('authoring analytics, decisions and promotions of the week', async () => {
    const r = await buildWeeklyReport(db, 'acme', '2026-W48', Date.UTC(2026, 10, 30, 8));
    expect(r.authoring).toMatchObject({
      sessions: 2, drafts: 3, medianMinutesToValid: 20, medianMinutesToPromotion: 90, validationErrors: 3, errorsPerSession: 1.5,
      errorsByCode: { BAD_OPERAND: 1, REQUIRED: 1 }, previews: 2, promotions: 1, previewsPerPromotion: 2, newPolicies: 2, newPoliciesFromBundles: 1, bundleShare: 0.5, meetsBundleShareTarget: false,
    });
    expect(r.decisions).toEqual({ total: 9, allowed: 7, denied: 2, byPolicy: [{ policyId: 'a', total: 9, allowed: 7, denied: 2 }] });
    expect(r.promotions).toEqual([{ policyId: 'a', version: '1.0.0', riskLevel: 'medium', at: at(0, 10, 30) }]);
  });

  test('writes HTML, JSON and a multipart e-mail, and sends it to a local SMTP sink', async () => {
    const received: { from?: string; to: string[]; data: string }[] = [];
    const sink = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined, to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const port = (sink.server.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'lac-weekly-'));
    try {
      const r = await buildWeeklyReport(db, 'acme', '2026-W48', Date.UTC(2026, 10, 30, 8));
      const out = await writeWeeklyReport(r, dir, { smtpUrl: `smtp://127.0.0.1:${port}`, to: 'authors@example.test', from: 'lac@example.test' });
      expect(JSON.parse(readFileSync(out.json, 'utf8'))).toEqual(r);
      const html = readFileSync(out.html, 'utf8');
      expect(html).toContain('<td id="bundle-share">50% (1/2; target 60%)</td>');
      expect(html).toContain('<td id="to-promotion">90 min</td>');
      const eml = readFileSync(out.eml, 'utf8');
      expect(eml).toMatch(/^Subject: =\?UTF-8\?Q\?LAC_weekly_adoption_2026-W48_=E2=80=94_a/m);
      expect(eml).toMatch(/Content-Type: multipart\/mixed;/);
      expect(eml).toMatch(/Content-Type: multipart\/alternative;/);
      expect(eml).toContain('Content-Type: text/html; charset=utf-8');
      expect(eml).toContain('filename=lac-weekly-2026-W48.json');
      expect(out.sent?.accepted).toEqual(['authors@example.test']);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ from: 'lac@example.test', to: ['authors@example.test'] });
      expect(received[0].data).toContain('filename=lac-weekly-2026-W48.json');
      expect(received[0].data).toMatch(/multipart\/alternative/);
    } finally {
      await new Promise<void>((resolve) => sink.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
