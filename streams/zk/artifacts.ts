/**
 * The committed Groth16 artifacts (streams/zk/circuits/build, written by `make zk-keys`):
 * per circuit a witness generator (.wasm), a proving key (.zkey) and a verification key (.vkey.json),
 * with their sha256 in SHA256SUMS. vkHash = sha256 of the verification key file, as published.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type CircuitName = 'check' | 'batch4';

export interface CircuitInfo {
  name: CircuitName;
  /** Checks per proof. */
  k: number;
  depth: number;
  /** Public signals: overlap[k], root, query[k]. */
  describe: string;
}

export const CIRCUITS: Record<CircuitName, CircuitInfo> = {
  check: { name: 'check', k: 1, depth: 16, describe: 'one membership/non-membership check; public signals [overlap, root, query]' },
  batch4: { name: 'batch4', k: 4, depth: 16, describe: 'four checks against one root; public signals [overlap×4, root, query×4]' },
};

export const isCircuitName = (s: unknown): s is CircuitName => typeof s === 'string' && Object.prototype.hasOwnProperty.call(CIRCUITS, s);

let deploymentDir: string | undefined;

/**
 * The deployment's keys, when they are not this checkout's (TRUST_ZK_ARTIFACTS, read by
 * connectors/config.ts): set once at start-up by the ZK module, and handed to prover children.
 */
export function useArtifactsDir(dir: string | undefined): void {
  if (dir === deploymentDir) return;
  deploymentDir = dir;
  vkCache.clear();
}

/** The deployment's keys, or streams/zk/circuits/build found from the sources or from dist/. */
export function artifactsDir(): string {
  if (deploymentDir) return deploymentDir;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'streams/zk/circuits/build');
    if (existsSync(candidate)) return candidate;
    const local = join(dir, 'circuits/build');
    if (existsSync(local) && dir.endsWith(join('streams', 'zk'))) return local;
    dir = dirname(dir);
  }
  throw new Error('ZK artifacts not found (streams/zk/circuits/build); run make zk-keys');
}

export const artifactPaths = (c: CircuitName, dir = artifactsDir()) => ({
  wasm: join(dir, `${c}.wasm`),
  zkey: join(dir, `${c}.zkey`),
  vkey: join(dir, `${c}.vkey.json`),
});

const vkCache = new Map<CircuitName, { vk: Record<string, unknown>; vkHash: string; text: string }>();

export function verificationKey(c: CircuitName): { vk: Record<string, unknown>; vkHash: string; text: string } {
  let hit = vkCache.get(c);
  if (!hit) {
    const text = readFileSync(artifactPaths(c).vkey, 'utf8');
    hit = { vk: JSON.parse(text), vkHash: createHash('sha256').update(text).digest('hex'), text };
    vkCache.set(c, hit);
  }
  return hit;
}

/** Recorded sha256 of each artifact (SHA256SUMS) and whether the files on disk still match. */
export function checkArtifactHashes(dir = artifactsDir()): { file: string; expected: string; actual: string }[] {
  const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
  return sums.map((line) => {
    const [expected, file] = line.trim().split(/\s+/);
    const actual = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
    return { file, expected, actual };
  });
}

/** Measured constraint count (non-linear, after --O2) written by zk-keys. */
export function constraintCount(c: CircuitName, dir = artifactsDir()): number {
  return Number(readFileSync(join(dir, `${c}.constraints`), 'utf8').trim());
}
