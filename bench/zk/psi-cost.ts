/**
 * Cost figures for the PSI ADR (docs/adr/0002-psi-variants.md): per-element work of an ECDH-PSI
 * round (X25519 scalar multiplication over a hashed element, both directions), against a Poseidon
 * leaf, on this machine. `node -r ./test/support/swc-register.js bench/zk/psi-cost.ts`
 */
import { createHash, diffieHellman, generateKeyPairSync, createPublicKey } from 'node:crypto';
import { conditions, round } from '../stats';
import { hasher } from '../../streams/zk/selector';

async function main() {
  const n = Number(process.env.N ?? 5000);
  console.log(`psi-cost conditions ${conditions({ n })}`);
  // ECDH-PSI: each side blinds H(x) with its secret; the other re-blinds. One X25519 op per element per direction.
  // (hash-to-curve approximated by using H(x) as a Montgomery u-coordinate: same scalar-mult cost)
  const a = generateKeyPairSync('x25519');
  const points = Array.from({ length: n }, (_, i) => {
    const u = createHash('sha256').update(`selector-${i}`).digest();
    u[31] &= 0x7f;
    const der = Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), u]);
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  });
  let t = process.hrtime.bigint();
  for (const p of points) diffieHellman({ privateKey: a.privateKey, publicKey: p });
  const ecdhUs = Number(process.hrtime.bigint() - t) / 1e3 / n;
  const h = await hasher();
  t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) h(BigInt(i + 1), BigInt(i + 7));
  const poseidonUs = Number(process.hrtime.bigint() - t) / 1e3 / n;
  console.log(JSON.stringify({ x25519_scalar_mult_us: round(ecdhUs, 2), poseidon2_us: round(poseidonUs, 2), ecdh_psi_bytes_per_element: 32 }));
}
void main();
