/**
 * The prover pool: N prover processes, each proving one job at a time: the native prover
 * (native-prover.ts, the default) or snarkjs workers (child_process.fork of prover-worker.ts). A job goes to an idle worker
 * that already holds its circuit's artifacts when there is one (cache hint), else to any idle one.
 * Every proof is verified in the worker before it is returned (natively against the zkey's verifying key, or with snarkjs); a failed prove or verification is
 * retried (`retries` times) and then rejected with the reason.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { artifactsDir, type CircuitName } from './artifacts';
import { NATIVE_BINARY_RELATIVE, NATIVE_BUILD_HINT, NativeProverProcess, nativeProverBinary, type ProverKind } from './native-prover';
import { PROVER_CHILD_ARG, type ProveReply, type ProveRequest } from './prover-worker';
import type { Groth16Proof } from './snarkjs';

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  /** Witness and proof, ms (the native prover also reports the witness part alone). */
  proveMs: number;
  witnessMs?: number;
  verifyMs: number;
  attempts: number;
  /** The prover that made it. */
  prover: ProverKind;
  worker: number;
}

export class ProveFailed extends Error {
  constructor(readonly reason: string, readonly attempts: number) {
    super(reason);
  }
}

interface Slot {
  index: number;
  pid?: number;
  kind: ProverKind;
  busy: boolean;
  circuits: Set<CircuitName>;
  ready: Promise<void>;
  /** Sends one request; the reply comes back through `answer`. */
  send(req: ProveRequest): void;
  stop(): Promise<void>;
  unref(): void;
  pending?: { resolve: (r: ProveReply) => void };
}

interface Queued {
  circuit: CircuitName;
  input: Record<string, unknown>;
  hint?: number;
  resolve: (r: ProveReply & { worker: number; kind?: ProverKind }) => void;
}

function workerEntry(): { file: string; execArgv: string[] } {
  const ts = join(__dirname, 'prover-worker.ts');
  if (__filename.endsWith('.ts') && existsSync(ts)) {
    return { file: ts, execArgv: ['-r', join(__dirname, '../../test/support/swc-register.js')] };
  }
  return { file: join(__dirname, 'prover-worker.js'), execArgv: [] };
}

export interface PoolOptions {
  /** Prover processes (each proves one job at a time). */
  workers?: number;
  retries?: number;
  /** Circuits each worker loads at start (all of them by default). */
  preload?: CircuitName[];
  /** `native` (default: the arkworks prover of native/zk-prover) or `snarkjs` (the reference prover). Config: TRUST_ZK_PROVER. */
  prover?: ProverKind;
  /** The native binary (default: native/zk-prover/target/release/trust-zk-prover). Config: TRUST_ZK_PROVER_BIN. */
  nativeBinary?: string;
  /** Threads of each native process (default: the machine's cores shared by the workers). Config: TRUST_ZK_PROVER_THREADS. */
  threads?: number;
  /** How often a pool waiting for the native build looks for the binary (ms, default 2000). */
  nativeBuildPollMs?: number;
  /** Where the pool says that it fell back to snarkjs (default: stderr, once per process). */
  warn?: (message: string) => void;
}

/**
 * Prover processes and threads per process when the configuration does not say: the native prover
 * runs one single-threaded process per core (two processes prove 1.8× what one does on 2 cores, while
 * one process on two threads gains far less: docs/zk.md); snarkjs one worker (its own threads use every core).
 */
export function zkProverDefaults(kind: ProverKind, cores = availableParallelism()): { workers: number; threads: number | undefined; batchMin: number; batchBudgetMs: number } {
  // Batching (the planner's batchMin, batchBudgetMs), measured by bench-zk: a native batch4 proof costs
  // 3.1–3.7 single ones (< 4: it pays) and ~0.8 s on one thread, so checks with 2 s of budget left may
  // share one; a snarkjs batch4 costs 3.3–5.5 single proofs and 2.3–6 s (off).
  return kind === 'native' ? { workers: Math.max(1, cores), threads: 1, batchMin: 4, batchBudgetMs: 2000 } : { workers: 1, threads: undefined, batchMin: 5, batchBudgetMs: 0 };
}

let warnedMissing = false;
const warnOnce = (message: string) => {
  if (warnedMissing) return;
  warnedMissing = true;
  process.stderr.write(`${message}\n`);
};

