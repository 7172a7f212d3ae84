/**
 * A prover worker (a child process: ffjavascript's own worker threads need a main thread): holds the artifacts of the circuits it was asked for in memory
 * (the pool's cache hint), proves with snarkjs and verifies every proof before handing it back.
 */
import { readFileSync } from 'node:fs';
import { artifactPaths, useArtifactsDir, verificationKey, type CircuitName } from './artifacts';
import { releaseCurves, snarkjs } from './snarkjs';

/** argv of a prover child: this flag, then the artifacts directory the pool uses. */
export const PROVER_CHILD_ARG = '--trust-zk-prover-child';

export interface ProveRequest {
  id: number;
  circuit: CircuitName;
  input: Record<string, unknown>;
}
export type ProveReply =
  | { id: number; ok: true; proof: unknown; publicSignals: string[]; proveMs: number; verifyMs: number; witnessMs?: number }
  | { id: number; ok: false; error: string }
  | { id: -1; ready: true };

const loaded = new Map<CircuitName, { wasm: Uint8Array; zkey: Uint8Array }>();

function artifacts(c: CircuitName) {
  let a = loaded.get(c);
  if (!a) {
    const p = artifactPaths(c);
    a = { wasm: readFileSync(p.wasm), zkey: readFileSync(p.zkey) };
    loaded.set(c, a);
  }
  return a;
}

async function handle(req: ProveRequest): Promise<ProveReply> {
  try {
    const a = artifacts(req.circuit);
    const t0 = performance.now();
    const { proof, publicSignals } = await snarkjs().groth16.fullProve(req.input, { type: 'mem', data: a.wasm }, { type: 'mem', data: a.zkey });
    const t1 = performance.now();
    const ok = await snarkjs().groth16.verify(verificationKey(req.circuit).vk, publicSignals, proof);
    const t2 = performance.now();
    if (!ok) return { id: req.id, ok: false, error: 'the proof did not verify against the published key' };
    return { id: req.id, ok: true, proof, publicSignals, proveMs: t1 - t0, verifyMs: t2 - t1 };
  } catch (err) {
    const message = String((err as Error)?.message ?? err).split('\n')[0].slice(0, 300);
    return { id: req.id, ok: false, error: `prove failed: ${message}` };
  }
}

if (process.send && process.argv[2] === PROVER_CHILD_ARG) {
  useArtifactsDir(process.argv[3]);
  // The pool may be gone already (a service stopping while this child starts): drop the reply, never crash on EPIPE.
  const send = (m: ProveReply) => {
    if (process.connected) process.send!(m, undefined, undefined, () => undefined);
  };
  process.on('message', (msg: ProveRequest | { preload: CircuitName[] } | { stop: true }) => {
    if ('stop' in msg) {
      void releaseCurves().then(() => process.disconnect());
      return;
    }
    if ('preload' in msg) {
      for (const c of msg.preload) artifacts(c);
      return;
    }
    void handle(msg).then(send);
  });
  // the pool's process is gone: stop (ffjavascript's threads would keep an orphan alive)
  process.on('disconnect', () => process.exit(0));
  send({ id: -1, ready: true });
}
