/**
 * ZK-TX client-side cryptography: the hashing contract (selector → field element → leaf) and local
 * Groth16 verification. The same steps as streams/zk/selector.ts (the service's definition), checked
 * against sdk/spec/vectors/ like the Python and Go SDKs:
 *
 *   normalise(s)   = s.normalize('NFKC').trim().toLowerCase()
 *   fieldOf(s)     = int(sha256(utf8(normalise(s)))) mod 2^248
 *   pepperField(h) = int(h, 16) mod 2^248
 *   leaf           = Poseidon([pepperField, fieldOf(s)])   circomlib Poseidon, BN254, decimal string
 *
 * Raw selectors never leave the caller: only leaves are sent.
 */
import { createHash } from 'node:crypto';

const FIELD_MASK = (1n << 248n) - 1n;

export function normalise(selector: string): string {
  return selector.normalize('NFKC').trim().toLowerCase();
}

export function fieldOf(selector: string): bigint {
  return BigInt('0x' + createHash('sha256').update(Buffer.from(normalise(selector), 'utf8')).digest('hex')) & FIELD_MASK;
}

export function pepperField(pepperHex: string): bigint {
  const hex = pepperHex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new TypeError('pepper must be hex');
  return BigInt('0x' + hex) & FIELD_MASK;
}

type Poseidon = ((inputs: bigint[]) => unknown) & { F: { toObject(x: unknown): bigint } };
let poseidon: Promise<Poseidon> | undefined;
const getPoseidon = () => (poseidon ??= (require('circomlibjs') as { buildPoseidon(): Promise<Poseidon> }).buildPoseidon());

/** The leaf of a selector under a pepper (decimal string). A query is a leaf computed the same way. */
export async function leafOf(selector: string, pepperHex: string): Promise<string> {
  return (await leavesOf([selector], pepperHex))[0];
}

/** Leaves of many selectors; duplicates after normalisation are kept (dedupe before committing a set). */
export async function leavesOf(selectors: readonly string[], pepperHex: string): Promise<string[]> {
  const p = await getPoseidon();
  const pf = pepperField(pepperHex);
  return selectors.map((s) => p.F.toObject(p([pf, fieldOf(s)])).toString());
}

export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol?: string;
  curve?: string;
}

/**
 * Local Groth16 verification (snarkjs formats: verification_key.json, proof.json, public signals as
 * decimal strings). False for a proof that does not verify or is malformed; never throws on bad input.
 */
export async function verifyGroth16(verificationKey: object, publicSignals: readonly string[], proof: Groth16Proof): Promise<boolean> {
  try {
    const snarkjs = require('snarkjs') as { groth16: { verify(vk: object, pub: readonly string[], proof: object, logger?: unknown): Promise<boolean> } };
    return await snarkjs.groth16.verify(verificationKey, publicSignals, proof);
  } catch {
    return false;
  }
}
