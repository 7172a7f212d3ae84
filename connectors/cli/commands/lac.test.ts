import Database from 'better-sqlite3';
import { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTHORING_DDL } from '../../../projections/lac/authoring';
import { HISTORY_DDL } from '../../../projections/lac/history';
import { register, runCoverage, runWeeklyReport } from './lac';

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
  const db = new Database(':memory:');
  const out = mkdtempSync(join(tmpdir(), 'lac-cli-'));
  try {
    await expect(runWeeklyReport(db, { week: '2026-W48', out })).rejects.toThrow(/read models are missing/);
    db.exec(AUTHORING_DDL + HISTORY_DDL);
    await expect(runWeeklyReport(db, { week: '2026-W99', out })).rejects.toThrow(/not an ISO week/);
    db.prepare("INSERT INTO lac_authoring (position, tenant, kind, session_id, policy_id, version, at_ms) VALUES (1, 'acme', 'drafted', 's', 'p', '1.0.0', ?)").run(Date.UTC(2026, 10, 24));
    db.prepare("INSERT INTO lac_authoring (position, tenant, kind, session_id, policy_id, version, at_ms) VALUES (2, 'globex', 'drafted', 's', 'p', '1.0.0', ?)").run(Date.UTC(2026, 10, 24));
    const results = await runWeeklyReport(db, { week: '2026-W48', out });
    expect(results.map((r) => r.tenant)).toEqual(['acme', 'globex']);
    for (const t of ['acme', 'globex']) for (const ext of ['html', 'json', 'eml']) expect(existsSync(join(out, t, `lac-weekly-2026-W48.${ext}`))).toBe(true);
    const one = await runWeeklyReport(db, { week: '2026-W48', out, tenant: 'acme' });
    expect(one[0].written.json).toBe(join(out, 'lac-weekly-2026-W48.json'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
