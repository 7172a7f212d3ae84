/**
 * The prover side of ZK-TX (the runtime's I/O around the pure planner): follows BatchPlanned on the
 * log, claims each batch it has a free prover for (batch-claims.ts: in memory on the embedded log, a
 * row in PostgreSQL in distributed mode, where every instance runs provers), rebuilds the set's tree
 * from its ZkSetCommitted event, unseals the queries, proves on the worker pool (each proof verified
 * in the worker before it comes back), and appends ProvingStarted and ProofCompleted or ProofFailed
 * (ids derived from the batch: a redo or a takeover appends nothing twice). A batch another instance
 * holds waits here until its outcome arrives, or until that instance's lease runs out (a crash) and
 * this one takes it over. The checkpoint (`zk-prover`) trails the oldest batch not yet finished.
 */
import type { Subscription } from 'rxjs';
import type { NewEvent, RecordedEvent } from '../../schemas/envelope';
import type { BatchPlanned, ZkSetCommitted } from '../../schemas/generated/payloads';
import { IdempotencyConflictError, isTransient } from '../../schemas/errors';
import type { EventLog } from '../log/port';
import { verificationKey, type CircuitName } from './artifacts';
import { batchClaimsFor, InProcessBatchClaims, type BatchClaims } from './batch-claims';
import { ProveFailed, ProverPool, type PoolOptions } from './prover-pool';
import type { TenantSealer } from './sealing';
import { hasher } from './selector';
import { BATCHES_STREAM } from './planner';
import { batchInput, checkInput, LowLeafTree } from './tree';

export const PROVER_CHECKPOINT = 'zk-prover';
/** The id of a batch's outcome (ProofCompleted or ProofFailed): one per batch, so a redo appends nothing twice. */
const outcomeId = (batchId: string) => `zk-proof-${batchId}`;

export interface ProverServiceOptions extends PoolOptions {
  /** Who proves which batch (default: the claims the deployment provided for this log, else in process). */
  claims?: BatchClaims;
  /**
   * Before claiming a new batch, wait this long per prover of this instance already busy (ms, default
   * 50), so an idle instance takes it first and batches spread over the instances.
   */
  preferIdleMs?: number;
}

type Appended = 'appended' | 'exists' | 'refused';

interface Planned {
  e: RecordedEvent;
  p: BatchPlanned;
  /** Not before this time (ms): another instance holds the batch until then. */
  notBefore: number;
}

export class ZkProverService {
  readonly pool: ProverPool;
  readonly claims: BatchClaims;
  private sub?: Subscription;
  private warmSub?: Subscription;
  private markWarm!: () => void;
  /** Resolves once the prover processes have loaded their keys ahead of the first job (warmWhenSetsExist). */
  readonly warm: Promise<void> = new Promise((r) => (this.markWarm = r));
  private readonly trees = new Map<string, Promise<LowLeafTree>>();
  /** Batches this instance is proving: id → position of their BatchPlanned. */
  private readonly inflight = new Map<string, number>();
  /** Batches planned and not finished that this instance is not proving (no free prover, or another instance holds them). */
  private readonly pending = new Map<string, Planned>();
  private readonly done = new Set<string>();
  /** Batches this instance proved (its outcome appended here): tests and benches read it. */
  readonly proved = new Set<string>();
  private lastSeen = 0;
  private closed = false;
  private pumping = false;
  private pumpAgain = false;
  private pumpTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private checkpointing: Promise<void> = Promise.resolve();
  private readonly ownsClaims: boolean;
  private readonly preferIdleMs: number;
  private lastAppendError: unknown;
  /** Resolves batches by id once their outcome is appended (tests and benches wait on it). */
  private readonly waiters = new Map<string, (() => void)[]>();

  constructor(
    private readonly log: EventLog,
    private readonly sealer: TenantSealer,
    options: ProverServiceOptions = {},
  ) {
    const { claims, preferIdleMs, ...poolOptions } = options;
    this.pool = new ProverPool(poolOptions);
    const provided = claims ?? batchClaimsFor(log);
    this.ownsClaims = !provided;
    this.claims = provided ?? new InProcessBatchClaims();
    this.preferIdleMs = preferIdleMs ?? 50;
  }

