import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fieldOf, leafOf, normalise, pepperField, isFieldElement, BN254_R } from './selector';
import { buildVectors } from './vectors';
import { leavesFromText, readPepper, parsePepperVersion } from '../../connectors/cli/commands/zk';

const vectors = JSON.parse(readFileSync(join(__dirname, '../../sdk/spec/vectors/selectors.json'), 'utf8')) as {
  selector: string; normalised: string; field: string; pepperHex: string; pepperVersion: number; leaf: string;
}[];

describe('the hashing contract', () => {
  it('normalises with NFKC, trim and lower case', () => {
    expect(normalise('  Alice@Example.COM \n')).toBe('alice@example.com');
    expect(normalise('ｆｕｌｌ')).toBe('full');
    expect(normalise('e\u0301')).toBe('\u00e9');
    expect(normalise('ﬁ')).toBe('fi');
  });

  it('maps to a field element below 2^248', () => {
    for (const s of ['a', 'b', 'x'.repeat(1000)]) expect(fieldOf(s) < 1n << 248n).toBe(true);
    expect(pepperField('ff'.repeat(40)) < 1n << 248n).toBe(true);
    expect(pepperField('0x0A')).toBe(10n);
  });

  it('matches the committed shared vectors (≥ 12, unicode, whitespace and case included)', async () => {
    expect(vectors.length).toBeGreaterThanOrEqual(12);
    expect(await buildVectors()).toEqual(vectors);
    for (const v of vectors) {
      expect(normalise(v.selector)).toBe(v.normalised);
      expect(fieldOf(v.selector).toString()).toBe(v.field);
      expect(await leafOf(v.selector, v.pepperHex)).toBe(v.leaf);
      expect(isFieldElement(v.leaf)).toBe(true);
    }
    // case and whitespace variants share a leaf; a pepper rotation changes it
    expect(vectors[0].leaf).toBe(vectors[1].leaf);
    const rot = vectors.filter((v) => v.selector === 'rotation@example.com');
    expect(rot[0].leaf).not.toBe(rot[1].leaf);
  });

  it('accepts only canonical decimal field elements as leaves', () => {
    expect(isFieldElement('0')).toBe(true);
    expect(isFieldElement((BN254_R - 1n).toString())).toBe(true);
    expect(isFieldElement(BN254_R.toString())).toBe(false);
    expect(isFieldElement('012')).toBe(false);
    expect(isFieldElement('alice@example.com')).toBe(false);
    expect(isFieldElement(12)).toBe(false);
  });
});

describe('trust zk leaves', () => {
  it('reads the pepper file and names the option when it is wrong', () => {
    expect(readPepper('0xABcd\n')).toBe('ABcd');
    expect(() => readPepper('ab\ncd\n')).toThrow(/--pepper-file/);
    expect(() => readPepper('not hex')).toThrow(/--pepper-file/);
    expect(() => parsePepperVersion('x')).toThrow(/--pepper-version/);
    expect(parsePepperVersion('3')).toBe(3);
  });

  it('prints the leaves of stdin selectors as a JSON array, as the SDK computes them', async () => {
    const v = vectors.filter((x) => x.pepperVersion === 1 && x.selector.trim() !== '');
    expect(await leavesFromText(v.map((x) => x.selector.replace(/\n/g, ' ')).join('\n'), v[0].pepperHex)).toEqual(v.map((x) => x.leaf));

    const dir = mkdtempSync(join(tmpdir(), 'zk-leaves-'));
    writeFileSync(join(dir, 'pepper'), v[0].pepperHex + '\n');
    const script = "const {Command}=require('commander');const p=new Command('trust');require('./connectors/cli/commands/zk').register(p);p.parseAsync(process.argv.slice(1),{from:'user'})";
    const run = spawnSync(process.execPath, ['-r', './test/support/swc-register.js', '-e', script, 'zk', 'leaves', '--pepper-file', join(dir, 'pepper'), '--pepper-version', '1'], {
      cwd: join(__dirname, '../..'), input: 'alice@example.com\n\n  BOB@example.org\n', encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([vectors[0].leaf, vectors[3].leaf]);
  });
});
