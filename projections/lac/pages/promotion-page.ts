/**
 * The page a person reads before promoting a policy version: /ui/lac/promotions/:previewId.
 * A pure render of a recorded preview (BlastRadiusComputed) to self-contained HTML; every value
 * from the log is escaped (projections/html.ts).
 */
import type { BlastRadiusPayload, ImpactCount } from '../../../streams/lac/events/types';
import { html, type Html } from '../../html';

const RISK_COLOURS: Record<string, string> = { low: '#1b7f3b', medium: '#b8860b', high: '#c2410c', critical: '#b91c1c' };

function impactTable(title: string, rows: ImpactCount[], total: number): Html {
  const body = rows.length
    ? rows.map((r) => html`<tr><td>${r.name}</td><td class="num">${r.allowToDeny}</td><td class="num">${r.denyToAllow}</td></tr>`)
    : html`<tr><td colspan="3" class="none">none</td></tr>`;
  const more = total > rows.length && html`<p class="more">and ${total - rows.length} more</p>`;
  return html`<section><h2>${title} <span class="count">(${total})</span></h2>
<table data-table="${title.toLowerCase()}"><thead><tr><th>name</th><th>allow → deny</th><th>deny → allow</th></tr></thead><tbody>${body}</tbody></table>${more}</section>`;
}

/** The semantic diff: every class of request the two versions decide differently, recorded or not. */
function semanticSection(p: BlastRadiusPayload): Html {
  const d = p.semantic;
  if (!d) {
    return html`<section id="semantic"><h2>Semantic diff</h2><p class="none">${p.activeVersion ? 'not computed for this preview (recorded before semantic diffs)' : 'no active version to compare with: this is the first promotion'}</p></section>`;
  }
  const rows = d.counterexamples.length
    ? d.counterexamples.map(
        (c, i) =>
          html`<tr data-direction="${c.direction}"><td class="${c.direction === 'widening' ? 'wide' : 'narrow'}">${c.direction}</td><td>${c.kind}</td><td>${c.classification}</td><td>${c.action}</td><td>${c.responsible.join(', ')}</td><td>${c.detail}<details><summary>request ${i + 1}</summary><pre>${JSON.stringify(c.request, null, 2)}</pre></details></td></tr>`,
      )
    : html`<tr><td colspan="6" class="none">the two versions decide every request alike</td></tr>`;
  return html`<section id="semantic"><h2>Semantic diff ${d.fromVersion ?? ''} → ${p.version}</h2>
<p>Every possible request, recorded or not: <b id="semantic-widenings">${d.widenings}</b> widening(s)${d.widenedClassifications.length > 0 && ` on ${d.widenedClassifications.join(', ')}`}, <b id="semantic-narrowings">${d.narrowings}</b> narrowing(s)${d.narrowedClassifications.length > 0 && ` on ${d.narrowedClassifications.join(', ')}`}. Each row is one class of requests with a concrete counterexample both versions were asked about.</p>
<table data-table="counterexamples"><thead><tr><th>change</th><th>kind</th><th>class</th><th>action</th><th>responsible</th><th>counterexample</th></tr></thead><tbody>${rows}</tbody></table>
<p class="meta">${d.method} · ${d.atoms} atoms · ${d.queries} solver queries · ${d.durationMs} ms${!d.complete && html` · <b>incomplete</b>`}</p></section>`;
}

function ackNote(p: BlastRadiusPayload): Html {
  if (p.riskLevel === 'low') return html`<div class="ack" id="ack">Risk is low: this version promotes without acknowledgment.</div>`;
  const why =
    p.semantic && p.semantic.widenings > 0
      ? ` (the semantic diff widens ${p.semantic.widenedClassifications.join(', ')}, whether or not history saw such a request)`
      : p.semantic && !p.semantic.complete
        ? ' (the semantic diff could not be completed: a widening cannot be ruled out)'
        : '';
  return html`<div class="ack" id="ack">Risk is <b>${p.riskLevel}</b>${why}: promoting needs an acknowledgment of this preview — <code>POST /v1/lac/policies/${p.policyId}/versions/${p.version}/promote</code> with <code>{"by", "reason", "previewId": "${p.previewId}"}</code>. A preview is stale once newer decisions arrive.</div>`;
}

