/** The batch planner, given/when/then: pure, no log, no provers. */
import { given, recorded } from '../runtime/testing';
import { deepFreeze } from '../runtime/freeze';
import type { BatchPlanned } from '../../schemas/generated/payloads';
import type { EmittedEvent } from '../runtime/processor';
import { makePlanner, type PlannerConfig } from './planner';

const T0 = Date.UTC(2026, 10, 29, 3);
const at = (ms: number) => new Date(T0 + ms).toISOString();

const ROOT_A = '111';
const ROOT_B = '222';

function requested(jobId: string, tenant: string, tag: string, ms: number, opts: { root?: string; budgetMs?: number; setStream?: string } = {}) {
  return recorded(
    'ProofRequested',
    {
      jobId,
      counterparty: 'owner',
      setId: 's',
      setStream: opts.setStream ?? 'zk-set:owner:s',
      root: opts.root ?? ROOT_A,
      pepperVersion: 1,
      querySealed: `sealed-${tag}`,
      queryTag: tag,
      budgetMs: opts.budgetMs ?? 60_000,
    },
    { tenant, occurredAt: at(ms), stream: `zk-jobs:${tenant}` },
  );
}
const completed = (batchId: string, ms: number) =>
  recorded('ProofCompleted', { batchId, circuit: 'check', vkHash: 'h', proof: '{}', overlaps: [true], proveMs: 1, verifyMs: 1, attempts: 1, worker: 0 }, { occurredAt: at(ms), stream: 'zk-batches' });
const failed = (batchId: string, ms: number) => recorded('ProofFailed', { batchId, reason: 'x', attempts: 3 }, { occurredAt: at(ms), stream: 'zk-batches' });
const committed = (root: string, ms: number) =>
  recorded('ZkSetCommitted', { setId: 's', pepperVersion: 1, root, size: 1, depth: 16, leaves: ['5'] }, { tenant: 'owner', occurredAt: at(ms), stream: 'zk-set:owner:s' });

const plans = (es: EmittedEvent[]) => es.filter((e) => e.type === 'BatchPlanned').map((e) => e.payload as BatchPlanned);
const cfg = (o: Partial<PlannerConfig> = {}) => makePlanner({ capacity: 1, batchMin: 2, ratePerSec: 1000, burst: 1000, holders: { check: [0], batch4: [0] }, ...o });

