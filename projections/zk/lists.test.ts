/**
 * The tenant's proof jobs and sets as lists, given ZK-TX events, on SQLite and (with DATABASE_URL)
 * PostgreSQL: newest job first with status, latency and answer, pages with a cursor, a cached
 * batch's answer, a failure's reason, and another tenant's jobs never listed.
 */
import { zkReadModel } from '.';
import { listJobs, listSets } from './lists';
import { pageRequest } from '../paging';
import { folded, recorded, testStores } from '../testing/stores';
import type { ReadModelStore } from '../store/port';

const t = (s: number) => new Date(Date.UTC(2026, 10, 2, 12, 0, s)).toISOString();
const requested = (tenant: string, jobId: string, s: number) =>
  recorded('ProofRequested', tenant, t(s), { jobId, counterparty: 'demo', setId: 'customers', setStream: 'zk-set:demo:customers', root: '7', pepperVersion: 1, querySealed: `q-${jobId}`, queryTag: 'tag', budgetMs: 5000 });
const planned = (batchId: string, jobs: string[], s: number, cachedFrom: string | null = null) =>
  recorded('BatchPlanned', 'partner', t(s), { batchId, tenant: 'partner', circuit: 'batch4', root: '7', cachedFrom, checks: jobs.map((j) => ({ querySealed: `q-${j}` })), jobs: jobs.map((jobId, check) => ({ jobId, check })), reasons: ['batched'] });

const history = [
  recorded('ZkSetCommitted', 'demo', t(0), { setId: 'customers', pepperVersion: 1, root: '7', size: 3, depth: 16, leaves: ['1', '2', '3'] }, 'zk-set:demo:customers'),
  recorded('ZkSetCommitted', 'demo', t(1), { setId: 'archive', pepperVersion: 1, root: '8', size: 1, depth: 16, leaves: ['4'] }, 'zk-set:demo:archive'),
  requested('partner', 'j1', 10),
  requested('partner', 'j2', 10),
  requested('partner', 'j3', 11),
  requested('other', 'x1', 12),
  planned('b1', ['j1', 'j2'], 12),
  recorded('ProvingStarted', 'partner', t(13), { batchId: 'b1', worker: 0 }),
  recorded('ProofCompleted', 'partner', t(14), { batchId: 'b1', proof: '{}', overlaps: [true, false], vkHash: 'vk', proveMs: 900, verifyMs: 5, attempts: 1, worker: 0 }),
  planned('b2', ['j3'], 15, 'b1'), // answered from b1's cached proof
  requested('partner', 'j4', 16),
  planned('b3', ['j4'], 16),
  recorded('ProofFailed', 'partner', t(18), { batchId: 'b3', reason: 'prover crashed', attempts: 3 }),
  requested('partner', 'j5', 20),
];

describe.each(testStores('zk_lists'))('ZK-TX lists on %s', (_name, open) => {
  let db: ReadModelStore;
  beforeAll(async () => {
    db = await folded(open, zkReadModel, history);
  });
  afterAll(() => db.close());

  test('given jobs proved, cached, failed and queued: newest first with status, latency, answer and reason', async () => {
    const page = await listJobs(db, 'partner', pageRequest({}, 2));
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((j) => [j.jobId, j.status, j.latencyMs, j.overlap, j.error])).toEqual([
      ['j5', 'queued', null, null, null],
      ['j4', 'failed', 2000, null, 'prover crashed'],
      ['j3', 'done', 3000, true, null], // the cached batch's answer for its check 0; latency to b1's completion
      ['j2', 'done', 4000, false, null],
      ['j1', 'done', 4000, true, null],
    ]);
    expect(page.items[3]).toMatchObject({ counterparty: 'demo', setId: 'customers', circuit: 'batch4', proveMs: 900, requestedAt: t(10), completedAt: t(14) });
  });

  test('pages of two follow the cursor without skipping jobs requested in the same instant; other tenants never listed', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listJobs(db, 'partner', pageRequest({ limit: '2', cursor }, 2));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((j) => j.jobId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['j5', 'j4', 'j3', 'j2', 'j1']);
    expect((await listJobs(db, 'other', pageRequest({}, 2))).items.map((j) => j.jobId)).toEqual(['x1']);
    expect((await listJobs(db, 'demo', pageRequest({}, 2))).items).toEqual([]);
  });

  test("sets: the owner's, in id order, stale once the pepper moved on", async () => {
    const sets = await listSets(db, 'demo', 1, pageRequest({ limit: '1' }, 1));
    expect(sets.items.map((s) => [s.setId, s.size, s.stale])).toEqual([['archive', 1, false]]);
    const rest = await listSets(db, 'demo', 2, pageRequest({ cursor: sets.nextCursor! }, 1));
    expect(rest.items.map((s) => [s.setId, s.root, s.stale, s.commits])).toEqual([['customers', '7', true, 1]]);
    expect(rest.nextCursor).toBeNull();
    expect((await listSets(db, 'partner', 1, pageRequest({}, 1))).items).toEqual([]);
  });
});
