/**
 * The prover side of ZK-TX (the runtime's I/O around the pure planner): follows BatchPlanned on the
 * log, rebuilds the set's tree from its ZkSetCommitted event, unseals the queries, proves on the
 * worker pool (each proof verified in the worker before it comes back), and appends ProvingStarted
 * and ProofCompleted or ProofFailed (ids derived from the batch: a redo appends nothing twice).
 * Its checkpoint (`zk-prover`) trails the oldest batch still being proved; in distributed mode one
 * instance at a time runs it, under a lease (connectors/distributed/leased-worker.ts).
 */
import type { Subscription } from 'rxjs';
import type { RecordedEvent } from '../../schemas/envelope';
import type { BatchPlanned, ZkSetCommitted } from '../../schemas/generated/payloads';
import type { EventLog } from '../log/port';
import { verificationKey, type CircuitName } from './artifacts';
import { ProveFailed, ProverPool, type PoolOptions } from './prover-pool';
import type { TenantSealer } from './sealing';
import { hasher } from './selector';
import { BATCHES_STREAM } from './planner';
import { batchInput, checkInput, LowLeafTree } from './tree';

export const PROVER_CHECKPOINT = 'zk-prover';
/** The id of a batch's outcome (ProofCompleted or ProofFailed): one per batch, so a redo appends nothing twice. */
const outcomeId = (batchId: string) => `zk-proof-${batchId}`;

export class ZkProverService {
  readonly pool: ProverPool;
  private sub?: Subscription;
  private warmSub?: Subscription;
  private markWarm!: () => void;
  /** Resolves once the prover processes have loaded their keys ahead of the first job (warmWhenSetsExist). */
  readonly warm: Promise<void> = new Promise((r) => (this.markWarm = r));
  private readonly trees = new Map<string, Promise<LowLeafTree>>();
  private readonly inflight = new Map<string, number>();
  private readonly done = new Set<string>();
  private lastSeen = 0;
  private closed = false;
  private checkpointing: Promise<void> = Promise.resolve();
  /** Resolves batches by id once their outcome is appended (tests and benches wait on it). */
  private readonly waiters = new Map<string, (() => void)[]>();

  constructor(
    private readonly log: EventLog,
    private readonly sealer: TenantSealer,
    poolOptions: PoolOptions = {},
  ) {
    this.pool = new ProverPool(poolOptions);
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
    this.sub = this.log.subscribe(from, { types: ['BatchPlanned'] }).subscribe({
      next: (e) => this.onPlanned(e),
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
    if (p.circuit === 'cached' || this.done.has(p.batchId) || this.inflight.has(p.batchId)) {
      this.advance();
      return;
    }
    this.inflight.set(p.batchId, e.position);
    void this.prove(e, p).finally(() => {
      this.inflight.delete(p.batchId);
      this.done.add(p.batchId);
      for (const w of this.waiters.get(p.batchId) ?? []) w();
      this.waiters.delete(p.batchId);
      this.advance();
    });
  }

  private advance(): void {
    if (this.closed) return;
    const oldest = Math.min(...this.inflight.values());
    const cp = Number.isFinite(oldest) ? oldest - 1 : this.lastSeen;
    this.checkpointing = this.checkpointing.then(() => this.log.setCheckpoint(PROVER_CHECKPOINT, cp)).catch(() => undefined);
  }

  private tree(setStream: string, root: string): Promise<LowLeafTree> {
    const key = `${setStream}|${root}`;
    let t = this.trees.get(key);
    if (!t) {
      t = (async () => {
        const find = async () =>
          (await this.log.readStream(setStream, 1, 100_000)).filter((x) => x.type === 'ZkSetCommitted' && (x.payload as ZkSetCommitted).root === root).pop();
        let commit = await find();
        // On Kafka the batch may arrive before this instance's journal mirror holds the set's commit.
        if (!commit && isKafkaLog(this.log)) commit = await this.log.sync().then(find);
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

  private async prove(e: RecordedEvent, p: BatchPlanned): Promise<void> {
    const base = { stream: BATCHES_STREAM, tenant: e.tenant, causationId: e.id, correlationId: e.correlationId };
    const circuit = p.circuit as CircuitName;
    try {
      const tree = await this.tree(p.setStream, p.root);
      if (tree.root.toString() !== p.root) throw new ProveFailed('the set tree does not match the planned root', 0);
      const witnesses = p.checks.map((c) => tree.witness(BigInt(this.sealer.unseal(p.tenant, c.querySealed))));
      const input = circuit === 'batch4' ? batchInput(tree.root, witnesses, 4) : checkInput(tree.root, witnesses[0]);
      const hint = p.workerHint ?? undefined;
      if (this.closed) return;
      await this.log.append([{ ...base, id: `zk-start-${p.batchId}`, type: 'ProvingStarted', payload: { batchId: p.batchId, worker: hint ?? 0 } }]);
      const r = await this.pool.prove(circuit, input, hint);
      const k = circuit === 'batch4' ? 4 : 1;
      const overlaps = r.publicSignals.slice(0, k).map((x) => x === '1').slice(0, p.checks.length);
      if (this.closed) return;
      await this.log.append([
        {
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
        },
      ]);
    } catch (err) {
      if (this.closed) return;
      const reason = err instanceof ProveFailed ? err.reason : `prove failed: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
      const attempts = err instanceof ProveFailed ? err.attempts : 0;
      await this.log
        .append([{ ...base, id: outcomeId(p.batchId), type: 'ProofFailed', payload: { batchId: p.batchId, reason, attempts } }])
        .catch(() => undefined);
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
    await this.checkpointing;
    await this.pool.close();
  }
}
