/**
 * The ZK-TX batch planner: a pure stream processor over ProofRequested (and the proof outcomes
 * and set commits it must know of) that emits BatchPlanned events with their reasons:
 *   - dedup: an identical (requester, root, query) already queued joins that check; one in flight
 *     (dedup_inflight) or already proved (cache_hit) is answered by that proof: no new proof. The
 *     cache forgets a set's entries when the set is re-committed (its root changes).
 *   - batching: queued checks of one requester against one root go into one batch4 proof when there
 *     are at least `batchMin` of them (measured: batch4 costs less than `batchMin` single proofs).
 *     A batch never mixes requesters: the public signals of a proof carry every query in it.
 *   - cache hints: the batch names a worker holding its circuit's artifacts.
 *   - quotas: a token bucket per tenant paces dispatch (tokens = checks/s, refilled by event time);
 *     an over-quota tenant is served only when nobody within quota is waiting (work conserving).
 *   - fairness: deficit round robin across tenants with queued work.
 *   - deadlines: a check whose latency budget is about to run out goes first (earliest deadline).
 *   - watchdog: a tenant whose oldest queued check waited past `starvationMs` is flagged once.
 * Only `capacity` batches are in flight at once, so work queues here, where it can be planned.
 * Time is the events' occurredAt: the processor is deterministic and replayable.
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type { BatchPlanned, ProofCompleted, ProofFailed, ProofRequested, ZkSetCommitted } from '../../schemas/generated/payloads';
import { defineProcessor, type EmittedEvent, type ProcessorDefinition } from '../runtime/processor';

export const BATCHES_STREAM = 'zk-batches';

export interface PlannerConfig {
  name: string;
  /** Batches in flight at once (the prover pool's size). */
  capacity: number;
  /** Checks per batched proof (the batch4 circuit). */
  k: number;
  /** Smallest number of queued checks that goes into a batched proof (1 single proof below it). */
  batchMin: number;
  /**
   * A check goes into a batched proof only with at least this much of its latency budget left (ms):
   * a batch4 proof takes about 3–4 single proofs' time, so checks with a tight budget (the seed's
   * 900 ms) are proved alone and batching only soaks up backlog that can wait for it. 0: no limit.
   */
  batchBudgetMs: number;
  /** Per-tenant token bucket: checks per second and burst. */
  ratePerSec: number;
  burst: number;
  /** DRR quantum (checks a tenant may take per round). */
  quantum: number;
  /** A check this close to its deadline goes first. */
  urgentMs: number;
  starvationMs: number;
  /** Worker indices holding each circuit's artifacts (cache hints). */
  holders: { check: number[]; batch4: number[] };
  /** Proof cache entries kept (oldest forgotten first). */
  cacheSize: number;
  /** FIFO baseline: one proof per job in arrival order, no dedup, cache, batching, quotas or fairness. */
  fifo?: boolean;
}

export const DEFAULT_PLANNER: PlannerConfig = {
  name: 'zk-planner',
  capacity: 2,
  k: 4,
  batchMin: 5, // measured (bench-zk): a batch4 proof costs 3.3–5.5 single snarkjs proofs on the 2-core CI machine (off), 3.1–3.7 native ones (the service turns it on with the native prover)
  batchBudgetMs: 0,
  ratePerSec: 20,
  burst: 40,
  quantum: 4,
  urgentMs: 500,
  starvationMs: 10_000,
  holders: { check: [0, 1], batch4: [0, 1] },
  cacheSize: 500, // the state is persisted with every batch of input events: keep it small
};

interface QueuedCheck {
  key: string;
  tenant: string;
  root: string;
  setStream: string;
  queryTag: string;
  querySealed: string;
  jobs: string[];
  requestedAtMs: number;
  deadlineMs: number;
}

