/**
 * The SLO dashboard page (/ui/ops/slo): one self-contained HTML document — inline CSS and SVG,
 * no scripts, no external requests — rendered from the SLO report. Pure: report in, HTML out.
 */
import type { SloReport, SloStatus, WindowBurn } from './slo-report';
import type { SloSpec } from './slo-spec';
import type { AlertView } from './alerts';
import { html, joinHtml, type Html } from '../html';

export interface DashboardAlerts {
  /** Open alert occurrences Alertmanager delivered (firing or acknowledged, not resolved). */
  alerts: AlertView[];
  /** Show the acknowledge button (admin keys). */
  canAck: boolean;
}

const RUNBOOK = /^docs\/runbooks\/([A-Za-z0-9_-]+)\.md$/;
/** docs/runbooks/<name>.md is served as a page at /ui/runbooks/<name> (connectors/http/pages/runbook-pages.ts). */
const runbookPage = (name: string) => `/ui/runbooks/${encodeURIComponent(name)}`;

function alertRow(a: AlertView, canAck: boolean): Html {
  const name = RUNBOOK.exec(a.runbook)?.[1];
  const runbook = name ? html`<a href="${runbookPage(name)}" data-runbook="${a.runbook}">${a.runbook}</a>` : a.runbook || '—';
  const ack = a.acknowledgedAt
    ? `acknowledged by ${a.acknowledgedBy ?? ''} at ${a.acknowledgedAt}`
    : canAck
      ? html`<form method="post" action="/ui/ops/alerts/${encodeURIComponent(a.id)}/ack"><button type="submit" class="ack" data-alert="${a.id}">Acknowledge</button></form>`
      : 'not acknowledged';
  return html`<tr data-alert-id="${a.id}" class="${a.state}"><td><strong>${a.alert}</strong><br><small>${a.summary}</small></td><td>${a.severity}</td><td>${a.state}</td><td>${a.receivedAt ?? a.startsAt}</td><td>${runbook}</td><td>${ack}</td></tr>`;
}

function alertsSection(d: DashboardAlerts): Html {
  const rows = joinHtml(d.alerts.map((a) => alertRow(a, d.canAck)), '\n');
  return html`<section id="alerts" class="alerts">
  <h2>Alerts delivered by Alertmanager <small>${d.alerts.length} open</small></h2>
  ${d.alerts.length ? html`<table><thead><tr><th>alert</th><th>severity</th><th>state</th><th>delivered</th><th>runbook</th><th>on-call</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="muted">No alert firing.</p>`}
</section>`;
}

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;
const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function budgetColour(remaining: number): string {
  if (remaining <= 0) return '#b3261e';
  if (remaining < 0.25) return '#e8710a';
  if (remaining < 0.5) return '#f2b300';
  return '#1e8e3e';
}

/** Horizontal gauge of the budget left (clamped to the bar; overspent shows as an empty red bar). */
function budgetGauge(s: SloStatus): Html {
  const w = 320;
  const filled = Math.max(0, Math.min(1, s.budgetRemaining)) * w;
  return html`<svg class="gauge" width="${w}" height="18" viewBox="0 0 ${w} 18" role="img" aria-label="error budget remaining ${pct(s.budgetRemaining)}">
  <rect x="0" y="0" width="${w}" height="18" rx="4" fill="#e8eaed"/>
  <rect x="0" y="0" width="${filled.toFixed(1)}" height="18" rx="4" fill="${budgetColour(s.budgetRemaining)}"/>
</svg>`;
}

