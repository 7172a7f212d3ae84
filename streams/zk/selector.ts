/**
 * The ZK-TX hashing contract — the one definition of how a raw selector becomes a leaf.
 * The TypeScript SDK and `trust zk leaves` use this module; the Python and Go SDKs implement
 * the same steps and are checked against sdk/spec/vectors/selectors.json. Do not change it:
 * every committed set depends on it.
 *
 *   normalise(s)   = s.normalize('NFKC').trim().toLowerCase()
 *   fieldOf(s)     = BigInt('0x' + sha256hex(utf8(normalise(s)))) mod 2^248
 *   pepperField(h) = BigInt('0x' + h) mod 2^248           (h: the alliance pepper, hex)
 *   leaf(s)        = Poseidon([pepperField, fieldOf(s)])  (circomlib Poseidon, 2 inputs, BN254), decimal
 * A query is a leaf computed the same way.
 *
 * This runs on the client side only: raw selectors never reach the server.
 */
import { createHash } from 'node:crypto';

export const FIELD_BITS = 248n;
const FIELD_MASK = (1n << FIELD_BITS) - 1n;
/** BN254 scalar field order (the circuits' field). */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export function normalise(selector: string): string {
  return selector.normalize('NFKC').trim().toLowerCase();
}

export function fieldOf(selector: string): bigint {
  const hex = createHash('sha256').update(Buffer.from(normalise(selector), 'utf8')).digest('hex');
  return BigInt('0x' + hex) & FIELD_MASK;
}

/** Parses a pepper (hex, optional 0x, surrounding whitespace allowed) into its field element. */
export function pepperField(pepperHex: string): bigint {
  const hex = pepperHex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new Error('pepper must be hex on one line');
  return BigInt('0x' + hex) & FIELD_MASK;
}

type Poseidon = ((inputs: bigint[]) => unknown) & { F: { toObject(x: unknown): bigint } };
let poseidonPromise: Promise<Poseidon> | undefined;

/** circomlibjs Poseidon (WASM), built once per process. */
export function poseidon(): Promise<Poseidon> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  poseidonPromise ??= (require('circomlibjs') as { buildPoseidon(): Promise<Poseidon> }).buildPoseidon();
  return poseidonPromise;
}

/** Poseidon of two field elements, as a bigint. */
export async function hash2(a: bigint, b: bigint): Promise<bigint> {
  const p = await poseidon();
  return p.F.toObject(p([a, b]));
}

/** A synchronous hasher once Poseidon is built (tree building hashes many nodes). */
export async function hasher(): Promise<(a: bigint, b: bigint) => bigint> {
  const p = await poseidon();
  return (a, b) => p.F.toObject(p([a, b]));
}

/** The leaf of one selector under a pepper, as a decimal string. */
export async function leafOf(selector: string, pepperHex: string): Promise<string> {
  return (await hash2(pepperField(pepperHex), fieldOf(selector))).toString();
}

/** Leaves of many selectors (one Poseidon build). */
export async function leavesOf(selectors: string[], pepperHex: string): Promise<string[]> {
  const h = await hasher();
  const pf = pepperField(pepperHex);
  return selectors.map((s) => h(pf, fieldOf(s)).toString());
}

/** True when `s` is a canonical decimal field element (what the server accepts as a leaf or query). */
export function isFieldElement(s: unknown): s is string {
  if (typeof s !== 'string' || !/^(0|[1-9][0-9]{0,76})$/.test(s)) return false;
  return BigInt(s) < BN254_R;
}
