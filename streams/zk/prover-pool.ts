/**
 * The prover pool: N worker processes (child_process.fork), each proving one job at a time. A job goes to an idle worker
 * that already holds its circuit's artifacts when there is one (cache hint), else to any idle one.
 * Every proof is verified in the worker before it is returned; a failed prove or verification is
 * retried (`retries` times) and then rejected with the reason.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CircuitName } from './artifacts';
import type { ProveReply, ProveRequest } from './prover-worker';
import type { Groth16Proof } from './snarkjs';

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  proveMs: number;
  verifyMs: number;
  attempts: number;
  worker: number;
}

export class ProveFailed extends Error {
  constructor(readonly reason: string, readonly attempts: number) {
    super(reason);
  }
}

interface Slot {
  index: number;
  worker: ChildProcess;
  busy: boolean;
  circuits: Set<CircuitName>;
  ready: Promise<void>;
  pending?: { resolve: (r: ProveReply) => void };
}

interface Queued {
  circuit: CircuitName;
  input: Record<string, unknown>;
  hint?: number;
  resolve: (r: ProveReply & { worker: number }) => void;
}

function workerEntry(): { file: string; execArgv: string[] } {
  const ts = join(__dirname, 'prover-worker.ts');
  if (__filename.endsWith('.ts') && existsSync(ts)) {
    return { file: ts, execArgv: ['-r', join(__dirname, '../../test/support/swc-register.js')] };
  }
  return { file: join(__dirname, 'prover-worker.js'), execArgv: [] };
}

export interface PoolOptions {
  workers?: number;
  retries?: number;
  /** Circuits each worker loads at start (all of them by default). */
  preload?: CircuitName[];
}

export class ProverPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private nextId = 1;
  readonly retries: number;
  private closed = false;

  private opts: PoolOptions;
  private started = false;
  private unrefd = false;

  /** Workers start on the first prove (or ready()): an instance that never proves spawns no thread. */
  constructor(opts: PoolOptions = {}) {
    this.opts = opts;
    this.retries = opts.retries ?? 2;
  }

  private ensure(): void {
    if (this.started) return;
    this.started = true;
    const n = this.opts.workers ?? 1;
    const entry = workerEntry();
    for (let i = 0; i < n; i++) {
      const worker = fork(entry.file, [], { execArgv: entry.execArgv, env: { ...process.env, TRUST_ZK_PROVER_CHILD: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      if (this.unrefd) this.unrefChild(worker);
      let markReady!: () => void;
      const slot: Slot = { index: i, worker, busy: false, circuits: new Set(), ready: new Promise((r) => (markReady = r)) };
      worker.on('message', (reply: ProveReply) => {
        if (reply.id === -1) return markReady();
        const p = slot.pending;
        slot.pending = undefined;
        slot.busy = false;
        p?.resolve(reply);
        this.pump();
      });
      const crashed = (why: string) => {
        const p = slot.pending;
        slot.pending = undefined;
        slot.busy = false;
        p?.resolve({ id: 0, ok: false, error: `worker crashed: ${why}` });
      };
      worker.on('error', (err) => crashed(err.message));
      worker.on('exit', (code, signal) => {
        markReady();
        if (!this.closed) {
          crashed(`exit ${code ?? signal}`);
          this.slots.splice(this.slots.indexOf(slot), 1);
          this.respawn();
        }
      });
      const preload = this.opts.preload ?? ['check', 'batch4'];
      worker.send({ preload });
      for (const c of preload) slot.circuits.add(c);
      this.slots.push(slot);
    }
  }

  private unrefChild(c: ChildProcess): void {
    c.unref();
    (c.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  /** A crashed worker is replaced (its job was already answered as failed, so it is retried). */
  private respawn(): void {
    this.started = false;
    const keep = this.slots.splice(0);
    const want = this.opts.workers ?? 1;
    this.opts = { ...this.opts, workers: want - keep.length };
    this.ensure();
    this.opts = { ...this.opts, workers: want };
    this.slots.unshift(...keep);
    this.slots.forEach((s, i) => (s.index = i));
    this.pump();
  }

  /** Let the process exit while workers idle (the service stops them on close). */
  unref(): void {
    this.unrefd = true;
    for (const s of this.slots) this.unrefChild(s.worker);
  }

  get size(): number {
    return this.opts.workers ?? 1;
  }

  /** Resolves once every worker has started. */
  async ready(): Promise<void> {
    this.ensure();
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Workers that hold a circuit's artifacts (the planner's cache hint). */
  holders(circuit: CircuitName): number[] {
    this.ensure();
    return this.slots.filter((s) => s.circuits.has(circuit)).map((s) => s.index);
  }

  /** Proves, verifies, retries; rejects with ProveFailed(reason) after the last attempt. */
  async prove(circuit: CircuitName, input: Record<string, unknown>, hint?: number): Promise<ProveResult> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.retries + 1; attempt++) {
      const reply = await this.once(circuit, input, hint);
      if ('ok' in reply && reply.ok) {
        const r = reply as Extract<ProveReply, { ok: true }> & { worker: number };
        return { proof: r.proof as Groth16Proof, publicSignals: r.publicSignals, proveMs: r.proveMs, verifyMs: r.verifyMs, attempts: attempt, worker: r.worker };
      }
      lastError = (reply as { error: string }).error;
    }
    throw new ProveFailed(`${lastError} (after ${this.retries + 1} attempts)`, this.retries + 1);
  }

  private once(circuit: CircuitName, input: Record<string, unknown>, hint?: number): Promise<ProveReply & { worker: number }> {
    if (this.closed) return Promise.resolve({ id: 0, ok: false, error: 'prover pool closed', worker: -1 });
    this.ensure();
    return new Promise((resolve) => {
      this.queue.push({ circuit, input, hint, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      const idle = this.slots.filter((s) => !s.busy);
      if (!idle.length) return;
      const job = this.queue.shift()!;
      const slot =
        idle.find((s) => s.index === job.hint) ?? idle.find((s) => s.circuits.has(job.circuit)) ?? idle[0];
      slot.busy = true;
      slot.circuits.add(job.circuit);
      const req: ProveRequest = { id: this.nextId++, circuit: job.circuit, input: job.input };
      slot.pending = { resolve: (r) => job.resolve({ ...r, worker: slot.index }) };
      slot.worker.send(req);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.resolve({ id: 0, ok: false, error: 'prover pool closed', worker: -1 });
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.worker.exitCode !== null || s.worker.signalCode !== null) return resolve();
            s.worker.once('exit', () => resolve());
            if (s.worker.connected) s.worker.send({ stop: true });
            else s.worker.kill();
          }),
      ),
    );
  }
}