describe('zk planner', () => {
  it('plans a lone request at once as a single check, with a cache hint', () => {
    const t = given(cfg());
    const [p] = plans(t.when(requested('j1', 'acme', 'q1', 0)));
    expect(p).toMatchObject({ batchId: 'zkb-1', tenant: 'acme', circuit: 'check', root: ROOT_A, jobs: [{ jobId: 'j1', check: 0 }], workerHint: 0 });
    expect(p.reasons).toContain('cache_hint:worker_0_holds_check');
    expect(p.checks).toEqual([{ queryTag: 'q1', querySealed: 'sealed-q1' }]);
  });

  it('dedups identical queued checks, batches one requester’s checks on one root, and never mixes requesters', () => {
    const t = given(cfg(), [requested('j0', 'acme', 'q0', 0)]); // occupies the only slot
    for (const [i, [job, tenant, tag]] of ([['j1', 'acme', 'q1'], ['j2', 'acme', 'q2'], ['j3', 'acme', 'q1'], ['j4', 'beta', 'q3'], ['j5', 'acme', 'q4']] as const).entries()) {
      expect(t.when(requested(job, tenant, tag, 10 + i))).toEqual([]);
    }
    const [p] = plans(t.when(completed('zkb-1', 500)));
    expect(p.circuit).toBe('batch4');
    expect(p.tenant).toBe('acme');
    expect(p.checks.map((c) => c.queryTag)).toEqual(['q1', 'q2', 'q4']);
    expect(p.jobs).toEqual([{ jobId: 'j1', check: 0 }, { jobId: 'j3', check: 0 }, { jobId: 'j2', check: 1 }, { jobId: 'j5', check: 2 }]);
    expect(p.reasons).toEqual(expect.arrayContaining(['batched:3_checks_one_root', 'dedup_queued:1']));
    const [next] = plans(t.when(completed(p.batchId, 900)));
    expect(next).toMatchObject({ tenant: 'beta', circuit: 'check', jobs: [{ jobId: 'j4', check: 0 }] });
  });

  it('batches only checks with enough latency budget left for a batched proof; tight ones are proved alone', () => {
    const t = given(cfg({ batchMin: 2, batchBudgetMs: 2000 }), [requested('j0', 'acme', 'q0', 0)]); // occupies the only slot
    t.when(requested('t1', 'acme', 'tight1', 10, { budgetMs: 900 }));
    t.when(requested('r1', 'acme', 'roomy1', 11, { budgetMs: 5000 }));
    t.when(requested('t2', 'acme', 'tight2', 12, { budgetMs: 900 }));
    t.when(requested('r2', 'acme', 'roomy2', 13, { budgetMs: 5000 }));
    // the head (t1) has 900 ms: proved alone, though three more checks share its root
    const [first] = plans(t.when(completed('zkb-1', 100)));
    expect(first).toMatchObject({ circuit: 'check', checks: [{ queryTag: 'tight1' }] });
    expect(first.reasons).toContain('single:budget_below_2000ms_for_a_batch');
    // next head r1 has room: batched with r2, never with the tight t2
    const [second] = plans(t.when(completed(first.batchId, 200)));
    expect(second.circuit).toBe('batch4');
    expect(second.checks.map((c) => c.queryTag)).toEqual(['roomy1', 'roomy2']);
    const [third] = plans(t.when(completed(second.batchId, 300)));
    expect(third).toMatchObject({ circuit: 'check', checks: [{ queryTag: 'tight2' }] });
  });

  it('answers a repeat from the cache, an in-flight duplicate from the running proof, and forgets the cache when the set changes', () => {
    const t = given(cfg({ capacity: 2 }));
    const [first] = plans(t.when(requested('j1', 'acme', 'q1', 0)));
    const [inflight] = plans(t.when(requested('j2', 'acme', 'q1', 5)));
    expect(inflight).toMatchObject({ circuit: 'cached', cachedFrom: first.batchId, jobs: [{ jobId: 'j2', check: 0 }] });
    expect(inflight.reasons).toEqual([`dedup_inflight:${first.batchId}`]);
    t.when(completed(first.batchId, 400));
    const [hit] = plans(t.when(requested('j3', 'acme', 'q1', 500)));
    expect(hit).toMatchObject({ circuit: 'cached', cachedFrom: first.batchId });
    expect(hit.reasons).toEqual([`cache_hit:${first.batchId}`]);
    // another tenant asking the same thing gets its own proof (public signals carry the requester's queries)
    expect(plans(t.when(requested('j4', 'beta', 'q1', 510)))[0].circuit).toBe('check');
    // the set is re-committed: the old root's entries are gone
    t.when(committed(ROOT_B, 600));
    expect(Object.keys(t.state('planner').cache)).toEqual([]);
  });

  it('does not cache a failed proof', () => {
    const t = given(cfg());
    const [p] = plans(t.when(requested('j1', 'acme', 'q1', 0)));
    t.when(failed(p.batchId, 100));
    expect(plans(t.when(requested('j2', 'acme', 'q1', 200)))[0].circuit).toBe('check');
  });

  it('shares capacity fairly: a noisy tenant cannot starve a quiet one (deficit round robin)', () => {
    const t = given(cfg({ quantum: 1, batchMin: 99 }), [requested('n0', 'noisy', 'n0', 0)]);
    for (let i = 1; i <= 20; i++) t.when(requested(`n${i}`, 'noisy', `n${i}`, i));
    t.when(requested('q1', 'quiet', 'x1', 30));
    t.when(requested('q2', 'quiet', 'x2', 31));
    const served: string[] = [];
    let batch = 'zkb-1';
    for (let i = 0; i < 6; i++) {
      const [p] = plans(t.when(completed(batch, 100 + i * 100)));
      served.push(p.tenant);
      batch = p.batchId;
    }
    // quiet's two jobs are served within the first four dispatches, interleaved with noisy's
    expect(served.slice(0, 4).filter((x) => x === 'quiet')).toHaveLength(2);
    expect(served[0]).not.toBe(served[1]);
  });

  it('paces an over-quota tenant with its token bucket while others wait, and backfills when nobody else waits', () => {
    const t = given(cfg({ ratePerSec: 1, burst: 1, batchMin: 99 }), [requested('a0', 'acme', 'a0', 0)]); // acme spends its one token
    t.when(requested('a1', 'acme', 'a1', 10));
    t.when(requested('b1', 'beta', 'b1', 20));
    const [p1] = plans(t.when(completed('zkb-1', 100)));
    expect(p1.tenant).toBe('beta'); // acme has no token yet
    const [p2] = plans(t.when(completed(p1.batchId, 200)));
    expect(p2).toMatchObject({ tenant: 'acme', reasons: expect.arrayContaining(['over_quota_backfill']) });
  });

  it('serves a check about to miss its deadline first', () => {
    const t = given(cfg({ urgentMs: 300, batchMin: 99 }), [requested('a0', 'acme', 'a0', 0)]);
    t.when(requested('a1', 'acme', 'a1', 10));
    t.when(requested('b1', 'beta', 'b1', 20, { budgetMs: 400 }));
    const [p] = plans(t.when(completed('zkb-1', 150)));
    expect(p.tenant).toBe('beta');
    expect(p.reasons[0]).toMatch(/^deadline:270ms_left$/);
  });

  it('flags starvation once per episode (watchdog)', () => {
    const t = given(cfg({ starvationMs: 1000 }), [requested('a0', 'acme', 'a0', 0), requested('b1', 'beta', 'b1', 10)]);
    const out = t.when(requested('a1', 'acme', 'a1', 1500));
    const flags = out.filter((e) => e.type === 'StarvationFlagged');
    expect(flags).toEqual([expect.objectContaining({ tenant: 'beta', payload: { tenant: 'beta', waitedMs: 1490, queued: 1 } })]);
    expect(t.when(requested('a2', 'acme', 'a2', 1600)).filter((e) => e.type === 'StarvationFlagged')).toEqual([]);
  });

  it('FIFO baseline: one proof per job in arrival order, no dedup or cache', () => {
    const t = given(cfg({ fifo: true }), [requested('a0', 'acme', 'q', 0)]);
    t.when(requested('a1', 'acme', 'q', 1));
    t.when(requested('b1', 'beta', 'r', 2));
    const [p1] = plans(t.when(completed('zkb-1', 100)));
    expect(p1).toMatchObject({ circuit: 'check', jobs: [{ jobId: 'a1', check: 0 }], reasons: expect.arrayContaining(['fifo']) });
    const [p2] = plans(t.when(completed(p1.batchId, 200)));
    expect(p2.jobs).toEqual([{ jobId: 'b1', check: 0 }]);
    t.when(completed(p2.batchId, 250));
    expect(plans(t.when(requested('a2', 'acme', 'q', 300)))[0].circuit).toBe('check');
  });

  it('is deterministic and keeps bounded state (cache size)', () => {
    const run = () => {
      const t = given(cfg({ cacheSize: 3, capacity: 4 }));
      for (let i = 0; i < 10; i++) {
        const [p] = plans(t.when(requested(`j${i}`, 'acme', `q${i}`, i * 10)));
        t.when(completed(p.batchId, i * 10 + 5));
      }
      return { emitted: t.emitted, cache: Object.keys(t.state('planner').cache) };
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a.cache).toHaveLength(3);
  });

  it('never changes the state it is given: a deep-frozen state in, a new state out', () => {
    const planner = cfg({ capacity: 1 });
    const frozen = deepFreeze(planner.initialState());
    const first = planner.handle(frozen, requested('f0', 'acme', 'q0', 0));
    const second = planner.handle(deepFreeze(first.state), requested('f1', 'acme', 'q1', 10));
    expect(frozen).toEqual(planner.initialState());
    expect(Object.keys(first.state.inflight)).toHaveLength(1);
    expect(second.state.queue.map((q) => q.jobs)).toEqual([['f1']]);
  });

  it('thenThrows: an event the planner cannot handle fails and leaves the state as it was', () => {
    const t = given(cfg(), [requested('a0', 'acme', 'q0', 0)]);
    const before = t.state('planner');
    const err = t.thenThrows({ ...completed('zkb-1', 10), occurredAt: 'not a date', payload: null });
    expect(err).toBeInstanceOf(TypeError);
    expect(t.state('planner')).toEqual(before);
  });
});
