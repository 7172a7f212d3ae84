import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as service from '../../../streams/zk/selector';
import { fieldOf, leafOf, leavesOf, normalise, pepperField, verifyGroth16 } from '../src';

// snarkjs keeps its BN254 curve (worker threads) on globalThis: end it so jest can exit.
afterAll(async () => {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  await g.curve_bn128?.terminate();
});

const vectors = join(__dirname, '..', '..', 'spec', 'vectors');
const load = (f: string) => JSON.parse(readFileSync(join(vectors, f), 'utf8'));

test('selectors.json: normalised, field and leaf agree with the shared vectors', async () => {
  const cases = load('selectors.json');
  expect(cases.length).toBeGreaterThan(5);
  for (const c of cases) {
    expect(normalise(c.selector)).toBe(c.normalised);
    expect(fieldOf(c.selector).toString()).toBe(c.field);
    expect(await leafOf(c.selector, c.pepperHex)).toBe(c.leaf);
  }
  const first = cases.filter((c: { pepperHex: string }) => c.pepperHex === cases[0].pepperHex);
  expect(await leavesOf(first.map((c: { selector: string }) => c.selector), cases[0].pepperHex)).toEqual(first.map((c: { leaf: string }) => c.leaf));
});

test('normalise.json edge cases; same results as the service module (streams/zk/selector.ts)', async () => {
  for (const c of load('normalise.json')) {
    expect([c.input, normalise(c.input)]).toEqual([c.input, c.normalised]);
    expect(fieldOf(c.input).toString()).toBe(c.field);
    expect(service.normalise(c.input)).toBe(normalise(c.input));
    expect(await service.leafOf(c.input, 'ab')).toBe(await leafOf(c.input, 'ab'));
  }
  expect(pepperField(' 0xFF ')).toBe(255n);
  expect(() => pepperField('xyz')).toThrow();
});

test('Groth16 vectors: valid proofs verify, tampered ones do not', async () => {
  const files = readdirSync(vectors).filter((f) => /^groth16.*\.json$/.test(f));
  expect(files.length).toBeGreaterThan(0);
  let n = 0;
  for (const f of files) {
    const v = load(f);
    // groth16.json (the ZK domain's circuits): a list of {note, vk, proof, publicSignals, valid};
    // groth16.sdk.json (the SDK's tiny circuit): {verificationKey, cases: [{name, proof, publicSignals, valid}]}.
    for (const c of Array.isArray(v) ? v : v.cases) {
      const name = c.name ?? c.note;
      expect([f, name, await verifyGroth16(c.vk ?? v.verificationKey, c.publicSignals, c.proof)]).toEqual([f, name, c.valid]);
      n++;
    }
  }
  expect(n).toBeGreaterThanOrEqual(5);
  expect(await verifyGroth16({}, [], { pi_a: [], pi_b: [], pi_c: [] })).toBe(false);
});
