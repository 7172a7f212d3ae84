import { SqliteReadModels } from '../../../projections/store/sqlite-store';
import { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTHORING_DDL } from '../../../projections/lac/authoring';
import { HISTORY_DDL } from '../../../projections/lac/history';
import { writeFileSync } from 'node:fs';
import { register, runCoverage, runDiff, runWeeklyReport } from './lac';

test('trust lac coverage prints the covered share and meets the target', async () => {
  const logs: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((s: string) => void logs.push(s));
  try {
    const program = new Command('trust').exitOverride();
    register(program);
    await program.parseAsync(['node', 'trust', 'lac', 'coverage']);
  } finally {
    spy.mockRestore();
  }
  expect(logs[0]).toMatch(/^use-case coverage: 25\/30 = 83\.3% \(target 80\.0%: met\)/);
  expect(JSON.parse(runCoverage({ json: true }).text).meetsTarget).toBe(true);
});

test('weekly-report writes one set of files per tenant with activity, and refuses a bad week or missing read models', async () => {
  const db = new SqliteReadModels(':memory:');
  const out = mkdtempSync(join(tmpdir(), 'lac-cli-'));
  try {
    await expect(runWeeklyReport(db, { week: '2026-W48', out })).rejects.toThrow(/read models are missing/);
    await db.exec(AUTHORING_DDL + HISTORY_DDL);
    await expect(runWeeklyReport(db, { week: '2026-W99', out })).rejects.toThrow(/not an ISO week/);
    await db.run("INSERT INTO lac_authoring (position, tenant, kind, session_id, policy_id, version, at_ms) VALUES (1, 'acme', 'drafted', 's', 'p', '1.0.0', ?)", [Date.UTC(2026, 10, 24)]);
    await db.run("INSERT INTO lac_authoring (position, tenant, kind, session_id, policy_id, version, at_ms) VALUES (2, 'globex', 'drafted', 's', 'p', '1.0.0', ?)", [Date.UTC(2026, 10, 24)]);
    const results = await runWeeklyReport(db, { week: '2026-W48', out });
    expect(results.map((r) => r.tenant)).toEqual(['acme', 'globex']);
    for (const t of ['acme', 'globex']) for (const ext of ['html', 'json', 'eml']) expect(existsSync(join(out, t, `lac-weekly-2026-W48.${ext}`))).toBe(true);
    const one = await runWeeklyReport(db, { week: '2026-W48', out, tenant: 'acme' });
    expect(one[0].written.json).toBe(join(out, 'lac-weekly-2026-W48.json'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

describe('trust lac diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lac-diff-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const capped = file('capped.yaml', 'id: g\nversion: 1.0.0\nmode: enforce\ndefault: allow\nbundles:\n  - ref: graph.hop-cap@^1\n    params: { maxHops: 2 }\n');
  const uncapped = file('uncapped.json', JSON.stringify({ id: 'g', version: '1.1.0', mode: 'enforce', default: 'allow' }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('given a cap removed, then it prints the widenings with counterexamples and exits 1; the other way round only narrowings and exits 0', () => {
    const wide = runDiff(capped, uncapped);
    expect(wide.exitCode).toBe(1);
    expect(wide.text.split('\n')[0]).toMatch(/^semantic diff g@1\.0\.0 → g@1\.1\.0: \d+ widening\(s\) on P0, P1, P2, P3, 0 narrowing\(s\)/);
    expect(wide.text).toContain('WIDENING  decision    P1 traverse graph.hop-cap: deny → allow');
    const narrow = runDiff(uncapped, capped, { json: true });
    expect(narrow.exitCode).toBe(0);
    expect(JSON.parse(narrow.text)).toMatchObject({ from: { id: 'g', version: '1.1.0' }, widenings: 0 });
    expect(runDiff(capped, capped)).toMatchObject({ exitCode: 0, text: expect.stringContaining('decide every request alike') });
  });

  test('given a missing file or an invalid policy, then it names the problem and exits 2, through the command too', async () => {
    const bad = file('bad.yaml', 'id: g\nversion: 1.0.0\nmode: enforce\ndefault: maybe\n');
    const r = runDiff(join(dir, 'absent.yaml'), bad);
    expect(r.exitCode).toBe(2);
    expect(r.text).toContain('absent.yaml: cannot be read (ENOENT)');
    expect(r.text).toContain('default: must be one of allow, deny');
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(s));
    try {
      const program = new Command('trust').exitOverride();
      register(program);
      await program.parseAsync(['node', 'trust', 'lac', 'diff', capped, bad]);
      expect(process.exitCode).toBe(2);
    } finally {
      spy.mockRestore();
      process.exitCode = 0;
    }
    expect(errors[0]).toContain('not a valid policy');
  });
});
