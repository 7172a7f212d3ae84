/**
 * The native prover (native/zk-prover, built by `make zk-native`) against the reference: for many
 * seeded random sets and queries, members and non-members, on both circuits, every native proof
 * verifies with stock snarkjs and the committed verification keys, and its public signals equal the
 * ones snarkjs computes from the same input with the circuit's wasm. Tampered proofs and signals are
 * refused; an input the circuit rejects is an error and the process keeps serving; the pool runs the
 * native prover by default and says plainly when it falls back to snarkjs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../seeded-random';
import { artifactPaths, verificationKey, type CircuitName } from './artifacts';
import { NATIVE_BINARY_RELATIVE, NativeProverProcess, nativeProverBinary } from './native-prover';
import { ProverPool } from './prover-pool';
import { BN254_R, hasher } from './selector';
import { releaseCurves, snarkjs, type Groth16Proof } from './snarkjs';
import { batchInput, checkInput, LowLeafTree, MAX_VALUE } from './tree';

const ROOT_DIR = join(__dirname, '../..');
const SNARKJS_CLI = join(ROOT_DIR, 'node_modules/.bin/snarkjs');
const SEED = 0x15_2026;
/** Random sets and queries per circuit (each case: one set, its members and non-members). */
const CHECK_CASES = 24;
const BATCH_CASES = 8;

interface SnarkjsWitness {
  wtns: { calculate(input: Record<string, unknown>, wasm: string, out: { type: 'mem' }): Promise<void>; exportJson(w: { type: 'mem' }): Promise<bigint[]> };
}

const binary = nativeProverBinary();
let native: NativeProverProcess;
let h: (a: bigint, b: bigint) => bigint;
const rand = mulberry32(SEED);

/** A seeded random field element in [1, p-2] (253 bits drawn 32 at a time, reduced). */
function randomLeaf(): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
  return (v % (MAX_VALUE - 1n)) + 1n;
}

function randomTree(size: number): { tree: LowLeafTree; members: bigint[] } {
  const members = Array.from({ length: size }, randomLeaf);
  return { tree: LowLeafTree.build(members, h), members };
}

/** The public signals snarkjs computes for an input: the witness calculated with the circuit's wasm. */
async function snarkjsPublicSignals(circuit: CircuitName, input: Record<string, unknown>): Promise<string[]> {
  const s = snarkjs() as unknown as SnarkjsWitness;
  const out = { type: 'mem' as const };
  await s.wtns.calculate(input, artifactPaths(circuit).wasm, out);
  const w = await s.wtns.exportJson(out);
  const nPublic = (verificationKey(circuit).vk as { nPublic: number }).nPublic;
  return w.slice(1, 1 + nPublic).map(String);
}

async function verifies(circuit: CircuitName, publicSignals: string[], proof: Groth16Proof): Promise<boolean> {
  return snarkjs().groth16.verify(verificationKey(circuit).vk, publicSignals, proof);
}

beforeAll(async () => {
  if (!binary) throw new Error(`the native prover is not built (${NATIVE_BINARY_RELATIVE}): run make zk-native`);
  h = await hasher();
  native = new NativeProverProcess({ binary, threads: 2 });
  await native.ready;
});

afterAll(async () => {
  await native?.close();
  await releaseCurves();
});

test('the process loads both circuits from the committed zkeys and says so', async () => {
  const ready = await native.ready;
  expect(ready.circuits.map((c) => c.name).sort()).toEqual(['batch4', 'check']);
  const byName = Object.fromEntries(ready.circuits.map((c) => [c.name, c]));
  expect(byName.check.publicSignals).toBe((verificationKey('check').vk as { nPublic: number }).nPublic);
  expect(byName.batch4.publicSignals).toBe((verificationKey('batch4').vk as { nPublic: number }).nPublic);
});

