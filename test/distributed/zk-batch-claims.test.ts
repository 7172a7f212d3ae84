/**
 * The ZK provers' batch claims on a real PostgreSQL (connectors/distributed/pg-batch-claims.ts):
 * one winner among instances racing for a batch, a holder's claim renewed and kept, an expired
 * claim taken over as the next attempt, a finished batch never claimed again, a released one free
 * at once; and the prover service with two claimants on one PostgreSQL store proves each batch once.
 * Needs only DATABASE_URL (infra/with-kafka.sh starts PostgreSQL; `make test-kafka` runs it).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { NewEvent } from '../../schemas/envelope';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { PgBatchClaims } from '../../connectors/distributed/pg-batch-claims';
import { ZkProverService } from '../../streams/zk/exchange';
import { BATCHES_STREAM } from '../../streams/zk/planner';
import { TenantSealer } from '../../streams/zk/sealing';
import { hasher } from '../../streams/zk/selector';
import { LowLeafTree } from '../../streams/zk/tree';

const databaseUrl = process.env.DATABASE_URL ?? '';
const describePg = databaseUrl ? describe : describe.skip;

describePg('ZK batch claims in PostgreSQL', () => {
  let store: PgEventLog; // migrates the schema (zk_batch_claims is migration 4)
  let admin: pg.Pool;
  const open: PgBatchClaims[] = [];
  const claimsOf = (claimant: string, leaseMs = 60_000) => {
    const c = new PgBatchClaims({ connectionString: databaseUrl, claimant, leaseMs });
    open.push(c);
    return c;
  };
  /** Moves a batch's lease expiry into the past, as if its holder had stopped renewing long ago. */
  const expire = (batchId: string) => admin.query(`UPDATE zk_batch_claims SET expires_at = now() - interval '1 second' WHERE batch_id = $1`, [batchId]);
  const row = async (batchId: string) => (await admin.query('SELECT claimant, attempt, finished_at IS NOT NULL AS finished FROM zk_batch_claims WHERE batch_id = $1', [batchId])).rows[0];

  beforeAll(async () => {
    store = await PgEventLog.open({ connectionString: databaseUrl });
    admin = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await admin?.end();
    await store?.close();
  });

  test('instances racing for a batch: exactly one wins; the others learn who holds it and for how long', async () => {
    const batch = `race-${randomUUID()}`;
    const instances = Array.from({ length: 6 }, (_, i) => claimsOf(`i${i}`, 30_000));
    const answers = await Promise.all(instances.map((c) => c.claim(batch)));
    const winners = answers.filter((a) => a.held);
    expect(winners).toEqual([{ held: true, attempt: 1 }]);
    const winner = instances[answers.findIndex((a) => a.held)].claimant;
    for (const a of answers.filter((x) => !x.held)) {
      expect(a).toMatchObject({ held: false, finished: false, holder: winner });
      expect((a as { expiresInMs: number }).expiresInMs).toBeGreaterThan(20_000);
      expect((a as { expiresInMs: number }).expiresInMs).toBeLessThanOrEqual(30_000);
    }
    expect(await row(batch)).toEqual({ claimant: winner, attempt: 1, finished: false });
  });

  test('the holder claims again and renews (same attempt); another takes over only once the lease ran out, as the next attempt', async () => {
    const batch = `lease-${randomUUID()}`;
    const a = claimsOf('a');
    const b = claimsOf('b');
    expect(await a.claim(batch)).toEqual({ held: true, attempt: 1 });
    expect(await a.claim(batch)).toEqual({ held: true, attempt: 1 });
    expect(await b.claim(batch)).toMatchObject({ held: false, finished: false, holder: 'a' });
    expect(await a.renew([batch, 'no-such-batch'])).toEqual([batch]);
    expect(await b.renew([batch])).toEqual([]); // not b's

    await expire(batch); // a crashed: nobody renews
    expect(await b.claim(batch)).toEqual({ held: true, attempt: 2 });
    expect(await a.claim(batch)).toMatchObject({ held: false, holder: 'b' });
    expect(await a.renew([batch])).toEqual([]); // a, back from a stall, learns it lost the batch
    expect(await row(batch)).toEqual({ claimant: 'b', attempt: 2, finished: false });
  });

  test('a finished batch is never claimed again, even after its lease; a released one is free at once', async () => {
    const done = `done-${randomUUID()}`;
    const a = claimsOf('a');
    const b = claimsOf('b');
    expect((await a.claim(done)).held).toBe(true);
    await a.finish(done);
    await expire(done);
    expect(await b.claim(done)).toEqual({ held: false, finished: true, holder: 'a' });
    expect(await a.renew([done])).toEqual([]);

    const released = `released-${randomUUID()}`;
    expect((await a.claim(released)).held).toBe(true);
    await a.release(released);
    expect(await b.claim(released)).toEqual({ held: true, attempt: 2 });

    // finishing a batch nobody claimed (its outcome seen first) marks it too
    const unseen = `unseen-${randomUUID()}`;
    await b.finish(unseen);
    expect(await a.claim(unseen)).toMatchObject({ held: false, finished: true });
  });

  test('finished claims are pruned after their keep time', async () => {
    const batch = `prune-${randomUUID()}`;
    const c = new PgBatchClaims({ connectionString: databaseUrl, claimant: 'p', keepFinishedMs: 1 });
    open.push(c);
    await c.claim(batch);
    await c.finish(batch);
    await admin.query(`UPDATE zk_batch_claims SET finished_at = now() - interval '1 second' WHERE batch_id = $1`, [batch]);
    expect(await c.prune()).toBeGreaterThanOrEqual(1);
    expect(await row(batch)).toBeUndefined();
  });

  test('two prover services on one PostgreSQL store, each with its own claims: every batch proved once, by one of them', async () => {
    const sealer = new TenantSealer(Buffer.alloc(32, 9));
    const leaves = [11n, 22n, 33n, 44n];
    const tree = LowLeafTree.build(leaves, await hasher());
    const root = tree.root.toString();
    const run = randomUUID().slice(0, 8);
    const setStream = `zk-set:owner:claims-${run}`;
    const planned = (batchId: string, q: string): NewEvent => ({
      id: `plan-${batchId}`,
      type: 'BatchPlanned',
      stream: BATCHES_STREAM,
      tenant: 'asker',
      payload: {
        batchId, tenant: 'asker', circuit: 'check', root, setStream, cachedFrom: null,
        checks: [{ queryTag: sealer.tag('asker', root, q), querySealed: sealer.seal('asker', root, q) }],
        jobs: [{ jobId: `job-${batchId}`, check: 0 }], reasons: ['test'], workerHint: 0, maxWaitMs: 0,
      },
    });
    await store.append([{ type: 'ZkSetCommitted', stream: setStream, tenant: 'owner', payload: { setId: `claims-${run}`, pepperVersion: 1, root, size: 4, depth: 16, leaves: leaves.map(String) } }]);
    const provers = ['one', 'two'].map((name) => new ZkProverService(store, sealer, { workers: 1, retries: 0, claims: claimsOf(`${name}-${run}`, 10_000), preferIdleMs: 100 }));
    await Promise.all(provers.map((p) => p.start()));
    await Promise.all(provers.map((p) => p.warm));
    const ids = Array.from({ length: 6 }, (_, i) => `${run}-b${i}`);
    for (const [i, id] of ids.entries()) await store.append([planned(id, String(20 + i))]);
    await Promise.all(ids.flatMap((id) => provers.map((p) => p.whenDone(id))));
    await Promise.all(provers.map((p) => p.close()));

    const events = (await store.read({ from: 1, limit: 100_000, types: ['ProvingStarted', 'ProofCompleted', 'ProofFailed'] })).filter((e) => ids.includes((e.payload as { batchId: string }).batchId));
    const count = (type: string) => ids.map((id) => events.filter((e) => e.type === type && (e.payload as { batchId: string }).batchId === id).length);
    expect(count('ProvingStarted')).toEqual(ids.map(() => 1));
    expect(count('ProofCompleted')).toEqual(ids.map(() => 1));
    expect(count('ProofFailed')).toEqual(ids.map(() => 0));
    // each batch proved by exactly one of them, and both proved (the busy one lets the idle one take the next)
    const [one, two] = provers.map((p) => ids.filter((id) => p.proved.has(id)));
    expect([...one, ...two].sort()).toEqual([...ids].sort());
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
    for (const id of ids) expect(await row(id)).toMatchObject({ attempt: 1, finished: true });
  }, 120_000);
});
