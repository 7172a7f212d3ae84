import { normaliseRequest } from '../../streams/lac/model/request';
import type { AccessRequest } from '../../streams/lac/model/types';
import { DAY_MS, HISTORY_DDL, decodeRow, encodeRequest, lastDecisionPosition, loadHistorySince, recordDecision as record, toRecorded } from './history';
import { SqliteReadModels } from '../store/sqlite-store';

const req = (over: Record<string, unknown> = {}): AccessRequest => {
  const n = normaliseRequest({
    subject: { id: 'u1', tenant: 'acme', groups: ['a', 'b'], clearance: 'P1' },
    action: 'export',
    resource: { dataset: 'd', tenant: 'acme', classification: 'P2', region: 'eu', license: 'cc', fields: [{ name: 'x', tags: ['pii', 't'] }, { name: 'y', tags: [] }] },
    context: { purpose: 'p', rows: 5, ...over },
  });
  if (!n.ok) throw new Error(JSON.stringify(n.problems));
  return n.request;
};

test('a recorded request decodes to the same normalised request (arrays, nulls and empties included)', () => {
  for (const r of [req(), req({ hops: 0, reason: 'why not', destinationRegion: 'us' })]) {
    const { row } = encodeRequest(toRecorded(r));
    expect(decodeRow(row)).toEqual(r);
  }
  const bare = req();
  bare.subject.groups = [];
  bare.resource.fields = [];
  delete bare.resource.license;
  bare.context = {};
  expect(decodeRow(encodeRequest(toRecorded(bare)).row)).toEqual(bare);
});

test('identical requests share a row; day buckets sum per request within the window; heads track the newest position', async () => {
  const db = new SqliteReadModels(':memory:');
  await db.exec(HISTORY_DDL);
  const recordDecision = (d: Parameters<typeof record>[1]) => db.transaction((tx) => record(tx, d));
  const day = 20_000 * DAY_MS;
  await recordDecision({ tenant: 't', policyId: 'p', position: 1, atMs: day - 40 * DAY_MS, allowed: true, request: toRecorded(req()) });
  await recordDecision({ tenant: 't', policyId: 'p', position: 2, atMs: day, allowed: true, request: toRecorded(req()) });
  await recordDecision({ tenant: 't', policyId: 'p', position: 3, atMs: day + 1000, allowed: false, request: toRecorded(req()) });
  await recordDecision({ tenant: 't', policyId: 'p', position: 4, atMs: day + DAY_MS, allowed: false, request: toRecorded(req({ rows: 6 })) });
  await recordDecision({ tenant: 't', policyId: 'other', position: 5, atMs: day, allowed: true, request: toRecorded(req()) });
  expect(await db.get('SELECT count(*) AS n FROM lac_requests')).toEqual({ n: 2 });
  const groups = await loadHistorySince(db, 't', 'p', day - 30 * DAY_MS);
  expect(groups.map((g) => [g.request.context.rows, g.count, g.allowed])).toEqual([[5, 2, 1], [6, 1, 0]]);
  expect(await lastDecisionPosition(db, 't', 'p')).toBe(4);
  expect(await lastDecisionPosition(db, 't', 'none')).toBe(0);
  await db.close();
});