export class ProverPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private nextId = 1;
  readonly retries: number;
  private closed = false;

  private opts: PoolOptions;
  private started = false;
  private unrefd = false;
  private resolvedKind?: { kind: ProverKind; binary?: string; reason?: string; awaitingBuild?: boolean };
  private buildCheckedAt = 0;

  /** Workers start on the first prove (or ready()): an instance that never proves spawns no process. */
  constructor(opts: PoolOptions = {}) {
    this.opts = opts;
    this.retries = opts.retries ?? 2;
  }

  /**
   * The prover this pool runs: native when asked for (the default) and built, else snarkjs, with the
   * reason (the binary is missing, or it failed to start).
   */
  get prover(): { kind: ProverKind; binary?: string; reason?: string } {
    if (!this.resolvedKind) {
      const wanted = this.opts.prover ?? 'native';
      if (wanted === 'snarkjs') this.resolvedKind = { kind: 'snarkjs' };
      else {
        const binary = nativeProverBinary(this.opts.nativeBinary);
        this.resolvedKind = binary
          ? { kind: 'native', binary }
          : { kind: 'snarkjs', awaitingBuild: true, reason: `the native ZK prover is not built (${this.opts.nativeBinary ?? NATIVE_BINARY_RELATIVE}): proving with snarkjs, several times slower; ${NATIVE_BUILD_HINT}` };
        if (this.resolvedKind.reason) (this.opts.warn ?? warnOnce)(`trust: ${this.resolvedKind.reason}`);
      }
    }
    return this.resolvedKind;
  }

  private ensure(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (let i = 0; i < (this.opts.workers ?? 1); i++) this.slots.push(this.spawnSlot(i));
  }

  private spawnSlot(index: number): Slot {
    const preload = this.opts.preload ?? ['check', 'batch4'];
    const slot = this.prover.kind === 'native' ? this.nativeSlot(index, preload) : this.snarkjsSlot(index, preload);
    for (const c of preload) slot.circuits.add(c);
    if (this.unrefd) slot.unref();
    return slot;
  }

  /** A slot's reply: frees it and feeds the queue. */
  private answer(slot: Slot, reply: ProveReply): void {
    const p = slot.pending;
    slot.pending = undefined;
    slot.busy = false;
    p?.resolve(reply);
    if (!this.closed && slot.kind !== this.prover.kind) this.replace(slot);
    this.pump();
  }

  /** An idle slot of the other kind gives way to one of the pool's current kind. */
  private replace(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0 || slot.busy) return;
    this.slots[at] = this.spawnSlot(slot.index);
    void slot.stop();
  }

  /**
   * A pool that started on snarkjs because the native binary was not built yet (`make run` builds it
   * in the background on a fresh machine) switches to it once it appears: idle workers at once, busy
   * ones after their proof. Looked for at most every two seconds, on the way to a job.
   */
  private switchToNativeWhenBuilt(): void {
    if (!this.resolvedKind?.awaitingBuild || this.closed) return;
    const now = Date.now();
    if (now - this.buildCheckedAt < (this.opts.nativeBuildPollMs ?? 2000)) return;
    this.buildCheckedAt = now;
    const binary = nativeProverBinary(this.opts.nativeBinary);
    if (!binary) return;
    this.resolvedKind = { kind: 'native', binary };
    (this.opts.warn ?? ((m: string) => process.stderr.write(`${m}\n`)))(`trust: the native ZK prover is built (${binary}): the prover workers switch to it`);
    for (const slot of [...this.slots]) if (!slot.busy) this.replace(slot);
  }

  /** A slot's process is gone: its job is answered as failed (and retried), the slot replaced. */
  private lost(slot: Slot, why: string): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0 && !this.closed) this.slots[at] = this.spawnSlot(slot.index);
    this.answer(slot, { id: 0, ok: false, error: `worker crashed: ${why}` });
  }

  private nativeSlot(index: number, preload: CircuitName[]): Slot {
    const workers = this.opts.workers ?? 1;
    const threads = this.opts.threads ?? Math.max(1, Math.floor(availableParallelism() / workers));
    const proc = new NativeProverProcess({ binary: this.prover.binary!, circuits: preload, threads });
    let started = false;
    const slot: Slot = {
      index,
      pid: proc.child.pid,
      kind: 'native',
      busy: false,
      circuits: new Set(),
      ready: proc.ready.then(
        () => void (started = true),
        () => undefined,
      ),
      send: (req) => {
        void proc.prove(req.circuit, req.input).then((r) => {
          if (!proc.alive && !r.ok) return; // answered by the exit handler below
          this.answer(
            slot,
            r.ok
              ? { id: req.id, ok: true, proof: r.proof, publicSignals: r.publicSignals!, proveMs: (r.witnessMs ?? 0) + (r.proveMs ?? 0), verifyMs: r.verifyMs ?? 0, witnessMs: r.witnessMs }
              : { id: req.id, ok: false, error: `prove failed: ${r.error ?? 'no reason given'}` },
          );
        });
      },
      stop: () => proc.close(),
      unref: () => proc.unref(),
    };
    proc.child.on('exit', (code, signal) => {
      if (this.closed) return;
      if (!started && this.prover.kind === 'native') {
        // A binary that cannot start (built for another machine, artifacts it cannot read): snarkjs serves.
        this.resolvedKind = { kind: 'snarkjs', reason: `the native ZK prover failed to start (exit ${code ?? signal}): proving with snarkjs` };
        (this.opts.warn ?? warnOnce)(`trust: ${this.resolvedKind.reason}`);
      }
      this.lost(slot, `exit ${code ?? signal}`);
    });
    return slot;
  }

  private snarkjsSlot(index: number, preload: CircuitName[]): Slot {
    const entry = workerEntry();
    const worker = fork(entry.file, [PROVER_CHILD_ARG, artifactsDir()], { execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let markReady!: () => void;
    const slot: Slot = {
      index,
      pid: worker.pid,
      kind: 'snarkjs',
      busy: false,
      circuits: new Set(),
      ready: new Promise((r) => (markReady = r)),
      send: (req) => worker.send(req),
      stop: () =>
        new Promise<void>((resolve) => {
          if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
          worker.once('exit', () => resolve());
          if (worker.connected) worker.send({ stop: true });
          else worker.kill();
        }),
      unref: () => {
        worker.unref();
        (worker.channel as { unref?: () => void } | undefined)?.unref?.();
      },
    };
    worker.on('message', (reply: ProveReply) => {
      if (reply.id === -1) return markReady();
      this.answer(slot, reply);
    });
    worker.on('error', (err) => this.answer(slot, { id: 0, ok: false, error: `worker crashed: ${err.message}` }));
    worker.on('exit', (code, signal) => {
      markReady();
      if (!this.closed) this.lost(slot, `exit ${code ?? signal}`);
    });
    worker.send({ preload });
    return slot;
  }

  /** Let the process exit while workers idle (the service stops them on close). */
  unref(): void {
    this.unrefd = true;
    for (const s of this.slots) s.unref();
  }

  /** Prover processes started (0 until the first prove or ready()). */
  get running(): number {
    return this.slots.length;
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
        const r = reply as Extract<ProveReply, { ok: true }> & { worker: number; kind?: ProverKind };
        return { proof: r.proof as Groth16Proof, publicSignals: r.publicSignals, proveMs: r.proveMs, witnessMs: r.witnessMs, verifyMs: r.verifyMs, attempts: attempt, worker: r.worker, prover: r.kind ?? this.prover.kind };
      }
      lastError = (reply as { error: string }).error;
    }
    throw new ProveFailed(`${lastError} (after ${this.retries + 1} attempts)`, this.retries + 1);
  }

  private once(circuit: CircuitName, input: Record<string, unknown>, hint?: number): Promise<ProveReply & { worker: number; kind?: ProverKind }> {
    if (this.closed) return Promise.resolve({ id: 0, ok: false, error: 'prover pool closed', worker: -1 });
    this.ensure();
    return new Promise((resolve) => {
      this.queue.push({ circuit, input, hint, resolve });
      this.pump();
    });
  }

  private pump(): void {
    this.switchToNativeWhenBuilt();
    while (this.queue.length) {
      const idle = this.slots.filter((s) => !s.busy);
      if (!idle.length) return;
      const job = this.queue.shift()!;
      const slot =
        idle.find((s) => s.index === job.hint) ?? idle.find((s) => s.circuits.has(job.circuit)) ?? idle[0];
      slot.busy = true;
      slot.circuits.add(job.circuit);
      const req: ProveRequest = { id: this.nextId++, circuit: job.circuit, input: job.input };
      slot.pending = { resolve: (r) => job.resolve({ ...r, worker: slot.index, kind: slot.kind }) };
      slot.send(req);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.resolve({ id: 0, ok: false, error: 'prover pool closed', worker: -1 });
    await Promise.all(this.slots.map((s) => s.stop()));
  }
}
