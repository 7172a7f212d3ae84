/** `make sdk-parity` fails when an SDK's surface drifts: fed a Python surface missing a method and an error type, it exits 1 naming both. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

test('a drifted SDK surface fails the parity check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-parity-'));
  try {
    // A stand-in for the venv's python: the TS surface in snake_case, less commit_set and NotFoundError.
    const fake = join(dir, 'python');
    writeFileSync(
      fake,
      `#!/usr/bin/env node
const { execFileSync } = require('node:child_process');
const ts = JSON.parse(execFileSync('node', ['-r', './test/support/swc-register.js', 'sdk/ts/src/surface.ts'], { cwd: ${JSON.stringify(root)}, encoding: 'utf8' }));
const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const errors = { ...ts.errors, NOT_FOUND: 'MissingError' };
console.log(JSON.stringify({ language: 'python', methods: ts.methods.map(snake).filter((m) => m !== 'commit_set').concat(['extra_thing']), functions: ts.functions.map(snake), errors }));
`,
    );
    chmodSync(fake, 0o755);
    const r = spawnSync('node', ['sdk/spec/parity.js'], { cwd: root, encoding: 'utf8', env: { ...process.env, SDK_PYTHON: fake } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('python: client method commit_set (commitSet) is missing');
    expect(r.stderr).toContain('python: error NotFoundError for NOT_FOUND is missing');
    expect(r.stderr).toContain('python: public client method extra_thing is not an operation of the spec');
    expect(r.stdout).toContain('3 difference(s)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
