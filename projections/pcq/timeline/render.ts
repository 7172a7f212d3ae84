/**
 * The release timeline page: one self-contained HTML file (inline CSS and SVG, no script, no
 * external resource), so it can be published as an artifact and opened from disk.
 */
import type { Timeline, TimelineRow, TimelineStep } from './data';
import { html, joinHtml, type Html } from '../../html';

const fmt = (v: number | null) => (v === null ? '—' : Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : Number(v.toPrecision(6)).toString());
const pct = (v: number | null) => (v === null ? '' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)}%`);

/** Sparkline of the values with a dot per release: red when that release drifted. */
function sparkline(steps: TimelineStep[]): Html {
  const W = 120;
  const H = 28;
  const vals = steps.map((s) => s.value).filter((v): v is number => v !== null);
  if (vals.length === 0) return html`<svg class="spark" width="${W}" height="${H}" role="img" aria-label="no values"></svg>`;
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const x = (i: number) => 6 + (i * (W - 12)) / Math.max(1, steps.length - 1);
  const y = (v: number) => (hi === lo ? H / 2 : H - 5 - ((v - lo) / (hi - lo)) * (H - 10));
  const pts = steps.map((s, i) => (s.value === null ? null : `${x(i).toFixed(1)},${y(s.value).toFixed(1)}`)).filter(Boolean);
  const dots = steps
    .map((s, i) => (s.value === null ? s.present && html`<text x="${x(i) - 3}" y="${H / 2 + 4}" class="bad">×</text>` : html`<circle cx="${x(i).toFixed(1)}" cy="${y(s.value).toFixed(1)}" r="${s.drift ? 3.5 : 2.2}" class="${s.drift ? 'bad' : 'ok'}"/>`));
  return html`<svg class="spark" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="values across releases"><polyline points="${pts.join(' ')}"/>${dots}</svg>`;
}

/** A small bar per delta: length by size relative to the window, red beyond it. */
function deltaMark(s: TimelineStep, tol: TimelineRow['tolerance'], prev: number | null): Html | false {
  if (s.absDelta === null) return s.drift && html`<span class="bad">broken</span>`;
  const allowed = Math.max(tol.rel * Math.abs(prev ?? 0), tol.abs, 1e-12);
  const ratio = Math.min(3, Math.abs(s.absDelta) / allowed);
  const w = Math.max(1, Math.round(ratio * 12));
  const cls = s.drift ? 'bad' : 'ok';
  return html`<svg class="mark" width="40" height="10" viewBox="0 0 40 10" aria-hidden="true"><rect x="0" y="4" width="36" height="2" class="win"/><rect x="${s.absDelta < 0 ? 18 - Math.min(18, w) : 18}" y="1" width="${Math.min(18, w)}" height="8" class="${cls}"/></svg><span class="${cls}">${pct(s.relDelta) || fmt(s.absDelta)}</span>`;
}

function row(r: TimelineRow): Html {
  let prev: number | null = null;
  const cells = r.steps.map((s) => {
    const c = html`<td class="${s.drift ? 'drift' : ''}">${s.present ? fmt(s.value) : html`<span class="none">no replay</span>`}<br>${deltaMark(s, r.tolerance, prev)}</td>`;
    if (s.present) prev = s.value;
    return c;
  });
  return html`<tr id="${r.anchor}" class="${r.drift ? 'drifted' : ''}"><th scope="row"><a href="#${r.anchor}">${r.fixtureId}</a></th><td>${r.metric}</td>${cells}<td>${sparkline(r.steps)}</td><td>${r.drift ? html`<strong class="bad">drift</strong>` : html`<span class="ok">stable</span>`}</td></tr>`;
}

export function renderTimeline(t: Timeline, opts: { generatedAt: Date }): string {
  const drifts = t.rows.filter((r) => r.drift);
  const a = t.agreement;
  const share = a.share === null ? 'n/a' : `${(a.share * 100).toFixed(1)}%`;
  const checklist = [
    ['Agreement across runtimes at or above 95%', a.meetsTarget],
    ['Every drift below has a triage label or a ticket', false],
    ['Clusters reviewed (GET /v1/pcq/clusters)', false],
    ['Missing replays explained (timed-out shards re-run)', t.missing === 0],
    ['Release owner sign-off', false],
  ] as const;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>PCQ release timeline — ${t.tenant}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header{padding:16px 24px;background:#14324a;color:#fff}
header h1{margin:0 0 4px;font-size:20px}
main{padding:16px 24px}
.figures{display:flex;gap:24px;flex-wrap:wrap;margin:12px 0}
.figure{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:160px}
.figure b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:#f6f8fa}
tr:target{outline:3px solid #f59e0b;background:#fff7e6}
td.drift{background:#fdecec}
.ok{color:#17803d;fill:#17803d}.bad{color:#c0262d;fill:#c0262d}.none{color:#888}
.win{fill:#cbd5e1}
svg.spark polyline{fill:none;stroke:#2563eb;stroke-width:1.5}
ul.checklist{list-style:none;padding:0}ul.checklist li{margin:4px 0}
nav.drifts a{margin-right:8px}
</style></head>
<body>
<header><h1>PCQ release timeline</h1>
<div>tenant <b>${t.tenant}</b> · releases ${t.releases.map((r) => r.release).join(' → ') || 'none yet'} · values on each fixture's baseline runtime ·
generated <time datetime="${opts.generatedAt.toISOString()}">${opts.generatedAt.toISOString()}</time></div></header>
<main>
<section class="figures">
<div class="figure">agreement across runtimes<b>${share}</b>${a.agreeing}/${a.fixtures} fixtures, target ${(a.target * 100).toFixed(0)}%</div>
<div class="figure">drifted series<b>${drifts.length}</b>of ${t.rows.length} fixture × metric</div>
<div class="figure">missing replays<b>${t.missing}</b>in ${t.releases.at(-1)?.release ?? '—'}</div>
<div class="figure">anomalies in ${t.releases.at(-1)?.release ?? '—'}<b>${t.anomalies.reduce((s, x) => s + x.count, 0)}</b>${t.anomalies.map((x) => `${x.label} ${x.count}`).join(', ') || 'none'}</div>
</section>
<section><h2>Sign-off checklist</h2><ul class="checklist">
${joinHtml(checklist.map(([text, done], i) => html`<li><input type="checkbox" id="signoff-${i}"${done && ' checked'}> <label for="signoff-${i}">${text}</label></li>`), '\n')}
</ul></section>
${drifts.length > 0 && html`<nav class="drifts"><h2>Drifts</h2>${joinHtml(drifts.slice(0, 200).map((r) => html`<a href="#${r.anchor}">${r.fixtureId} · ${r.metric}</a>`), ' ')}${drifts.length > 200 && ` … and ${drifts.length - 200} more`}</nav>`}
<h2>Values by release</h2>
<table><thead><tr><th>fixture</th><th>metric</th>${t.releases.map((r) => html`<th>${r.release}</th>`)}<th>trend</th><th>status</th></tr></thead>
<tbody>
${joinHtml(t.rows.map(row), '\n')}
</tbody></table>
</main></body></html>
`.toString();
}