  async start(): Promise<void> {
    void this.warmWhenSetsExist().catch(() => undefined);
    const from = (await this.log.getCheckpoint(PROVER_CHECKPOINT)) + 1;
    this.lastSeen = from - 1;
    // Outcomes already on the log after the checkpoint: those batches are not proved again.
    for (let pos = from; ; ) {
      const page = await this.log.read({ from: pos, limit: 1000, types: ['ProofCompleted', 'ProofFailed'] });
      for (const e of page) this.done.add((e.payload as { batchId: string }).batchId);
      if (page.length < 1000) break;
      pos = page[page.length - 1].position + 1;
    }
    // Outcomes too: another instance's proof finishes a batch waiting here.
    this.sub = this.log.subscribe(from, { types: ['BatchPlanned', 'ProofCompleted', 'ProofFailed'] }).subscribe({
      next: (e) => (e.type === 'BatchPlanned' ? this.onPlanned(e) : this.onOutcome((e.payload as { batchId: string }).batchId)),
      error: () => undefined,
    });
  }

  /** Resolves once the batch's outcome is on the log. */
  whenDone(batchId: string): Promise<void> {
    if (this.done.has(batchId)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(batchId, [...(this.waiters.get(batchId) ?? []), resolve]));
  }

  private onPlanned(e: RecordedEvent): void {
    this.lastSeen = Math.max(this.lastSeen, e.position);
    const p = e.payload as BatchPlanned;
    if (p.circuit === 'cached' || this.done.has(p.batchId) || this.inflight.has(p.batchId) || this.pending.has(p.batchId)) {
      this.advance();
      return;
    }
    this.pending.set(p.batchId, { e, p, notBefore: 0 });
    this.pump();
  }

  private onOutcome(batchId: string): void {
    // One this instance is proving is finished by its own proof's end (startProving), in that order.
    if (this.done.has(batchId) || this.inflight.has(batchId)) return;
    this.done.add(batchId);
    this.pending.delete(batchId);
    for (const w of this.waiters.get(batchId) ?? []) w();
    this.waiters.delete(batchId);
    this.advance();
  }

