/**
 * The weekly LAC adoption report: author analytics for one ISO week, decisions recorded that week
 * per policy, promotions with their risk, and use-case coverage, as JSON and as HTML.
 */
import type { ReadModelQueries } from '../../store/port';
import { ValidationError } from '../../../schemas/errors';
import { coverage } from '../../../streams/lac/usecases/coverage';
import { authorAnalytics, type AuthorAnalytics } from '../analytics';
import { DAY_MS } from '../history';
import { html, type Html } from '../../html';

export interface WeeklyReport {
  week: string;
  tenant: string;
  from: string;
  to: string;
  generatedAt: string;
  authoring: AuthorAnalytics;
  decisions: { total: number; allowed: number; denied: number; byPolicy: { policyId: string; total: number; allowed: number; denied: number }[] };
  promotions: { policyId: string; version: string; riskLevel: string | null; at: string }[];
  coverage: { share: number; covered: number; total: number; target: number };
}

/** `2026-W48` → [Monday 00:00 UTC, next Monday 00:00 UTC). */
export function isoWeekRange(week: string): { fromMs: number; toMs: number } {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  const bad = () => new ValidationError([{ field: 'week', problem: `'${week}' is not an ISO week like 2026-W48` }]);
  if (!m) throw bad();
  const year = Number(m[1]);
  const w = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const fromMs = monday1 + (w - 1) * 7 * DAY_MS;
  if (w < 1 || isoWeekOf(fromMs) !== week) throw bad();
  return { fromMs, toMs: fromMs + 7 * DAY_MS };
}

export function isoWeekOf(ms: number): string {
  const d = new Date(ms);
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + (3 - ((d.getUTCDay() + 6) % 7)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export async function buildWeeklyReport(db: ReadModelQueries, tenant: string, week: string, now = Date.now()): Promise<WeeklyReport> {
  const { fromMs, toMs } = isoWeekRange(week);
  const byPolicy = await db.all<{ policyId: string; total: number; allowed: number }>(
    `SELECT policy_id AS "policyId", SUM(count) AS total, SUM(allowed) AS allowed FROM lac_decision_days
     WHERE tenant = ? AND day >= ? AND day < ? GROUP BY policy_id ORDER BY total DESC, policy_id`,
    [tenant, fromMs / DAY_MS, toMs / DAY_MS],
  );
  const promotions = await db.all<{ policyId: string; version: string; riskLevel: string | null; at: number }>(
    `SELECT policy_id AS "policyId", version, risk_level AS "riskLevel", at_ms AS at FROM lac_authoring WHERE tenant = ? AND kind = 'promoted' AND at_ms >= ? AND at_ms < ? ORDER BY at_ms`,
    [tenant, fromMs, toMs],
  );
  const cov = coverage();
  const total = byPolicy.reduce((a, p) => a + p.total, 0);
  const allowed = byPolicy.reduce((a, p) => a + p.allowed, 0);
  return {
    week,
    tenant,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    generatedAt: new Date(now).toISOString(),
    authoring: await authorAnalytics(db, tenant, { fromMs, toMs }),
    decisions: { total, allowed, denied: total - allowed, byPolicy: byPolicy.map((p) => ({ ...p, denied: p.total - p.allowed })) },
    promotions: promotions.map((p) => ({ ...p, at: new Date(p.at).toISOString() })),
    coverage: { share: Math.round(cov.share * 1000) / 1000, covered: cov.covered, total: cov.total, target: cov.target },
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(0)}%`);
const num = (x: number | null, unit = '') => (x === null ? '—' : `${Math.round(x * 10) / 10}${unit}`);

/** Rows, or one row saying there are none. */
const rowsOrNone = (rows: Html[]) => (rows.length ? rows : html`<tr><td>none</td></tr>`);

export function renderWeeklyHtml(r: WeeklyReport): string {
  const a = r.authoring;
  const kv = (k: string, v: string, id: string) => html`<tr><th>${k}</th><td id="${id}">${v}</td></tr>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LAC weekly adoption ${r.week} — ${r.tenant}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:52rem;margin:2rem auto;color:#1f2328;padding:0 1rem}table{border-collapse:collapse;width:100%;margin-bottom:1.25rem}th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left}.ok{color:#1b7f3b}.miss{color:#b91c1c}</style></head>
<body>
<h1>LAC weekly adoption — ${r.week}</h1>
<p>Tenant <b>${r.tenant}</b>, ${r.from.slice(0, 10)} to ${new Date(Date.parse(r.to) - 1).toISOString().slice(0, 10)}.</p>
<h2>Authoring</h2>
<table>
${kv('authoring sessions', String(a.sessions), 'sessions')}
${kv('median time to a valid draft', num(a.medianMinutesToValid, ' min'), 'to-valid')}
${kv('median time to promotion', num(a.medianMinutesToPromotion, ' min'), 'to-promotion')}
${kv('validation errors per session', num(a.errorsPerSession), 'errors-per-session')}
${kv('previews per promotion', num(a.previewsPerPromotion), 'previews-per-promotion')}
${kv('new policies from bundles', `${pct(a.bundleShare)} (${a.newPoliciesFromBundles}/${a.newPolicies}; target ${pct(a.bundleShareTarget)})`, 'bundle-share')}
${kv('use-case coverage', `${pct(r.coverage.share)} (${r.coverage.covered}/${r.coverage.total}; target ${pct(r.coverage.target)})`, 'coverage')}
</table>
<h2>Validation errors by code</h2>
<table>${rowsOrNone(Object.entries(a.errorsByCode).map(([c, n]) => html`<tr><td>${c}</td><td>${n}</td></tr>`))}</table>
<h2>Promotions</h2>
<table>${rowsOrNone(r.promotions.map((p) => html`<tr><td>${p.policyId}@${p.version}</td><td>${p.riskLevel ?? ''}</td><td>${p.at}</td></tr>`))}</table>
<h2>Access decisions</h2>
<p id="decisions">${r.decisions.total} decisions: ${r.decisions.allowed} allowed, ${r.decisions.denied} denied.</p>
<table>${r.decisions.byPolicy.map((p) => html`<tr><td>${p.policyId}</td><td>${p.total}</td><td>${p.allowed} allowed</td><td>${p.denied} denied</td></tr>`)}</table>
</body></html>`.toString();
}

export function renderWeeklyText(r: WeeklyReport): string {
  const a = r.authoring;
  return [
    `LAC weekly adoption ${r.week} (${r.tenant})`,
    `sessions ${a.sessions}; median to valid ${num(a.medianMinutesToValid, ' min')}; median to promotion ${num(a.medianMinutesToPromotion, ' min')}`,
    `errors/session ${num(a.errorsPerSession)}; previews/promotion ${num(a.previewsPerPromotion)}; promotions ${a.promotions}`,
    `new policies from bundles ${pct(a.bundleShare)} (target ${pct(a.bundleShareTarget)}); use-case coverage ${pct(r.coverage.share)}`,
    `decisions ${r.decisions.total} (${r.decisions.allowed} allowed, ${r.decisions.denied} denied)`,
    'The HTML report is the other part of this message; the JSON report is attached.',
  ].join('\n');
}
