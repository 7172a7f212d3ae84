/**
 * DESIGN.md: configuration by environment, read in one module. connectors/config.ts reads
 * process.env; every other product module is given its values. Tests, benches and infra scripts
 * (outside these folders, or *.test.ts / testing.ts) may read the environment for their own harness.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const PRODUCT = ['schemas', 'streams', 'projections', 'application', 'connectors'];
const THE_READER = 'connectors/config.ts';
/** Tests and their support (what tsconfig.build.json leaves out, and testing/ folders). */
const notProduct = (file: string) => file.endsWith('.test.ts') || file.endsWith('/testing.ts') || file.includes('/testing/') || file === 'streams/log/contract.ts';

function* tsFiles(root: string, dir: string): Generator<string> {
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) yield* tsFiles(root, path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) yield path;
  }
}

/** `file:line` of every read of process.env in a product module other than the config module. */
export function envReaders(root: string): string[] {
  const found: string[] = [];
  for (const folder of PRODUCT) {
    for (const file of tsFiles(root, folder)) {
      if (file === THE_READER || notProduct(file)) continue;
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/process\s*(\.\s*env|\[\s*['"]env['"]\s*\])/.test(line)) found.push(`${file}:${i + 1}`);
        });
    }
  }
  return found;
}

test('only connectors/config.ts reads the environment', () => {
  expect(envReaders(join(__dirname, '..', '..'))).toEqual([]);
});

test('a product module reading process.env is found, in whatever spelling; the config module and tests are not', () => {
  const root = mkdtempSync(join(tmpdir(), 'tf-env-'));
  const plant = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  for (const folder of PRODUCT) mkdirSync(join(root, folder), { recursive: true });
  plant(THE_READER, 'export const port = process.env.PORT;\n');
  plant('streams/zk/planted.ts', "// a knob\nexport const dir = process.env.TRUST_SOMETHING;\n");
  plant('application/planted.ts', "export const env = process['env'];\n");
  plant('projections/ops/planted.test.ts', 'export const t = process.env.T;\n');
  plant('projections/testing/planted.ts', 'export const t = process.env.T;\n');
  try {
    expect(envReaders(root).sort()).toEqual(['application/planted.ts:1', 'streams/zk/planted.ts:2']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
