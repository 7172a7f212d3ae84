#!/usr/bin/env node
/**
 * make sdk-parity: the public surface of every SDK against the spec and against each other.
 *   - sdk/spec/openapi.yaml is what the parts give (merge.js --check)
 *   - every operation under /v1 and /healthz (pages under /ui are not SDK operations) is a client
 *     method in each SDK, named by its operationId in the language's casing (TS camelCase, Python
 *     snake_case, Go PascalCase), and no SDK has a public client method the spec does not name
 *     (the helpers below excepted)
 *   - the helpers and module functions exist in all three
 *   - every ErrorCode of the spec has its typed error in each SDK (TS/Python <Code>Error, Go Err<Code>)
 * Each SDK prints its surface itself: TS and Python by reflection on the client class, Go by
 * parsing its sources (go/parser). Exit 1 on any difference.
 */
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const YAML = require('yaml');
const { merge } = require('./merge');

const root = join(__dirname, '..', '..');
const HELPERS = ['waitForProofJob', 'verifyProof'];
const FUNCTIONS = ['normalise', 'fieldOf', 'pepperField', 'leafOf', 'leavesOf', 'verifyGroth16'];

const words = (camel) => camel.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ');
const casing = {
  ts: (id) => id,
  python: (id) => words(id).map((w) => w.toLowerCase()).join('_'),
  go: (id) => id[0].toUpperCase() + id.slice(1),
};
const pascal = (code) => code.toLowerCase().split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const errorName = { ts: (c) => `${pascal(c)}Error`, python: (c) => `${pascal(c)}Error`, go: (c) => `Err${pascal(c)}` };

function surfaces() {
  const py = process.env.SDK_PYTHON || join(root, 'sdk', 'python', '.venv', 'bin', 'python');
  const run = (cmd, args, cwd) => JSON.parse(execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  return {
    ts: run('node', ['-r', './test/support/swc-register.js', 'sdk/ts/src/surface.ts'], root),
    python: run(py, ['-m', 'trust_fabric.surface'], join(root, 'sdk', 'python')),
    go: run('go', ['run', './cmd/surface'], join(root, 'sdk', 'go')),
  };
}

function main() {
  const failures = [];
  const merged = merge();
  if (readFileSync(join(__dirname, 'openapi.yaml'), 'utf8') !== merged) failures.push('sdk/spec/openapi.yaml is stale: run `node sdk/spec/merge.js`');
  const spec = YAML.parse(merged);
  const ops = [];
  const skipped = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op?.operationId) continue;
      if (path.startsWith('/v1/') || path === '/healthz') ops.push(op.operationId);
      else skipped.push(`${op.operationId} (${method.toUpperCase()} ${path})`);
    }
  }
  const codes = spec.components.schemas.ErrorCode.enum;
  const s = surfaces();
  const langs = Object.keys(s);
  const rows = [];
  const mark = (ok) => (ok ? 'ok' : 'MISSING');
  for (const id of [...ops, ...HELPERS]) {
    const cells = langs.map((l) => {
      const name = casing[l](id);
      const ok = s[l].methods.includes(name);
      if (!ok) failures.push(`${l}: client method ${name} (${id}) is missing`);
      return `${name} ${mark(ok)}`;
    });
    rows.push([id, ...cells]);
  }
  for (const f of FUNCTIONS) {
    rows.push([
      `fn ${f}`,
      ...langs.map((l) => {
        const name = casing[l](f);
        const ok = s[l].functions.includes(name);
        if (!ok) failures.push(`${l}: function ${name} is missing`);
        return `${name} ${mark(ok)}`;
      }),
    ]);
  }
  for (const l of langs) {
    const known = new Set([...ops, ...HELPERS].map(casing[l]));
    for (const m of s[l].methods) if (!known.has(m)) failures.push(`${l}: public client method ${m} is not an operation of the spec nor a shared helper`);
  }
  for (const code of codes) {
    rows.push([
      `error ${code}`,
      ...langs.map((l) => {
        const ok = s[l].errors[code] === errorName[l](code);
        if (!ok) failures.push(`${l}: error ${errorName[l](code)} for ${code} is missing (has ${s[l].errors[code]})`);
        return `${errorName[l](code)} ${mark(ok)}`;
      }),
    ]);
  }
  for (const l of langs) for (const code of Object.keys(s[l].errors)) if (!codes.includes(code)) failures.push(`${l}: error code ${code} is not in the spec`);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['surface', ...langs], ...rows].map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(['surface', ...langs]));
  for (const r of rows) console.log(line(r));
  console.log(`not SDK operations (pages): ${skipped.join(', ') || 'none'}`);
  console.log(`sdk-parity: ${ops.length} operations + ${HELPERS.length} helpers + ${FUNCTIONS.length} functions + ${codes.length} error codes × ${langs.length} SDKs; ${failures.length} difference(s)`);
  if (failures.length) {
    for (const f of failures) console.error(`  ✗ ${f}`);
    process.exit(1);
  }
}

main();