function riskFactors(p: BlastRadiusPayload): [string, number][] {
  try {
    return Object.entries(JSON.parse(p.riskFactors) as Record<string, number>);
  } catch {
    return [];
  }
}

export function renderPromotionPage(p: BlastRadiusPayload & { status?: string; computedAt?: string }): string {
  const colour = RISK_COLOURS[p.riskLevel] ?? '#333';
  const money = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)} ${p.currency}`;
  const samples = p.samples.length
    ? p.samples.map(
        (s) =>
          html`<tr><td>${s.subjectId}</td><td>${s.dataset}</td><td>${s.action}</td><td>${s.classification}</td><td class="${s.to === 'allow' ? 'wide' : 'narrow'}">${s.from} → ${s.to}</td><td class="num">${s.count}</td><td>${s.codes.join(', ')}</td></tr>`,
      )
    : html`<tr><td colspan="7" class="none">no decision changes</td></tr>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Promotion preview ${p.policyId}@${p.version}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:68rem;color:#1f2328;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.meta{color:#57606a}.badge{display:inline-block;padding:.2rem .7rem;border-radius:1rem;color:#fff;font-weight:600;background:${colour}}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:1rem 0}
.card{border:1px solid #d0d7de;border-radius:.5rem;padding:.75rem}.card b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.wide{color:#b91c1c;font-weight:600}.narrow{color:#0550ae}
.none,.more{color:#57606a}.ack{border-left:4px solid ${colour};background:#f6f8fa;padding:.75rem 1rem;margin:1rem 0}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:.25rem}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:.8rem}
</style></head>
<body>
<header>
<h1>Promote <code>${p.policyId}</code> ${p.activeVersion && `${p.activeVersion} → `}${p.version}</h1>
<p class="meta">preview <code id="preview-id">${p.previewId}</code> · window ${p.windowFrom.slice(0, 10)} – ${p.windowTo.slice(0, 10)}${p.status && html` · status <b id="status">${p.status}</b>`}</p>
<p>Risk <span class="badge" id="risk-level">${p.riskLevel}</span> score <b id="risk-score">${p.riskScore}</b>/100</p>
</header>
<div class="cards">
<div class="card">decisions replayed<b id="replayed">${p.decisionsReplayed}</b></div>
<div class="card">allow → deny<b id="allow-to-deny">${p.allowToDeny}</b></div>
<div class="card">deny → allow<b id="deny-to-allow">${p.denyToAllow}</b></div>
<div class="card">widened on P0/P1<b id="widened-sensitive">${p.widenedSensitive}</b></div>
<div class="card">cost delta<b id="cost-delta">${money(p.costDelta)}</b></div>
<div class="card">users impacted<b id="users">${p.impactedUserCount}</b></div>
<div class="card">semantic widenings<b id="semantic-card">${p.semantic ? p.semantic.widenings : '—'}</b></div>
</div>
${ackNote(p)}
${semanticSection(p)}
${impactTable('Datasets', p.impactedDatasets, p.impactedDatasetCount)}
${impactTable('Groups', p.impactedGroups, p.impactedGroupCount)}
${impactTable('Users', p.impactedUsers, p.impactedUserCount)}
<section><h2>Largest changes</h2>
<table data-table="samples"><thead><tr><th>user</th><th>dataset</th><th>action</th><th>class</th><th>change</th><th>decisions</th><th>reasons</th></tr></thead><tbody>${samples}</tbody></table></section>
<section><h2>Risk score v2 terms</h2><table data-table="risk"><tbody>${riskFactors(p).map(([k, v]) => html`<tr><td>${k}</td><td class="num">${v}</td></tr>`)}</tbody></table>
<p class="meta">cost: active ${p.costActive.toFixed(4)} → candidate ${p.costCandidate.toFixed(4)} ${p.currency} · computed in ${p.durationMs} ms over ${p.distinctRequests} distinct requests</p></section>
</body></html>`.toString();
}

export function renderNotFound(id: string): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview not found</title></head><body><h1>Preview not found</h1><p>No preview <code>${id}</code> was recorded.</p></body></html>`.toString();
}
