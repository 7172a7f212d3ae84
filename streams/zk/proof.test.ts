/**
 * The committed circuits and keys, end to end with real snarkjs: low-leaf membership and
 * non-membership, the batched circuit, verification in process and with the snarkjs command line,
 * tampered proofs refused, a failing prove retried then failed with its reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactPaths, checkArtifactHashes, constraintCount, verificationKey } from './artifacts';
import { ProveFailed, ProverPool } from './prover-pool';
import { hasher, leavesOf } from './selector';
import { releaseCurves, snarkjs } from './snarkjs';
import { batchInput, checkInput, LowLeafTree } from './tree';

const ROOT_DIR = join(__dirname, '../..');
const SNARKJS_CLI = join(ROOT_DIR, 'node_modules/.bin/snarkjs');
const PEPPER = '5f1d3a9c0b7e24e8a1c6f09d3b2e7a4c8d1f6e0a9b3c5d7e2f4a6b8c0d1e3f5a';

let pool: ProverPool;
let tree: LowLeafTree;
let members: bigint[];
let strangers: bigint[];

beforeAll(async () => {
  pool = new ProverPool({ workers: 1, retries: 1 });
  const h = await hasher();
  members = (await leavesOf(Array.from({ length: 40 }, (_, i) => `member-${i}@example.com`), PEPPER)).map(BigInt);
  strangers = (await leavesOf(['stranger-1@example.com', 'stranger-2@example.com'], PEPPER)).map(BigInt);
  tree = LowLeafTree.build(members, h);
  await pool.ready();
});

afterAll(async () => {
  await pool.close();
  await releaseCurves();
});

test('artifacts match their recorded hashes; constraint counts are the measured ones', () => {
  for (const a of checkArtifactHashes()) expect(a.actual).toBe(a.expected);
  expect(constraintCount('check')).toBeGreaterThan(4000);
  expect(constraintCount('check')).toBeLessThan(8000);
  expect(constraintCount('batch4')).toBeGreaterThan(3.9 * constraintCount('check'));
});

test('membership and non-membership proofs bind the root and the query; snarkjs CLI verifies them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-proof-'));
  const member = await pool.prove('check', checkInput(tree.root, tree.witness(members[3])));
  expect(member.publicSignals).toEqual(['1', tree.root.toString(), members[3].toString()]);
  const stranger = await pool.prove('check', checkInput(tree.root, tree.witness(strangers[0])));
  expect(stranger.publicSignals).toEqual(['0', tree.root.toString(), strangers[0].toString()]);

  writeFileSync(join(dir, 'vk.json'), verificationKey('check').text);
  for (const [name, r] of [['member', member], ['stranger', stranger]] as const) {
    writeFileSync(join(dir, `${name}.proof.json`), JSON.stringify(r.proof));
    writeFileSync(join(dir, `${name}.public.json`), JSON.stringify(r.publicSignals));
    const out = execFileSync(SNARKJS_CLI, ['groth16', 'verify', join(dir, 'vk.json'), join(dir, `${name}.public.json`), join(dir, `${name}.proof.json`)], { encoding: 'utf8' });
    expect(out).toMatch(/OK!/);
  }
  // swapping the answer or the query breaks the proof
  const vk = verificationKey('check').vk;
  expect(await snarkjs().groth16.verify(vk, ['0', ...member.publicSignals.slice(1)], member.proof)).toBe(false);
  expect(await snarkjs().groth16.verify(vk, [member.publicSignals[0], member.publicSignals[1], strangers[1].toString()], member.proof)).toBe(false);
  writeFileSync(join(dir, 'forged.public.json'), JSON.stringify(['1', ...stranger.publicSignals.slice(1)]));
  const forged = spawnSync(SNARKJS_CLI, ['groth16', 'verify', join(dir, 'vk.json'), join(dir, 'forged.public.json'), join(dir, 'stranger.proof.json')], { encoding: 'utf8' });
  expect(forged.stdout + forged.stderr).toMatch(/Invalid proof/);
  expect(member.proveMs).toBeLessThan(5000);
});

test('the batched circuit answers four checks against one root in one proof', async () => {
  const qs = [members[0], strangers[0], members[39], strangers[1]];
  const r = await pool.prove('batch4', batchInput(tree.root, qs.map((q) => tree.witness(q)), 4));
  expect(r.publicSignals).toEqual(['1', '0', '1', '0', tree.root.toString(), ...qs.map(String)]);
  expect(await snarkjs().groth16.verify(verificationKey('batch4').vk, r.publicSignals, r.proof)).toBe(true);
});

test('a prove that cannot succeed is retried, then fails with its reason', async () => {
  const bad = checkInput(tree.root + 1n, tree.witness(members[0])); // a root the path does not reach
  const err = await pool.prove('check', bad).catch((e) => e);
  expect(err).toBeInstanceOf(ProveFailed);
  expect(err.attempts).toBe(2);
  expect(err.reason).toMatch(/prove failed: .*Assert Failed.*\(after 2 attempts\)/);
  // the pool still serves after a failure
  expect((await pool.prove('check', checkInput(tree.root, tree.witness(members[1])))).publicSignals[0]).toBe('1');
});

test('the shared Groth16 vectors verify (and the tampered ones do not)', async () => {
  const vectors = JSON.parse(readFileSync(join(ROOT_DIR, 'sdk/spec/vectors/groth16.json'), 'utf8')) as { circuit: string; vk: unknown; proof: never; publicSignals: string[]; valid: boolean }[];
  expect(vectors.filter((v) => v.valid).length).toBeGreaterThanOrEqual(3);
  expect(vectors.filter((v) => !v.valid).length).toBeGreaterThanOrEqual(2);
  for (const v of vectors) expect(await snarkjs().groth16.verify(v.vk, v.publicSignals, v.proof)).toBe(v.valid);
  expect(artifactPaths('check').zkey).toMatch(/check\.zkey$/);
});
