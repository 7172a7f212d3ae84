/**
 * `trust lac …`: the LAC commands.
 *   trust lac coverage [--json]                          share of the use-case catalog the bundles cover (target ≥ 80%)
 *   trust lac weekly-report --week 2026-W48 [--tenant t] [--out dir] [--to addr] [--from addr]
 *        writes the weekly adoption report (HTML, JSON) and its e-mail (.eml); sends it when SMTP_URL is set.
 * The logic lives in plain functions (runCoverage, runWeeklyReport) that the tests call directly.
 */
import type { ReadModelStore } from '../../../projections/store/port';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiffTooLargeError, semanticDiff } from '../../../streams/lac/diff/semantic-diff';
import { loadPolicyText } from '../../../streams/lac/model/parse';
import type { Policy } from '../../../streams/lac/model/types';
import { ValidationError } from '../../../schemas/errors';
import { coverage, formatCoverage } from '../../../streams/lac/usecases/coverage';
import { writeWeeklyReport, type WrittenReport } from '../../../projections/lac/report/email';
import { buildWeeklyReport, isoWeekRange } from '../../../projections/lac/report/weekly';
import { fail, openLiveReadModels } from '../open';
import { smtpUrl } from '../../config';

export function runCoverage(opts: { json?: boolean } = {}): { text: string; ok: boolean } {
  const r = coverage();
  return { text: opts.json ? JSON.stringify(r, null, 2) : formatCoverage(r), ok: r.meetsTarget };
}

/** `trust lac diff a b`: the text to print and the exit code (0 none, 1 a widening, 2 bad input). */
export function runDiff(fileA: string, fileB: string, opts: { json?: boolean } = {}): { text: string; exitCode: number } {
  const load = (file: string): Policy | string => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
    const { policy, problems } = loadPolicyText(text);
    return policy ?? `${file}: not a valid policy:\n${problems.map((p) => `  ${p.path}: ${p.message} (${p.code})`).join('\n')}`;
  };
  const a = load(fileA);
  const b = load(fileB);
  if (typeof a === 'string' || typeof b === 'string') return { text: [a, b].filter((x) => typeof x === 'string').join('\n'), exitCode: 2 };
  let d;
  try {
    d = semanticDiff(a, b);
  } catch (err) {
    if (!(err instanceof DiffTooLargeError)) throw err;
    return { text: `${err.message}: a widening cannot be ruled out`, exitCode: 1 };
  }
  // Fail closed: an incomplete diff cannot rule a widening out.
  const exitCode = d.widenings > 0 || !d.complete ? 1 : 0;
  if (opts.json) return { text: JSON.stringify({ from: { id: a.id, version: a.version }, to: { id: b.id, version: b.version }, ...d }, null, 2), exitCode };
  const on = (ls: string[]) => (ls.length ? ` on ${ls.join(', ')}` : '');
  const lines = [
    `semantic diff ${a.id}@${a.version} → ${b.id}@${b.version}: ${d.widenings} widening(s)${on(d.widenedClassifications)}, ${d.narrowings} narrowing(s)${on(d.narrowedClassifications)} (${d.method}, ${d.durationMs} ms)`,
  ];
  for (const c of d.counterexamples) {
    lines.push(`${c.direction.toUpperCase().padEnd(9)} ${c.kind.padEnd(11)} ${c.classification} ${c.action.padEnd(8)} ${c.responsible.join(', ')}: ${c.detail}`);
    lines.push(`          request ${JSON.stringify(c.request)}`);
  }
  if (d.counterexamples.length === 0) lines.push('the two versions decide every request alike');
  return { text: lines.join('\n'), exitCode };
}

export interface WeeklyOptions {
  week: string;
  tenant?: string;
  out?: string;
  to?: string;
  from?: string;
  smtpUrl?: string;
  now?: number;
}

/** Tenants with LAC activity (authoring or decisions), when no tenant is named. */
async function lacTenants(db: ReadModelStore): Promise<string[]> {
  if ((await db.columns('lac_authoring')).length === 0 || (await db.columns('lac_decision_days')).length === 0) {
    throw new ValidationError([{ field: 'read models', problem: 'the LAC read models are missing: run `trust serve` (with LAC registered) so the projections are built' }]);
  }
  return (await db.all<{ tenant: string }>('SELECT tenant FROM lac_authoring UNION SELECT tenant FROM lac_decision_days ORDER BY 1')).map((r) => r.tenant);
}

export async function runWeeklyReport(db: ReadModelStore, opts: WeeklyOptions): Promise<{ tenant: string; written: WrittenReport }[]> {
  isoWeekRange(opts.week); // validate before touching anything
  const tenants = opts.tenant ? (await lacTenants(db), [opts.tenant]) : await lacTenants(db);
  if (tenants.length === 0) throw new ValidationError([{ field: 'tenant', problem: 'no tenant has LAC activity yet; name one with --tenant' }]);
  const out = opts.out ?? join(process.cwd(), 'reports');
  const results: { tenant: string; written: WrittenReport }[] = [];
  for (const tenant of tenants) {
    const report = await buildWeeklyReport(db, tenant, opts.week, opts.now);
    const dir = opts.tenant || tenants.length === 1 ? out : join(out, tenant);
    results.push({ tenant, written: await writeWeeklyReport(report, dir, { to: opts.to, from: opts.from, smtpUrl: opts.smtpUrl }) });
  }
  return results;
}

export function register(program: Command): void {
  const lac = program.command('lac').description('License/Authority Compiler: coverage, semantic diff of two policies, the weekly adoption report');
  lac
    .command('coverage')
    .description('share of the Tier-1/2 use-case catalog served by the bundles (target ≥ 80%)')
    .option('--json', 'print the coverage report as JSON')
    .action((opts: { json?: boolean }) => {
      const r = runCoverage(opts);
      console.log(r.text);
      process.exitCode = r.ok ? 0 : 2;
    });
  lac
    .command('diff <fileA> <fileB>')
    .description('semantic diff of two policy documents: every widening and narrowing with a counterexample; exits 1 on a widening (gate CI on it), 2 on a bad file')
    .option('--json', 'print the diff as JSON')
    .action((fileA: string, fileB: string, opts: { json?: boolean }) => {
      const r = runDiff(fileA, fileB, opts);
      (r.exitCode === 2 ? console.error : console.log)(r.text);
      process.exitCode = r.exitCode;
    });
  lac
    .command('weekly-report')
    .description('write the weekly LAC adoption report (HTML, JSON) and its e-mail (.eml); sent through SMTP when SMTP_URL is set')
    .requiredOption('--week <isoWeek>', 'ISO week, e.g. 2026-W48')
    .option('--tenant <tenant>', 'one tenant (default: every tenant with LAC activity)')
    .option('--out <dir>', 'output directory', 'reports')
    .option('--to <address>', 'recipient of the e-mail')
    .option('--from <address>', 'sender of the e-mail')
    .action(async (opts: WeeklyOptions) => {
      const db = openLiveReadModels();
      try {
        const results = await runWeeklyReport(db, { ...opts, smtpUrl: smtpUrl() });
        for (const r of results) {
          console.log(`${r.tenant}: ${r.written.html}, ${r.written.json}, ${r.written.eml}${r.written.sent ? ` — sent ${r.written.sent.messageId} to ${r.written.sent.accepted.join(', ')}` : ''}`);
        }
      } catch (err) {
        fail(err);
      } finally {
        await db.close();
      }
    });
}