export interface PlannerState {
  nowMs: number;
  seq: number;
  queue: QueuedCheck[];
  tenants: string[];
  rr: number;
  deficit: Record<string, number>;
  tokens: Record<string, { tokens: number; atMs: number }>;
  inflight: Record<string, { setStream: string; root: string; keys: string[] }>;
  inflightByKey: Record<string, { batchId: string; check: number }>;
  cache: Record<string, { batchId: string; check: number; setStream: string; root: string }>;
  setRoots: Record<string, string>;
  flagged: Record<string, boolean>;
}

const initial = (): PlannerState => ({
  nowMs: 0,
  seq: 0,
  queue: [],
  tenants: [],
  rr: 0,
  deficit: {},
  tokens: {},
  inflight: {},
  inflightByKey: {},
  cache: {},
  setRoots: {},
  flagged: {},
});

const keyOfCheck = (tenant: string, root: string, tag: string) => `${tenant}|${root}|${tag}`;

// The steps below change the state they are given: `handle` gives them its own copy.

/** A tenant's token bucket, refilled to the planner's clock. */
function refill(cfg: PlannerConfig, s: PlannerState, tenant: string) {
  const b = (s.tokens[tenant] ??= { tokens: cfg.burst, atMs: s.nowMs });
  b.tokens = Math.min(cfg.burst, b.tokens + ((s.nowMs - b.atMs) / 1000) * cfg.ratePerSec);
  b.atMs = s.nowMs;
  return b;
}

const plannedEvent = (tenant: string, p: BatchPlanned): EmittedEvent => ({
  type: 'BatchPlanned',
  stream: BATCHES_STREAM,
  tenant,
  payload: p,
  idSuffix: p.batchId,
});

/** Dispatch one batch for `tenant` starting at queue index `headIdx`. */
function dispatch(cfg: PlannerConfig, s: PlannerState, tenant: string, headIdx: number, reasons: string[], maxChecks: number): EmittedEvent {
  const head = s.queue[headIdx];
  const sameRoot = cfg.fifo ? [headIdx] : s.queue.map((q, i) => ({ q, i })).filter(({ q }) => q.tenant === tenant && q.root === head.root).map(({ i }) => i);
  // head first, then the others in queue order
  const roomy = (i: number) => cfg.batchBudgetMs <= 0 || s.queue[i].deadlineMs - s.nowMs >= cfg.batchBudgetMs;
  const batchable = roomy(headIdx) ? sameRoot.filter((i) => i !== headIdx && roomy(i)) : [];
  const picked = [headIdx, ...batchable].slice(0, Math.max(1, Math.min(cfg.k, maxChecks)));
  const batched = !cfg.fifo && picked.length >= cfg.batchMin && cfg.batchMin <= cfg.k;
  const chosen = batched ? picked : [headIdx];
  const checks = chosen.map((i) => s.queue[i]);
  s.queue = s.queue.filter((_, i) => !chosen.includes(i));
  const batchId = `zkb-${++s.seq}`;
  const circuit = batched ? 'batch4' : 'check';
  const holders = cfg.holders[circuit];
  const workerHint = holders.length ? holders[s.seq % holders.length] : null;
  const jobs = checks.flatMap((c, check) => c.jobs.map((jobId) => ({ jobId, check })));
  const dups = jobs.length - checks.length;
  const allReasons = [...reasons];
  if (batched) allReasons.push(`batched:${checks.length}_checks_one_root`);
  else if (!cfg.fifo && picked.length > 1) allReasons.push(`single:${picked.length}_below_batch_min_${cfg.batchMin}`);
  else if (!cfg.fifo && sameRoot.length > picked.length && cfg.batchMin <= cfg.k) allReasons.push(`single:budget_below_${cfg.batchBudgetMs}ms_for_a_batch`);
  if (dups > 0) allReasons.push(`dedup_queued:${dups}`);
  if (workerHint !== null) allReasons.push(`cache_hint:worker_${workerHint}_holds_${circuit}`);
  s.inflight[batchId] = { setStream: head.setStream, root: head.root, keys: checks.map((c) => c.key) };
  checks.forEach((c, check) => (s.inflightByKey[c.key] = { batchId, check }));
  if (!cfg.fifo) {
    refill(cfg, s, tenant).tokens -= checks.length;
    s.deficit[tenant] = (s.deficit[tenant] ?? 0) - checks.length;
  }
  if (!s.queue.some((q) => q.tenant === tenant)) {
    s.deficit[tenant] = 0;
    delete s.flagged[tenant];
  }
  return plannedEvent(tenant, {
    batchId,
    tenant,
    circuit,
    root: head.root,
    setStream: head.setStream,
    cachedFrom: null,
    checks: checks.map((c) => ({ queryTag: c.queryTag, querySealed: c.querySealed })),
    jobs,
    reasons: allReasons,
    workerHint,
    maxWaitMs: Math.max(0, Math.round(s.nowMs - Math.min(...checks.map((c) => c.requestedAtMs)))),
  });
}