test(`check: ${CHECK_CASES} seeded random sets and queries, members and non-members, verify with snarkjs and match its signals`, async () => {
  let membersSeen = 0;
  for (let i = 0; i < CHECK_CASES; i++) {
    const { tree, members } = randomTree(1 + Math.floor(rand() * 60));
    const member = i % 2 === 0;
    const query = member ? members[Math.floor(rand() * members.length)] : randomLeaf();
    const w = tree.witness(query);
    expect(w.overlap).toBe(member);
    const input = checkInput(tree.root, w);
    const r = await native.prove('check', input);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.publicSignals).toEqual([member ? '1' : '0', tree.root.toString(), query.toString()]);
    expect(r.publicSignals).toEqual(await snarkjsPublicSignals('check', input));
    expect(await verifies('check', r.publicSignals!, r.proof!)).toBe(true);
    if (member) membersSeen++;
  }
  expect(membersSeen).toBe(CHECK_CASES / 2);
});

test(`batch4: ${BATCH_CASES} seeded random sets with mixed members and non-members (and padded batches) verify with snarkjs and match its signals`, async () => {
  for (let i = 0; i < BATCH_CASES; i++) {
    const { tree, members } = randomTree(4 + Math.floor(rand() * 60));
    const k = 1 + (i % 4); // 1..4 real checks, the rest padded
    const queries = Array.from({ length: k }, () => (rand() < 0.5 ? members[Math.floor(rand() * members.length)] : randomLeaf()));
    const input = batchInput(tree.root, queries.map((q) => tree.witness(q)), 4);
    const r = await native.prove('batch4', input);
    expect(r.error).toBeUndefined();
    const expected = await snarkjsPublicSignals('batch4', input);
    expect(r.publicSignals).toEqual(expected);
    const padded = [...queries, ...Array(4 - k).fill(queries[0])];
    expect(r.publicSignals!.slice(0, 4)).toEqual(padded.map((q) => (members.includes(q) ? '1' : '0')));
    expect(await verifies('batch4', r.publicSignals!, r.proof!)).toBe(true);
  }
});

test('a native proof and a snarkjs proof of the same input carry the same signals; the snarkjs CLI verifies the native one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-native-'));
  const { tree, members } = randomTree(20);
  const input = checkInput(tree.root, tree.witness(members[7]));
  const n = await native.prove('check', input);
  const p = artifactPaths('check');
  const ref = await snarkjs().groth16.fullProve(input, p.wasm, p.zkey);
  expect(n.publicSignals).toEqual(ref.publicSignals);
  writeFileSync(join(dir, 'vk.json'), verificationKey('check').text);
  writeFileSync(join(dir, 'proof.json'), JSON.stringify(n.proof));
  writeFileSync(join(dir, 'public.json'), JSON.stringify(n.publicSignals));
  const out = execFileSync(SNARKJS_CLI, ['groth16', 'verify', join(dir, 'vk.json'), join(dir, 'public.json'), join(dir, 'proof.json')], { encoding: 'utf8' });
  expect(out).toMatch(/OK!/);
  // Groth16 proofs are randomised: two proofs of one input differ, both verify.
  const again = await native.prove('check', input);
  expect(again.proof!.pi_a).not.toEqual(n.proof!.pi_a);
  expect(await verifies('check', again.publicSignals!, again.proof!)).toBe(true);
});

test('tampered native proofs and signals are refused by snarkjs', async () => {
  const { tree, members } = randomTree(10);
  const r = await native.prove('check', checkInput(tree.root, tree.witness(members[2])));
  const flipped = ['0', ...r.publicSignals!.slice(1)];
  expect(await verifies('check', flipped, r.proof!)).toBe(false);
  const other = { ...r.proof!, pi_a: [r.proof!.pi_c[0], r.proof!.pi_c[1], '1'] };
  expect(await verifies('check', r.publicSignals!, other)).toBe(false);
  // A check proof is not a batch4 proof.
  expect(await verifies('batch4', r.publicSignals!, r.proof!)).toBe(false);
});

test('an input the circuit rejects is an error naming the problem, and the process keeps serving', async () => {
  const { tree, members } = randomTree(10);
  const good = checkInput(tree.root, tree.witness(members[0]));
  const wrongRoot = { ...good, root: (tree.root + 1n).toString() };
  const bad = await native.prove('check', wrongRoot);
  expect(bad.ok).toBe(false);
  expect(bad.error).toMatch(/^witness: .*Assert Failed/);
  const missing = await native.prove('check', { root: good.root });
  expect(missing.ok).toBe(false);
  const unknown = await native.prove('nope' as CircuitName, good);
  expect(unknown).toMatchObject({ ok: false, error: expect.stringMatching(/unknown circuit/) });
  const notNumber = await native.prove('check', { ...good, query: 'abc' });
  expect(notNumber).toMatchObject({ ok: false, error: expect.stringMatching(/not an integer/) });
  const after = await native.prove('check', good);
  expect(after.ok).toBe(true);
  expect(await verifies('check', after.publicSignals!, after.proof!)).toBe(true);
});

