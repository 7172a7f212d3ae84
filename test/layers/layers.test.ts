/**
 * The layer check (`make check-layers`, .dependency-cruiser.cjs) fails on a backwards import: a tiny
 * tree with the project's layer names, once clean and once with a planted import, is checked with
 * the project's own rules. The real tree is checked by `make check-layers` in `make test`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const depcruise = join(ROOT, 'node_modules', '.bin', 'depcruise');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-layers-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'es2022', strict: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const check = (dir: string) =>
  spawnSync(depcruise, ['--config', join(ROOT, '.dependency-cruiser.cjs'), 'schemas', 'streams', 'application', 'connectors'], {
    cwd: dir,
    encoding: 'utf8',
    // CI runs with FORCE_COLOR set; the assertions read plain text.
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });

const clean = {
  'schemas/errors.ts': 'export class TrustError extends Error {}\n',
  'streams/lac/decide.ts': "import { TrustError } from '../../schemas/errors';\nexport const decide = () => new TrustError('x');\n",
  'application/lac/handle.ts': "import { decide } from '../../streams/lac/decide';\nexport const handle = () => decide();\n",
  'connectors/http/route.ts': "import { handle } from '../../application/lac/handle';\nexport const route = () => handle();\n",
};

test('a tree whose imports point down passes', () => {
  const dir = tree(clean);
  try {
    const r = check(dir);
    expect(r.stdout).toContain('no dependency violations');
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a planted backwards import (a domain importing an adapter) fails, naming the rule and the import', () => {
  const dir = tree({ ...clean, 'streams/lac/decide.ts': "import { route } from '../../connectors/http/route';\nexport const decide = () => route();\n" });
  try {
    const r = check(dir);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/streams-import-no-layer-above: streams\/lac\/decide\.ts → connectors\/http\/route\.ts/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