/** Dispatch while there is room in flight: deadlines first, then deficit round robin, then backfill. */
function pump(cfg: PlannerConfig, s: PlannerState): EmittedEvent[] {
  const out: EmittedEvent[] = [];
  while (Object.keys(s.inflight).length < cfg.capacity && s.queue.length) {
    if (cfg.fifo) {
      out.push(dispatch(cfg, s, s.queue[0].tenant, 0, ['fifo'], 1));
      continue;
    }
    // deadlines first (earliest deadline among the urgent)
    let urgent = -1;
    s.queue.forEach((q, i) => {
      if (q.deadlineMs - s.nowMs <= cfg.urgentMs && (urgent < 0 || q.deadlineMs < s.queue[urgent].deadlineMs)) urgent = i;
    });
    if (urgent >= 0) {
      const t = s.queue[urgent].tenant;
      out.push(dispatch(cfg, s, t, urgent, [`deadline:${Math.round(s.queue[urgent].deadlineMs - s.nowMs)}ms_left`], cfg.k));
      continue;
    }
    // deficit round robin over tenants with queued work and tokens
    let served = false;
    for (let step = 0; step < s.tenants.length * 2 && !served; step++) {
      const t = s.tenants[s.rr % s.tenants.length];
      const headIdx = s.queue.findIndex((q) => q.tenant === t);
      if (headIdx >= 0 && refill(cfg, s, t).tokens >= 1) {
        if ((s.deficit[t] ?? 0) < 1) s.deficit[t] = (s.deficit[t] ?? 0) + cfg.quantum;
        const allowance = Math.min(Math.floor(s.deficit[t]), Math.floor(s.tokens[t].tokens));
        out.push(dispatch(cfg, s, t, headIdx, [`drr:deficit_${s.deficit[t]}`], allowance));
        served = true;
        if ((s.deficit[t] ?? 0) < 1) s.rr = (s.rr + 1) % s.tenants.length;
      } else {
        s.rr = (s.rr + 1) % s.tenants.length;
      }
    }
    if (!served) {
      // everyone waiting is over quota: serve the oldest (work conserving), say so
      const t = s.queue[0].tenant;
      out.push(dispatch(cfg, s, t, 0, ['over_quota_backfill'], cfg.k));
    }
  }
  return out;
}

/** Flag (once) a tenant whose oldest queued check waited past `starvationMs`. */
function watchdog(cfg: PlannerConfig, s: PlannerState): EmittedEvent[] {
  const out: EmittedEvent[] = [];
  for (const t of s.tenants) {
    const mine = s.queue.filter((q) => q.tenant === t);
    if (!mine.length || s.flagged[t]) continue;
    const waited = s.nowMs - Math.min(...mine.map((q) => q.requestedAtMs));
    if (waited > cfg.starvationMs) {
      s.flagged[t] = true;
      out.push({ type: 'StarvationFlagged', stream: BATCHES_STREAM, tenant: t, payload: { tenant: t, waitedMs: Math.round(waited), queued: mine.length }, idSuffix: `starve-${t}` });
    }
  }
  return out;
}

