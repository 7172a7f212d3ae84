#!/usr/bin/env node
/**
 * SDK test vectors (run once; the outputs are committed):
 *   selectors.json  written only when the ZK domain has not written it (its own generator is authoritative)
 *   normalise.json  tricky Unicode cases: JavaScript's normalize('NFKC').trim().toLowerCase() is the reference
 *   groth16.sdk.json a Groth16 proof of a tiny Poseidon circuit (circuit/leaf.circom), a development
 *                   setup (local powers of tau, one contribution): valid and tampered cases
 * Usage: node sdk/spec/vectors/generate.js [--groth16]
 */
const { createHash } = require('node:crypto');
const { existsSync, writeFileSync, mkdtempSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const { execFileSync } = require('node:child_process');

const Q = 1n << 248n;
const normalise = (s) => s.normalize('NFKC').trim().toLowerCase();
const fieldOf = (s) => BigInt('0x' + createHash('sha256').update(Buffer.from(normalise(s), 'utf8')).digest('hex')) % Q;
const pepperField = (hex) => BigInt('0x' + hex.replace(/^0x/, '')) % Q;

async function main() {
  const { buildPoseidon } = require('circomlibjs');
  const poseidon = await buildPoseidon();
  const leaf = (pepperHex, s) => poseidon.F.toString(poseidon([pepperField(pepperHex), fieldOf(s)]));
  const tricky = ['alice@example.com', '  Alice@Example.COM\t', 'ＡＬＩＣＥ＠ＥＸＡＭＰＬＥ．ＣＯＭ', 'İstanbul', 'ΟΔΥΣΣΕΥΣ', 'Straße', 'ﬁnance', '\u00a0nbsp\u00a0', '\ufeffbom\ufeff', '\u1680ogham\u3000', '\u0085nel\u0085', '\u001cfs\u001f', 'e\u0301', 'Å', '①②', '+1 (555) 010-9999', '', '   ', '😀Emoji', 'ǅ', 'ΣΑΣ Σ', 'K', '\u2028ls\u2029'];
  const norm = tricky.map((input) => ({ input, normalised: normalise(input), field: fieldOf(input).toString() }));
  writeFileSync(join(__dirname, 'normalise.json'), JSON.stringify(norm, null, 2) + '\n');
  const sel = join(__dirname, 'selectors.json');
  if (!existsSync(sel)) {
    const peppers = [
      { pepperHex: '00', pepperVersion: 1 },
      { pepperHex: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', pepperVersion: 2 },
      { pepperHex: 'ff'.repeat(32), pepperVersion: 3 },
    ];
    const selectors = ['alice@example.com', '  Alice@Example.COM ', 'bob@example.org', '+1 555 0100', 'ＡＬＩＣＥ＠ＥＸＡＭＰＬＥ．ＣＯＭ', 'İstanbul', 'Straße', 'e\u0301cole'];
    const out = [];
    for (const p of peppers) for (const s of selectors) out.push({ selector: s, normalised: normalise(s), field: fieldOf(s).toString(), ...p, leaf: leaf(p.pepperHex, s) });
    writeFileSync(sel, JSON.stringify(out, null, 2) + '\n');
  }
  if (process.argv.includes('--groth16')) await groth16(leaf);
  process.exit(0);
}

async function groth16() {
  const snarkjs = require('snarkjs');
  const root = join(__dirname, '..', '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'tf-sdk-vectors-'));
  execFileSync(join(root, 'node_modules', '.bin', 'circom2'), [join(__dirname, 'circuit', 'leaf.circom'), '--r1cs', '--wasm', '-o', work, '-l', join(root, 'node_modules')], { stdio: 'inherit' });
  const ptau0 = join(work, 'pot0.ptau'), ptau1 = join(work, 'pot1.ptau'), ptau = join(work, 'pot.ptau');
  await snarkjs.powersOfTau.newAccumulator(await ffCurve(), 11, ptau0);
  await snarkjs.powersOfTau.contribute(ptau0, ptau1, 'sdk vectors', 'sdk-vectors-entropy');
  await snarkjs.powersOfTau.preparePhase2(ptau1, ptau);
  const z0 = join(work, 'leaf0.zkey'), z1 = join(work, 'leaf.zkey');
  await snarkjs.zKey.newZKey(join(work, 'leaf.r1cs'), ptau, z0);
  await snarkjs.zKey.contribute(z0, z1, 'sdk', 'sdk-vectors-entropy-2');
  const vkey = await snarkjs.zKey.exportVerificationKey(z1);
  const cases = [];
  for (const [pepperHex, selector] of [['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'alice@example.com'], ['00', 'bob@example.org']]) {
    const input = { pepper: pepperField(pepperHex).toString(), field: fieldOf(selector).toString() };
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, join(work, 'leaf_js', 'leaf.wasm'), z1);
    const ok = await snarkjs.groth16.verify(vkey, publicSignals, proof);
    if (!ok) throw new Error('fresh proof does not verify');
    cases.push({ name: `leaf of ${selector}`, proof, publicSignals, valid: true });
  }
  const [a] = cases;
  cases.push({ name: 'wrong public signal', proof: a.proof, publicSignals: [(BigInt(a.publicSignals[0]) + 1n).toString()], valid: false });
  cases.push({ name: 'proof of another statement', proof: cases[1].proof, publicSignals: a.publicSignals, valid: false });
  const pi_a = [...a.proof.pi_a];
  pi_a[1] = cases[1].proof.pi_a[1];
  cases.push({ name: 'pi_a not on the curve', proof: { ...a.proof, pi_a }, publicSignals: a.publicSignals, valid: false });
  for (const c of cases) c.snarkjs = await snarkjs.groth16.verify(vkey, c.publicSignals, c.proof);
  for (const c of cases) if (c.snarkjs !== c.valid) throw new Error(`snarkjs disagrees on ${c.name}`);
  writeFileSync(join(__dirname, 'groth16.sdk.json'), JSON.stringify({ circuit: 'sdk-leaf (sdk/spec/vectors/circuit/leaf.circom)', setup: 'development only: local powers of tau 2^11, one contribution', verificationKey: vkey, cases: cases.map(({ snarkjs: _s, ...c }) => c) }, null, 1) + '\n');
  console.log(`groth16.sdk.json: ${cases.length} cases`);
}

async function ffCurve() {
  const { getCurveFromName } = require('ffjavascript');
  return getCurveFromName('bn128');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