/** Burn rate per window on a log scale, with the alert factors as dashed lines. */
function burnChart(s: SloStatus, spec: SloSpec): Html {
  const width = 420;
  const height = 160;
  const left = 34;
  const bottom = 22;
  const topPad = 16; // room for the value above the tallest bar
  const plotH = height - bottom - topPad;
  const factors = [...spec.alerting.page.windows, ...spec.alerting.ticket.windows].map((w) => w.burnRate);
  const top = Math.max(20, ...s.burnRates.map((b) => b.burnRate ?? 0));
  const y = (v: number): number => topPad + plotH - (Math.log10(1 + v) / Math.log10(1 + top)) * plotH;
  const slot = (width - left) / s.burnRates.length;
  const bars = s.burnRates.map((b: WindowBurn, i) => {
      const x = left + i * slot + slot * 0.2;
      const v = b.burnRate ?? 0;
      const colour = v > Math.max(...factors) ? '#b3261e' : v > Math.min(...factors) ? '#e8710a' : '#1a73e8';
      const label = b.burnRate === null ? '–' : fmt(v);
      return html`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${(topPad + plotH - y(v)).toFixed(1)}" fill="${colour}"><title>${b.window}: burn ${label}x (${b.total} events)</title></rect>
  <text x="${(x + slot * 0.3).toFixed(1)}" y="${height - 6}" text-anchor="middle">${b.window}</text>
  <text x="${(x + slot * 0.3).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" class="v">${label}</text>`;
  });
  const lines = [...new Set(factors)].map(
    (f) => html`<line x1="${left}" x2="${width}" y1="${y(f).toFixed(1)}" y2="${y(f).toFixed(1)}" class="factor"/><text x="${left - 4}" y="${(y(f) + 3).toFixed(1)}" text-anchor="end">${f}x</text>`,
  );
  return html`<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="burn rate per window">
  <line x1="${left}" x2="${width}" y1="${topPad + plotH}" y2="${topPad + plotH}" stroke="#9aa0a6"/>
  ${joinHtml(lines, '\n  ')}
  ${joinHtml(bars, '\n  ')}
</svg>`;
}

/** Budget left at the end of each of the last 30 days, with the 0% line. */
function trendChart(s: SloStatus): Html {
  const width = 420;
  const height = 120;
  const pad = 8;
  const left = 34;
  const values = s.trend.map((p) => p.budgetRemaining).filter((v): v is number => v !== null);
  const lo = Math.min(0, ...values);
  const hi = 1;
  const x = (i: number) => left + (i / Math.max(1, s.trend.length - 1)) * (width - left - pad);
  const y = (v: number) => pad + ((hi - v) / (hi - lo)) * (height - 2 * pad);
  const pts = s.trend.map((p, i) => (p.budgetRemaining === null ? null : `${x(i).toFixed(1)},${y(p.budgetRemaining).toFixed(1)}`)).filter(Boolean);
  const first = s.trend[0]?.day ?? '';
  const last = s.trend[s.trend.length - 1]?.day ?? '';
  return html`<svg class="chart" width="${width}" height="${height + 14}" viewBox="0 0 ${width} ${height + 14}" role="img" aria-label="budget remaining, last ${s.trend.length} days">
  <line x1="${left}" x2="${width - pad}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" class="zero"/><text x="${left - 4}" y="${(y(0) + 3).toFixed(1)}" text-anchor="end">0%</text>
  <line x1="${left}" x2="${width - pad}" y1="${y(1).toFixed(1)}" y2="${y(1).toFixed(1)}" stroke="#e8eaed"/><text x="${left - 4}" y="${(y(1) + 3).toFixed(1)}" text-anchor="end">100%</text>
  ${pts.length ? html`<polyline points="${pts.join(' ')}" fill="none" stroke="${budgetColour(s.budgetRemaining)}" stroke-width="2.5"/>` : html`<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no traffic recorded yet</text>`}
  ${pts.map((p) => html`<circle cx="${p!.split(',')[0]}" cy="${p!.split(',')[1]}" r="2" fill="${budgetColour(s.budgetRemaining)}"/>`)}
  <text x="${left}" y="${height + 12}">${first}</text><text x="${width - pad}" y="${height + 12}" text-anchor="end">${last}</text>
</svg>`;
}

