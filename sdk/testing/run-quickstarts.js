#!/usr/bin/env node
/**
 * Runs the code of each sdk/<lang>/QUICKSTART.md (the fenced block tagged `quickstart`) end to end
 * against the live service of sdk/testing/with-server.sh (TRUST_URL, TRUST_KEY), the way a new user
 * would: TS through the built package (`@trust-fabric/sdk` → sdk/ts), Python in the SDK's venv, Go as
 * a new module with a replace directive. Prints each run time; exit 1 when one fails.
 * Usage: sdk/testing/with-server.sh node sdk/testing/run-quickstarts.js [ts] [python] [go]
 */
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const sdk = join(root, 'sdk');
const work = join(sdk, '.quickstart');

function block(lang) {
  const md = readFileSync(join(sdk, lang, 'QUICKSTART.md'), 'utf8');
  const m = md.match(/```\w+ quickstart\n([\s\S]*?)```/);
  if (!m) throw new Error(`sdk/${lang}/QUICKSTART.md has no \`quickstart\` block`);
  return m[1];
}

const runners = {
  ts() {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(sdk, 'ts', 'tsconfig.json')], { stdio: 'inherit' });
    const dir = join(work, 'ts');
    mkdirSync(join(dir, 'node_modules', '@trust-fabric'), { recursive: true });
    symlinkSync(join(sdk, 'ts'), join(dir, 'node_modules', '@trust-fabric', 'sdk'));
    writeFileSync(join(dir, 'quickstart.ts'), block('ts'));
    return ['node', ['-r', join(root, 'test', 'support', 'swc-register.js'), 'quickstart.ts'], dir];
  },
  python() {
    const dir = join(work, 'python');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'quickstart.py'), block('python'));
    return [process.env.SDK_PYTHON || join(sdk, 'python', '.venv', 'bin', 'python'), ['quickstart.py'], dir];
  },
  go() {
    const dir = join(work, 'go');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.go'), block('go'));
    writeFileSync(join(dir, 'go.mod'), `module quickstart\n\ngo 1.26\n\nrequire github.com/trust-fabric/trust-fabric/sdk/go v0.0.0\n\nreplace github.com/trust-fabric/trust-fabric/sdk/go => ${join(sdk, 'go')}\n`);
    execFileSync('go', ['mod', 'tidy'], { cwd: dir, stdio: 'inherit' });
    return ['go', ['run', '.'], dir];
  },
};

if (!process.env.TRUST_URL || !process.env.TRUST_KEY) {
  console.error('run-quickstarts: TRUST_URL and TRUST_KEY are needed (run it through sdk/testing/with-server.sh)');
  process.exit(2);
}
const langs = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(runners);
rmSync(work, { recursive: true, force: true });
const results = [];
for (const lang of langs) {
  const t0 = Date.now();
  const [cmd, args, cwd] = runners[lang]();
  const t1 = Date.now();
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: process.env, timeout: 300_000 });
  const t2 = Date.now();
  results.push({ lang, ok: r.status === 0, setupS: (t1 - t0) / 1000, runS: (t2 - t1) / 1000 });
  console.log(`quickstart ${lang}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((t2 - t1) / 1000).toFixed(1)} s (setup ${((t1 - t0) / 1000).toFixed(1)} s)`);
}
rmSync(work, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok).length;
console.log(JSON.stringify({ quickstarts: results }));
console.log(`quickstarts: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
