/**
 * The native prover (native/zk-prover: arkworks Groth16 on BN254, ark-circom for the snarkjs zkey and
 * the circuit's wasm witness generator) as a long-lived child process speaking JSON lines over
 * stdin/stdout. The process loads every circuit's proving key once and keeps it in memory; it answers
 * requests in order, one at a time (the proof itself is parallel over its rayon threads), and checks
 * each proof against the key's verifying key before answering. Its proofs are snarkjs-shaped JSON,
 * verified by stock `snarkjs groth16 verify` with the published keys (native-prover.test.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { artifactsDir, type CircuitName } from './artifacts';
import type { Groth16Proof } from './snarkjs';

export type ProverKind = 'native' | 'snarkjs';

export const NATIVE_BINARY_RELATIVE = 'native/zk-prover/target/release/trust-zk-prover';

/** How a newcomer builds the native prover (printed when it is missing). */
export const NATIVE_BUILD_HINT =
  'build it with `make zk-native` (cargo build --release in native/zk-prover; a Rust toolchain from https://rustup.rs: ' +
  "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh), or set TRUST_ZK_PROVER=snarkjs";

/** The built binary, found from the sources or from dist/ (undefined when it is not built). */
export function nativeProverBinary(explicit?: string): string | undefined {
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, NATIVE_BINARY_RELATIVE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export interface NativeReply {
  id: number;
  ok: boolean;
  proof?: Groth16Proof;
  publicSignals?: string[];
  witnessMs?: number;
  proveMs?: number;
  verifyMs?: number;
  error?: string;
}

export interface NativeReady {
  ready: true;
  version: string;
  threads: number;
  circuits: { name: CircuitName; publicSignals: number; constraints: number; loadMs: number }[];
}

export interface NativeProverOptions {
  binary: string;
  circuits?: CircuitName[];
  /** rayon threads of this process (default: rayon's, one per core). */
  threads?: number;
  artifacts?: string;
}

/** One native prover process. Requests are answered in the order they were sent. */
export class NativeProverProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly ready: Promise<NativeReady>;
  private readonly pending: { id: number; resolve: (r: NativeReply) => void }[] = [];
  private nextId = 1;
  private exited: string | undefined;
  private stderrTail = '';

  constructor(opts: NativeProverOptions) {
    const args = ['--artifacts', opts.artifacts ?? artifactsDir(), '--circuits', (opts.circuits ?? ['check', 'batch4']).join(',')];
    if (opts.threads) args.push('--threads', String(opts.threads));
    this.child = spawn(opts.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let readyResolve!: (r: NativeReady) => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise((res, rej) => ((readyResolve = res), (readyReject = rej)));
    this.ready.catch(() => undefined);
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => {
      let msg: NativeReply | NativeReady;
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if ('ready' in msg) return readyResolve(msg);
      const p = this.pending.shift();
      p?.resolve({ ...msg, id: p.id });
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    this.child.stdin.on('error', () => undefined);
    const gone = (why: string) => {
      if (this.exited) return;
      this.exited = why;
      const detail = this.stderrTail.trim().split('\n').pop();
      readyReject(new Error(`native prover ${why}${detail ? `: ${detail}` : ''}`));
      for (const p of this.pending.splice(0)) p.resolve({ id: p.id, ok: false, error: `worker crashed: ${why}${detail ? ` (${detail})` : ''}` });
    };
    this.child.on('error', (err) => gone(err.message));
    this.child.on('exit', (code, signal) => gone(`exit ${code ?? signal}`));
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  prove(circuit: CircuitName, input: Record<string, unknown>): Promise<NativeReply> {
    const id = this.nextId++;
    if (this.exited) return Promise.resolve({ id, ok: false, error: `worker crashed: ${this.exited}` });
    return new Promise((resolve) => {
      this.pending.push({ id, resolve });
      this.child.stdin.write(JSON.stringify({ id, circuit, input }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
    });
  }

  unref(): void {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  }

  /** Ends stdin (the process exits once its current proof is answered); resolves on exit. */
  close(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}
