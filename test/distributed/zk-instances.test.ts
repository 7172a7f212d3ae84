/**
 * ZK provers scaled out: two `trust serve` instances on one PostgreSQL + Kafka, each running its own
 * prover processes, share the planned batches through their claims in PostgreSQL (zk_batch_claims).
 * Proof jobs go in through both instances; every batch is proved once (one ProvingStarted, one
 * outcome, one claim of attempt 1), by one instance or the other, and both prove. Then the instance
 * proving a batch is killed with SIGKILL mid-proof: after its claims' lease the other instance takes
 * its batches over (attempt 2) and finishes every job, still with one ProvingStarted and one outcome
 * per batch.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { issueKey } from '../../connectors/auth/api-keys';
import { startServe, type ServiceProcess } from '../../infra/load/service-process';
import type { RecordedEvent } from '../../schemas/envelope';
import type { BatchPlanned } from '../../schemas/generated/payloads';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { leafOf, leavesOf } from '../../streams/zk/selector';
import { databaseUrl, describeDistributed, eventually, instanceEnv, uniqueName } from './env';

type Reply = { status: number; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const PEPPER = '5eed0f0ad15c0ffee0ddba11cafe0123456789abcdef0123456789abcdef0123';
const LEASE_MS = 5000;

describeDistributed('ZK provers on two instances, batches claimed in PostgreSQL', () => {
  const prefix = uniqueName('trust.zkx');
  const run = prefix.replace(/\W/g, '');
  // Two prover processes each; one batch at a time per process; batch4 off so each job is its own batch.
  const shared = { TRUST_ZK_SECRET: randomBytes(32).toString('hex'), TRUST_ZK_WORKERS: '2', TRUST_ZK_BATCH_MIN: '5', TRUST_ZK_CLAIM_LEASE_MS: String(LEASE_MS), TRUST_SLO_SAMPLE_SECONDS: '3600' };
  const envs = [0, 1].map(() => instanceEnv(prefix, shared));
  const instances: ServiceProcess[] = [];
  const owner = issueKey(`${run}-owner`, 'producer');
  const asker = issueKey(`${run}-asker`, 'producer');
  let store: PgEventLog;
  let db: pg.Pool;
  const setId = `set-${run}`.slice(0, 60);

  const call = async (i: number, method: string, path: string, key: string, body?: unknown): Promise<Reply> => {
    try {
      const res = await fetch(`${instances[i].url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json().catch(() => null) };
    } catch (err) {
      return { status: 0, body: String(err) }; // a reset keep-alive connection: the caller asks again
    }
  };
  /** Submits a job with a query no other job asks (so no dedup, no cache), through instance i. */
  const submit = async (i: number, n: number): Promise<string> => {
    const query = await leafOf(n % 3 === 0 ? `member-${n % 20}@owner.example` : `stranger-${run}-${n}@asker.example`, PEPPER);
    const body = { counterparty: owner.event.tenant, setId, query, pepperVersion: 1 };
    const r = await eventually(() => call(i, 'POST', '/v1/zk/jobs', asker.key, body), (x) => x.status === 202, 30_000);
    expect(r.status).toBe(202);
    return r.body.jobId as string;
  };
  const events = (types: string[]) => store.read({ from: 1, limit: 1_000_000, types });
  /** The batches planned for these jobs (each job its own batch here). */
  const batchesOf = async (jobs: string[]): Promise<string[]> =>
    (await events(['BatchPlanned']))
      .map((e) => e.payload as BatchPlanned)
      .filter((p) => p.jobs.some((j) => jobs.includes(j.jobId)))
      .map((p) => p.batchId);
  const perBatch = (es: RecordedEvent[], type: string, batches: string[]) => batches.map((b) => es.filter((e) => e.type === type && (e.payload as { batchId: string }).batchId === b).length);
  const claims = async (batches: string[]) =>
    (await db.query('SELECT batch_id, claimant, attempt, finished_at IS NOT NULL AS finished FROM zk_batch_claims WHERE batch_id = ANY($1::text[])', [batches])).rows as { batch_id: string; claimant: string; attempt: number; finished: boolean }[];
  /** Which instance a claimant is: PgBatchClaims names it host:pid:random. */
  const instanceOf = (claimant: string) => instances.findIndex((p) => claimant.split(':')[1] === String(p.proc.pid));
  const outcomesFor = async (batches: string[]) => {
    const es = await events(['ProvingStarted', 'ProofCompleted', 'ProofFailed']);
    return { started: perBatch(es, 'ProvingStarted', batches), completed: perBatch(es, 'ProofCompleted', batches), failed: perBatch(es, 'ProofFailed', batches) };
  };
  const allDone = async (jobs: string[]) => {
    const batches = await batchesOf(jobs);
    const o = await outcomesFor(batches);
    return batches.length === jobs.length && o.completed.every((n) => n >= 1);
  };

  beforeAll(async () => {
    store = await PgEventLog.open({ connectionString: databaseUrl });
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    await store.append([owner.event, asker.event]);
    for (const e of envs) {
      const { TRUST_DATA_DIR, ...env } = e;
      instances.push(await startServe(TRUST_DATA_DIR!, 0, env as Record<string, string>));
    }
    const leaves = await leavesOf(Array.from({ length: 20 }, (_, i) => `member-${i}@owner.example`), PEPPER);
    const set = await eventually(() => call(0, 'POST', '/v1/zk/sets', owner.key, { setId, pepperVersion: 1, leaves }), (r) => r.status === 201, 30_000);
    expect(set.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    for (const p of instances) p.proc.kill('SIGKILL');
    await db?.end();
    await store?.close();
    for (const e of envs) rmSync(e.TRUST_DATA_DIR!, { recursive: true, force: true });
  });

  /** Waits for every job, then: one batch per job, each started, completed and never failed exactly once; its claims. */
  const everyBatchProvedOnce = async (jobs: string[]) => {
    await eventually(() => allDone(jobs), (ok) => ok, 120_000);
    const batches = await batchesOf(jobs);
    expect(batches).toHaveLength(jobs.length);
    const o = await outcomesFor(batches);
    expect(o.started).toEqual(batches.map(() => 1));
    expect(o.completed).toEqual(batches.map(() => 1));
    expect(o.failed).toEqual(batches.map(() => 0));
    return { batches, rows: await claims(batches) };
  };

  test('every batch is proved once, and both instances prove', async () => {
    const jobs: string[] = [];
    for (let n = 0; n < 16; n++) jobs.push(await submit(n % 2, n));
    const { batches, rows } = await everyBatchProvedOnce(jobs);
    expect(rows).toHaveLength(batches.length);
    for (const r of rows) expect({ attempt: r.attempt, finished: r.finished }).toEqual({ attempt: 1, finished: true });
    const by = [0, 1].map((i) => rows.filter((r) => instanceOf(r.claimant) === i).length);
    expect(by[0] + by[1]).toBe(batches.length);
    expect(by[0]).toBeGreaterThan(0);
    expect(by[1]).toBeGreaterThan(0);
    // every job readable as done through either instance
    for (const [i, id] of jobs.entries()) {
      const r = await eventually(() => call(i % 2, 'GET', `/v1/zk/jobs/${id}`, asker.key), (x) => x.body?.status === 'done', 30_000);
      expect(r.body.status).toBe('done');
    }
  }, 240_000);

  test('an instance killed mid-proof: the other takes its batches over after the lease and finishes every job', async () => {
    const jobs: string[] = [];
    for (let n = 100; n < 116; n++) jobs.push(await submit(n % 2, n));
    // The victim: an instance holding an unfinished claim whose proof began moments ago (a proof takes ≥ 200 ms).
    const fresh = async () =>
      (await db.query(`SELECT claimant, batch_id FROM zk_batch_claims WHERE finished_at IS NULL AND claimed_at > now() - interval '150 milliseconds'`)).rows as { claimant: string; batch_id: string }[];
    const holding = await eventually(fresh, (rows) => rows.some((r) => instanceOf(r.claimant) >= 0), 60_000);
    const victimClaimant = holding.find((r) => instanceOf(r.claimant) >= 0)!.claimant;
    const victim = instanceOf(victimClaimant);
    const survivor = 1 - victim;
    instances[victim].proc.kill('SIGKILL');
    await instances[victim].exited;
    const killedAt = Date.now();

    // Its batches left unfinished, with no outcome on the log: the orphans the survivor must take over.
    const plannedSoFar = await batchesOf(jobs);
    const afterKill = await outcomesFor(plannedSoFar);
    const orphans = (await claims(plannedSoFar)).filter((r) => r.claimant === victimClaimant && !r.finished).map((r) => r.batch_id).filter((b) => afterKill.completed[plannedSoFar.indexOf(b)] === 0 && afterKill.failed[plannedSoFar.indexOf(b)] === 0);
    expect(orphans.length).toBeGreaterThan(0);

    const { batches, rows } = await everyBatchProvedOnce(jobs);
    for (const b of orphans) {
      const r = rows.find((x) => x.batch_id === b)!;
      expect({ by: instanceOf(r.claimant), attempt: r.attempt, finished: r.finished }).toEqual({ by: survivor, attempt: 2, finished: true });
    }
    // taken over only once the lease ran out (the victim claimed them < 150 ms before it was killed)
    const orphanDone = (await events(['ProofCompleted'])).filter((e) => orphans.includes((e.payload as { batchId: string }).batchId));
    for (const e of orphanDone) expect(Date.parse(e.recordedAt)).toBeGreaterThanOrEqual(killedAt + LEASE_MS - 500);
    for (const id of jobs) {
      const r = await eventually(() => call(survivor, 'GET', `/v1/zk/jobs/${id}`, asker.key), (x) => x.body?.status === 'done', 30_000);
      expect(r.body.status).toBe('done');
    }
  }, 240_000);
});