function remember(cfg: PlannerConfig, s: PlannerState, key: string, v: PlannerState['cache'][string]) {
  delete s.cache[key];
  s.cache[key] = v;
  const keys = Object.keys(s.cache);
  for (let i = 0; i < keys.length - cfg.cacheSize; i++) delete s.cache[keys[i]];
}

/** A batch's outcome: out of flight; a proof's checks go to the cache while their set's root stands. */
function settle(cfg: PlannerConfig, s: PlannerState, batchId: string, ok: boolean) {
  const b = s.inflight[batchId];
  if (!b) return;
  delete s.inflight[batchId];
  b.keys.forEach((key, check) => {
    if (s.inflightByKey[key]?.batchId === batchId) delete s.inflightByKey[key];
    if (ok && !cfg.fifo && (s.setRoots[b.setStream] ?? b.root) === b.root) remember(cfg, s, key, { batchId, check, setStream: b.setStream, root: b.root });
  });
}

export function makePlanner(overrides: Partial<PlannerConfig> = {}): ProcessorDefinition<PlannerState> {
  const cfg: PlannerConfig = { ...DEFAULT_PLANNER, ...overrides };
  return defineProcessor<PlannerState>({
    name: cfg.name,
    inputs: ['ProofRequested', 'ProofCompleted', 'ProofFailed', 'ZkSetCommitted'],
    keyOf: () => 'planner',
    initialState: initial,
    handle(given, event: RecordedEvent) {
      // The helpers above update the state in place: they work on a copy, never on the state given.
      const s = structuredClone(given) as PlannerState;
      s.nowMs = Math.max(s.nowMs, Date.parse(event.occurredAt));
      const emit: EmittedEvent[] = [];
      switch (event.type) {
        case 'ZkSetCommitted': {
          const p = event.payload as ZkSetCommitted;
          s.setRoots[event.stream] = p.root;
          for (const [k, v] of Object.entries(s.cache)) if (v.setStream === event.stream && v.root !== p.root) delete s.cache[k];
          return { state: s, emit };
        }
        case 'ProofCompleted':
          settle(cfg, s, (event.payload as ProofCompleted).batchId, true);
          break;
        case 'ProofFailed':
          settle(cfg, s, (event.payload as ProofFailed).batchId, false);
          break;
        case 'ProofRequested': {
          const p = event.payload as ProofRequested;
          const tenant = event.tenant;
          const key = keyOfCheck(tenant, p.root, p.queryTag);
          const hit = cfg.fifo ? undefined : s.cache[key] ? { ...s.cache[key], why: 'cache_hit' } : s.inflightByKey[key] ? { ...s.inflightByKey[key], why: 'dedup_inflight' } : undefined;
          if (hit) {
            emit.push(
              plannedEvent(tenant, {
                batchId: `zkb-${++s.seq}`,
                tenant,
                circuit: 'cached',
                root: p.root,
                setStream: p.setStream,
                cachedFrom: hit.batchId,
                checks: [],
                jobs: [{ jobId: p.jobId, check: hit.check }],
                reasons: [`${hit.why}:${hit.batchId}`],
                workerHint: null,
                maxWaitMs: 0,
              }),
            );
            break;
          }
          const queued = cfg.fifo ? undefined : s.queue.find((q) => q.key === key);
          if (queued) queued.jobs.push(p.jobId);
          else {
            s.queue.push({ key, tenant, root: p.root, setStream: p.setStream, queryTag: p.queryTag, querySealed: p.querySealed, jobs: [p.jobId], requestedAtMs: s.nowMs, deadlineMs: s.nowMs + p.budgetMs });
            if (!s.tenants.includes(tenant)) s.tenants.push(tenant);
          }
          break;
        }
      }
      emit.push(...pump(cfg, s), ...watchdog(cfg, s));
      return { state: s, emit };
    },
  });
}

export const zkPlanner = makePlanner();
export const fifoPlanner = makePlanner({ name: 'zk-planner-fifo', fifo: true });