  /** Claims pending batches, oldest first, while this instance has an idle prover. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.pumpOnce()
      .catch(() => this.schedulePump(Date.now() + 500)) // the claims' store is away: try again shortly
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain && !this.closed) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async pumpOnce(): Promise<void> {
    for (;;) {
      if (this.closed || this.inflight.size >= this.pool.size) return;
      const now = Date.now();
      let next: Planned | undefined;
      let wakeAt = Infinity;
      for (const x of this.pending.values()) {
        if (x.notBefore <= now) {
          if (!next || x.e.position < next.e.position) next = x;
        } else wakeAt = Math.min(wakeAt, x.notBefore);
      }
      if (!next) return this.schedulePump(wakeAt);
      // A busy instance lets an idle one take a fresh batch first.
      const busy = this.inflight.size;
      if (busy > 0 && this.preferIdleMs > 0 && next.notBefore === 0) {
        next.notBefore = now + busy * this.preferIdleMs;
        continue;
      }
      // The set's tree first (cached per root): building it holds the event loop (≈ 12 s for a full
      // 65,535-leaf set), which must not eat into a claim's lease. A set that cannot be found fails in prove().
      await this.tree(next.p.setStream, next.p.root).catch(() => undefined);
      if (this.closed) return;
      const answer = await this.claims.claim(next.p.batchId);
      if (this.closed) {
        if (answer.held) await this.claims.release(next.p.batchId).catch(() => undefined);
        return;
      }
      if (!this.pending.has(next.p.batchId)) {
        // finished meanwhile (its outcome arrived while the claim was in flight)
        if (answer.held) await this.claims.finish(next.p.batchId).catch(() => undefined);
        continue;
      }
      if (answer.held) {
        if (answer.attempt > 1) console.error(`[zk.prover] took batch ${next.p.batchId} over (attempt ${answer.attempt}): its holder's claim ran out`);
        this.pending.delete(next.p.batchId);
        this.startProving(next.e, next.p);
      } else if (answer.finished) {
        next.notBefore = Infinity; // its outcome is on the log and on its way here
      } else {
        next.notBefore = Date.now() + answer.expiresInMs + 10;
      }
    }
  }

  private schedulePump(at: number): void {
    if (this.closed || !Number.isFinite(at)) return;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = setTimeout(() => ((this.pumpTimer = undefined), this.pump()), Math.max(0, at - Date.now()));
    this.pumpTimer.unref?.();
  }

  private startProving(e: RecordedEvent, p: BatchPlanned): void {
    this.inflight.set(p.batchId, e.position);
    this.keepRenewing();
    void this.prove(e, p).then(
      async (outcome) => {
        this.inflight.delete(p.batchId);
        if (outcome !== 'refused') {
          if (outcome === 'appended') this.proved.add(p.batchId);
          await this.claims.finish(p.batchId).catch(() => undefined);
          this.onOutcome(p.batchId);
        } else {
          // Stopped, or the log refused the append: give the batch up (another instance may take it at
          // once) and, while running, try it again here a little later.
          await this.claims.release(p.batchId).catch(() => undefined);
          if (!this.closed && !this.done.has(p.batchId)) this.pending.set(p.batchId, { e, p, notBefore: Date.now() + 1000 });
        }
        this.pump();
      },
    );
  }

  /** While this instance proves, it renews its claims (a quarter of the lease apart: a stalled event loop has slack). */
  private keepRenewing(): void {
    if (this.renewTimer || this.closed) return;
    const every = Math.max(50, Math.floor(this.claims.leaseMs / 4));
    const tick = async () => {
      if (this.closed || this.inflight.size === 0) return void (this.renewTimer = undefined);
      const mine = [...this.inflight.keys()];
      const held = new Set(await this.claims.renew(mine).catch(() => mine));
      for (const id of mine) {
        // Lost (this process stalled past its lease and another took the batch over): the proof goes
        // on, and whichever outcome is appended first stands (the ids are derived from the batch).
        if (!held.has(id) && this.inflight.has(id)) console.error(`[zk.prover] the claim on batch ${id} was taken over by another instance`);
      }
      this.renewTimer = setTimeout(() => void tick(), every);
      this.renewTimer.unref?.();
    };
    this.renewTimer = setTimeout(() => void tick(), every);
    this.renewTimer.unref?.();
  }

  private advance(): void {
    if (this.closed) return;
    const open = [...this.inflight.values(), ...[...this.pending.values()].map((x) => x.e.position)];
    const cp = open.length ? Math.min(...open) - 1 : this.lastSeen;
    this.checkpointing = this.checkpointing.then(() => this.log.setCheckpoint(PROVER_CHECKPOINT, cp)).catch(() => undefined);
  }

  private tree(setStream: string, root: string): Promise<LowLeafTree> {
    const key = `${setStream}|${root}`;
    let t = this.trees.get(key);
    if (!t) {
      t = (async () => {
        const find = async () =>
          (await this.log.readStream(setStream, 1, 100_000)).filter((x) => x.type === 'ZkSetCommitted' && (x.payload as ZkSetCommitted).root === root).pop();
        const commit = await find();
        if (!commit) throw new ProveFailed(`set ${setStream} has no commit with root ${root}`, 0);
        const h = await hasher();
        return LowLeafTree.build((commit.payload as ZkSetCommitted).leaves.map(BigInt), h);
      })();
      this.trees.set(key, t);
      t.catch(() => this.trees.delete(key));
      while (this.trees.size > 16) this.trees.delete(this.trees.keys().next().value as string);
    }
    return t;
  }

