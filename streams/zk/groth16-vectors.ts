/**
 * Writes sdk/spec/vectors/groth16.json — real proofs from the committed circuits for the SDKs to
 * verify locally, plus tampered ones (valid: false):
 *   node -r ./test/support/swc-register.js streams/zk/groth16-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verificationKey } from './artifacts';
import { ProverPool } from './prover-pool';
import { hasher, leavesOf } from './selector';
import { releaseCurves } from './snarkjs';
import { batchInput, checkInput, LowLeafTree } from './tree';
import { VECTOR_PEPPERS } from './vectors';

async function main() {
  const pepper = VECTOR_PEPPERS[0].pepperHex;
  const members = (await leavesOf(['alice@example.com', 'bob@example.org', 'carol@example.net', 'dave@example.io'], pepper)).map(BigInt);
  const [stranger] = (await leavesOf(['mallory@example.com'], pepper)).map(BigInt);
  const tree = LowLeafTree.build(members, await hasher());
  const pool = new ProverPool({ workers: 1 });
  const out: Record<string, unknown>[] = [];
  const add = (circuit: 'check' | 'batch4', r: { proof: unknown; publicSignals: string[] }, note: string) =>
    out.push({ circuit, note, vk: verificationKey(circuit).vk, vkHash: verificationKey(circuit).vkHash, proof: r.proof, publicSignals: r.publicSignals, valid: true });
  const m = await pool.prove('check', checkInput(tree.root, tree.witness(members[0])));
  add('check', m, 'membership of alice@example.com (pepper v1)');
  const s = await pool.prove('check', checkInput(tree.root, tree.witness(stranger)));
  add('check', s, 'non-membership of mallory@example.com');
  const b = await pool.prove('batch4', batchInput(tree.root, [members[1], stranger, members[3]].map((q) => tree.witness(q)), 4));
  add('batch4', b, 'bob, mallory, dave (padded with bob)');
  out.push({ ...out[0], note: 'tampered: answer flipped to 0', publicSignals: ['0', ...m.publicSignals.slice(1)], valid: false });
  out.push({ ...out[1], note: 'tampered: query swapped for alice', publicSignals: [s.publicSignals[0], s.publicSignals[1], members[0].toString()], valid: false });
  out.push({ ...out[2], note: 'tampered: root changed', publicSignals: [...b.publicSignals.slice(0, 4), (tree.root + 1n).toString(), ...b.publicSignals.slice(5)], valid: false });
  await pool.close();
  await releaseCurves();
  const file = join(__dirname, '../../sdk/spec/vectors/groth16.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`${out.length} vectors → ${file}`);
}

void main();