function card(s: SloStatus, spec: SloSpec): Html {
  const badges = s.alerts.map(
    (a) => html`<a class="badge ${a.firing ? 'firing' : 'ok'}" href="${runbookPage(a.alert)}" data-runbook="docs/runbooks/${a.alert}.md" title="runbook: docs/runbooks/${a.alert}.md">${a.severity}: ${a.alert} ${a.firing ? 'FIRING' : 'ok'}</a>`,
  );
  return html`<section class="slo" id="${s.slo}">
  <h2>${s.slo} <small>${s.service} · objective ${s.objective}% over ${spec.window}</small></h2>
  <p class="desc">${s.description}</p>
  <p class="budget">Error budget remaining: <strong data-budget="${s.budgetRemaining}">${pct(s.budgetRemaining)}</strong>
     <span class="muted">(${s.window.total} events, ${s.window.errorRatio === null ? 'no errors recorded' : `${pct(s.window.errorRatio, 3)} bad`}; budget ${pct(s.errorBudget, 2)})</span></p>
  ${budgetGauge(s)}
  <p>${joinHtml(badges, ' ')}</p>
  <div class="charts">
    <figure><figcaption>Burn rate per window (1x spends the budget exactly in ${spec.window})</figcaption>${burnChart(s, spec)}</figure>
    <figure><figcaption>Budget remaining, last ${s.trend.length} days</figcaption>${trendChart(s)}</figure>
  </div>
</section>`;
}

export function renderSloDashboard(report: SloReport, spec: SloSpec, alerts: DashboardAlerts = { alerts: [], canAck: false }): string {
  const firing = report.slos.flatMap((s) => s.alerts.filter((a) => a.firing).map((a) => a.alert));
  const worst = report.slos.reduce((m, s) => Math.min(m, s.budgetRemaining), 1);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Trust Fabric — SLOs</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #202124; background: #fff; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  h2 { font-size: 17px; margin: 0 0 2px; }
  h2 small, .muted { color: #5f6368; font-weight: normal; font-size: 13px; }
  .summary { padding: 10px 14px; border-radius: 6px; background: ${firing.length ? '#fce8e6' : '#e6f4ea'}; margin: 12px 0 20px; }
  .slo { border: 1px solid #dadce0; border-radius: 8px; padding: 14px 16px; margin: 0 0 16px; }
  .desc { margin: 2px 0 8px; color: #3c4043; }
  .budget { font-size: 16px; margin: 6px 0; }
  .badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 12px; text-decoration: none; margin-right: 6px; }
  .badge.ok { background: #e6f4ea; color: #137333; } .badge.firing { background: #b3261e; color: #fff; }
  .charts { display: flex; flex-wrap: wrap; gap: 24px; }
  figure { margin: 0; } figcaption { font-size: 12px; color: #5f6368; margin-bottom: 4px; }
  svg text { font: 11px system-ui, sans-serif; fill: #3c4043; } svg text.v { font-size: 10px; }
  .alerts table { border-collapse: collapse; width: 100%; margin-bottom: 16px; } .alerts td, .alerts th { border-bottom: 1px solid #dadce0; padding: 6px 8px; text-align: left; vertical-align: top; }
  .alerts tr.firing td:first-child { border-left: 4px solid #b3261e; } .alerts tr.acknowledged td:first-child { border-left: 4px solid #e8710a; }
  button.ack { padding: 4px 10px; font: inherit; }
  line.factor { stroke: #b3261e; stroke-dasharray: 4 3; stroke-width: 1; } line.zero { stroke: #b3261e; stroke-width: 1; }
</style>
</head>
<body>
<h1>Service level objectives</h1>
<p class="muted">As of ${report.asOf} (<a href="/ui/ops/slo">reload</a>) · window ${report.window} · from the service's own SloSampled events · objectives in infra/slo.yaml</p>
<div class="summary">${firing.length ? html`<strong>${firing.length} alert condition(s) met:</strong> ${firing.join(', ')}.` : html`<strong>No alert condition met.</strong>`} Lowest error budget remaining: <strong>${pct(worst)}</strong>.</div>
${alertsSection(alerts)}
${joinHtml(report.slos.map((s) => card(s, spec)), '\n')}
</body>
</html>
`.toString();
}