  /**
   * Proves a claimed batch and appends its outcome: 'appended', 'exists' (another instance's outcome
   * stands: the same id with another proof), or 'refused' when this instance stopped or the log
   * refused the append, so the batch is released for a retry.
   */
  private async prove(e: RecordedEvent, p: BatchPlanned): Promise<Appended> {
    const base = { stream: BATCHES_STREAM, tenant: e.tenant, causationId: e.id, correlationId: e.correlationId };
    const circuit = p.circuit as CircuitName;
    let outcome: NewEvent;
    try {
      const tree = await this.tree(p.setStream, p.root);
      if (tree.root.toString() !== p.root) throw new ProveFailed('the set tree does not match the planned root', 0);
      const witnesses = p.checks.map((c) => tree.witness(BigInt(this.sealer.unseal(p.tenant, c.querySealed))));
      const input = circuit === 'batch4' ? batchInput(tree.root, witnesses, 4) : checkInput(tree.root, witnesses[0]);
      const hint = p.workerHint ?? undefined;
      if (this.closed) return 'refused';
      // A takeover appends the same event again: the log answers it as a duplicate.
      if ((await this.append({ ...base, id: `zk-start-${p.batchId}`, type: 'ProvingStarted', payload: { batchId: p.batchId, worker: hint ?? 0 } })) === 'refused') return 'refused';
      const r = await this.pool.prove(circuit, input, hint);
      const k = circuit === 'batch4' ? 4 : 1;
      const overlaps = r.publicSignals.slice(0, k).map((x) => x === '1').slice(0, p.checks.length);
      outcome = {
        ...base,
        id: outcomeId(p.batchId),
        type: 'ProofCompleted',
        payload: {
          batchId: p.batchId,
          circuit,
          vkHash: verificationKey(circuit).vkHash,
          proof: JSON.stringify(r.proof),
          overlaps,
          proveMs: Math.round(r.proveMs * 10) / 10,
          verifyMs: Math.round(r.verifyMs * 10) / 10,
          attempts: r.attempts,
          worker: r.worker,
        },
      };
    } catch (err) {
      if (isTransient(err)) {
        // the log is away (reading the set): retried, not failed
        console.error(`[zk.prover] batch ${p.batchId} will be retried: ${(err as Error).message}`);
        return 'refused';
      }
      const reason = err instanceof ProveFailed ? err.reason : `prove failed: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
      const attempts = err instanceof ProveFailed ? err.attempts : 0;
      outcome = { ...base, id: outcomeId(p.batchId), type: 'ProofFailed', payload: { batchId: p.batchId, reason, attempts } };
    }
    if (this.closed) return 'refused';
    return this.append(outcome);
  }

  /** Appends one event: 'appended' here, 'exists' (the id is on the log already: a takeover's redo), or 'refused' by the log. */
  private async append(event: NewEvent): Promise<Appended> {
    try {
      return (await this.log.append([event]))[0].duplicate ? 'exists' : 'appended';
    } catch (err) {
      if (err instanceof IdempotencyConflictError) return 'exists'; // another instance's outcome for this batch stands
      if (String(err) !== String(this.lastAppendError)) console.error(`[zk.prover] append refused, the batch will be retried: ${(err as Error).message}`);
      this.lastAppendError = err;
      return 'refused';
    }
  }

  /**
   * The prover processes load their keys (seconds) before the first job rather than during it: at
   * start when the deployment has a committed set, else when the first set is committed. A
   * deployment that never commits a set never starts a prover process.
   */
  private async warmWhenSetsExist(): Promise<void> {
    const head = await this.log.head();
    if (this.closed) return;
    if ((await this.log.read({ from: 1, limit: 1, types: ['ZkSetCommitted'] })).length) {
      await this.pool.ready();
      return this.markWarm();
    }
    this.warmSub = this.log.subscribe(head + 1, { types: ['ZkSetCommitted'] }).subscribe({
      next: () => {
        this.warmSub?.unsubscribe();
        if (!this.closed) void this.pool.ready().then(() => this.markWarm(), () => undefined);
      },
      error: () => undefined,
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.warmSub?.unsubscribe();
    this.sub?.unsubscribe();
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    if (this.renewTimer) clearTimeout(this.renewTimer);
    // Unfinished claims go back at once, so another instance need not wait out the lease.
    await Promise.all([...this.inflight.keys()].map((id) => this.claims.release(id).catch(() => undefined)));
    await this.checkpointing;
    await this.pool.close();
    if (this.ownsClaims) await this.claims.close();
  }
}