test('values at or above the field prime are taken modulo it, as snarkjs does; a 300-bit value never crashes the process', async () => {
  const { tree, members } = randomTree(9);
  const input = checkInput(tree.root, tree.witness(members[4]));
  const wrapped = { ...input, query: (BigInt(input.query as string) + BN254_R).toString() };
  const r = await native.prove('check', wrapped);
  expect(r.error).toBeUndefined();
  expect(r.publicSignals).toEqual(['1', tree.root.toString(), members[4].toString()]);
  expect(r.publicSignals).toEqual(await snarkjsPublicSignals('check', wrapped));
  const huge = await native.prove('check', { ...input, lowValue: (2n ** 300n).toString() });
  expect(huge.ok).toBe(false);
  expect(native.alive).toBe(true);
  expect((await native.prove('check', input)).ok).toBe(true);
});

test('the pool proves natively by default; a missing binary falls back to snarkjs and says how to build it', async () => {
  const pool = new ProverPool({ workers: 1, retries: 0, threads: 1 });
  const fallback: string[] = [];
  const missing = new ProverPool({ workers: 1, retries: 0, nativeBinary: join(tmpdir(), 'no-such-trust-zk-prover'), warn: (m) => fallback.push(m) });
  try {
    const { tree, members } = randomTree(12);
    const input = checkInput(tree.root, tree.witness(members[5]));
    const r = await pool.prove('check', input);
    expect(pool.prover.kind).toBe('native');
    expect(r.prover).toBe('native');
    expect(r.witnessMs).toBeGreaterThan(0);
    expect(await verifies('check', r.publicSignals, r.proof)).toBe(true);
    expect(missing.prover.kind).toBe('snarkjs');
    expect(fallback.join('\n')).toMatch(/not built.*make zk-native.*rustup/s);
    const s = await missing.prove('check', input);
    expect(s.prover).toBe('snarkjs');
    expect(s.publicSignals).toEqual(r.publicSignals);
  } finally {
    await pool.close();
    await missing.close();
  }
});

test('a native process that dies mid-queue answers its pending jobs as failed; the pool replaces it and the retry succeeds', async () => {
  const pool = new ProverPool({ workers: 1, retries: 1, threads: 1 });
  try {
    await pool.ready();
    const { tree, members } = randomTree(8);
    const input = checkInput(tree.root, tree.witness(members[1]));
    const first = pool.prove('check', input);
    // kill the process proving the first job: the job fails once, is retried on the new process
    const slots = (pool as unknown as { slots: { kind: string; stop(): Promise<void> }[] }).slots;
    expect(slots[0].kind).toBe('native');
    const pid = (pool as unknown as { slots: { pid?: number }[] }).slots[0].pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    const r = await first;
    expect(r.attempts).toBe(2);
    expect(r.prover).toBe('native');
    expect(await verifies('check', r.publicSignals, r.proof)).toBe(true);
  } finally {
    await pool.close();
  }
});

test('a pool that started on snarkjs while the native prover was building switches to it once the binary appears', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-native-build-'));
  const later = join(dir, 'trust-zk-prover');
  const said: string[] = [];
  const pool = new ProverPool({ workers: 1, retries: 0, threads: 1, nativeBinary: later, nativeBuildPollMs: 0, warn: (m) => said.push(m) });
  try {
    const { tree, members } = randomTree(6);
    const input = checkInput(tree.root, tree.witness(members[0]));
    const before = await pool.prove('check', input);
    expect(before.prover).toBe('snarkjs');
    symlinkSync(binary!, later); // the background build finishing
    const after = await pool.prove('check', input);
    expect(after.prover).toBe('native');
    expect(after.publicSignals).toEqual(before.publicSignals);
    expect(await verifies('check', after.publicSignals, after.proof)).toBe(true);
    expect(said.join('\n')).toMatch(/not built[\s\S]*is built/);
  } finally {
    await pool.close();
  }
});
