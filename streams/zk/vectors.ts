/** Writes sdk/spec/vectors/selectors.json (the shared hashing vectors): `node -r ./test/support/swc-register.js streams/zk/vectors.ts`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldOf, leafOf, normalise } from './selector';

export const VECTOR_SELECTORS = [
  'alice@example.com',
  '  Alice@Example.COM  ',
  'ALICE@EXAMPLE.COM',
  '\tbob@example.org\n',
  'Ünïcödé@例え.jp',
  'ｆｕｌｌｗｉｄｔｈ@ｅｘａｍｐｌｅ.ｃｏｍ',
  'Straße@example.de',
  'e\u0301cole@example.fr',
  '\u00e9cole@example.fr',
  'ﬁnance@example.com',
  '+1 (555) 010-0199',
  'device:3f9a-77c1-DEADBEEF',
  '😀 emoji@example.com',
  '',
];

export const VECTOR_PEPPERS = [
  { pepperHex: '5f1d3a9c0b7e24e8a1c6f09d3b2e7a4c8d1f6e0a9b3c5d7e2f4a6b8c0d1e3f5a', pepperVersion: 1 },
  { pepperHex: 'ff' .repeat(32), pepperVersion: 2 },
];

export async function buildVectors() {
  const out = [];
  for (const [i, selector] of VECTOR_SELECTORS.entries()) {
    const { pepperHex, pepperVersion } = VECTOR_PEPPERS[i % 5 === 4 ? 1 : 0];
    out.push({ selector, normalised: normalise(selector), field: fieldOf(selector).toString(), pepperHex, pepperVersion, leaf: await leafOf(selector, pepperHex) });
  }
  // The same selector under both pepper versions (rotation changes every leaf).
  for (const { pepperHex, pepperVersion } of VECTOR_PEPPERS) {
    const selector = 'rotation@example.com';
    out.push({ selector, normalised: normalise(selector), field: fieldOf(selector).toString(), pepperHex, pepperVersion, leaf: await leafOf(selector, pepperHex) });
  }
  return out;
}

if (require.main === module) {
  void buildVectors().then((v) => {
    const file = join(__dirname, '../../sdk/spec/vectors/selectors.json');
    writeFileSync(file, JSON.stringify(v, null, 2) + '\n');
    console.log(`${v.length} vectors → ${file}`);
  });
}
