/** The step-load report: percentiles, the bench JSON line, and a self-contained HTML page. Pure. */
import type { ProofFlowResult } from './proof-flow';
export interface ClassResult {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
}

export interface SloBurn {
  slo: string;
  total: number;
  errorRatio: number | null;
  burnRate: number | null;
}

export interface StepResult {
  rps: number;
  seconds: number;
  requests: number;
  achievedRps: number;
  errors: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  byClass: Record<string, ClassResult>;
  /** The unique proof jobs run beside the step (proof-flow.ts). */
  proofs?: ProofFlowResult;
  slo: SloBurn[];
  /** An SLO whose burn rate in this step exceeds the lowest paging factor. */
  sloBurned: boolean;
}

export interface LoadReport {
  startedAt: string;
  target: string;
  conditions: string;
  classes: string[];
  skipped: { name: string; reason: string }[];
  pageFactor: number;
  steps: StepResult[];
}

/** Nearest-rank percentile of an ascending array (ms). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const TARGETS = { p95_ms_at_360: 900, error_rate_at_360: 0.002, proof_jobs_per_s_at_360: 2, proof_p95_ms_at_360: 900 };

export function benchLine(report: LoadReport): string {
  const last = report.steps[report.steps.length - 1];
  const burned = report.steps.some((s) => s.sloBurned) ? 1 : 0;
  const figures = {
    p95_ms_at_360: round(last?.p95 ?? NaN),
    p99_ms_at_360: round(last?.p99 ?? NaN),
    p50_ms_at_360: round(last?.p50 ?? NaN),
    error_rate_at_360: last?.errorRate ?? 1,
    achieved_rps_at_360: round(last?.achievedRps ?? 0),
    slo_burned: burned,
    classes_run: report.classes.length,
    // unique proof jobs beside the last step: offered rate, completions, completion latency (POST → result readable)
    proof_jobs_per_s_at_360: last?.proofs?.rate ?? 0,
    proofs_completed_at_360: last?.proofs?.completed ?? 0,
    proofs_failed_at_360: last?.proofs?.failed ?? 0,
    proofs_completed_per_s_at_360: round(last?.proofs?.completedPerS ?? 0),
    proof_p50_ms_at_360: last?.proofs?.p50 ?? 0,
    proof_p95_ms_at_360: last?.proofs?.p95 ?? 0,
    proof_p99_ms_at_360: last?.proofs?.p99 ?? 0,
  };
  const proofsOk = !last?.proofs || (last.proofs.completed > 0 && last.proofs.p95 < TARGETS.proof_p95_ms_at_360 && last.proofs.rate >= TARGETS.proof_jobs_per_s_at_360);
  const pass = !!last && figures.p95_ms_at_360 < TARGETS.p95_ms_at_360 && figures.error_rate_at_360 < TARGETS.error_rate_at_360 && burned === 0 && proofsOk;
  return JSON.stringify({ bench: 'load', figures, ratios: {}, targets: TARGETS, pass });
}

const round = (x: number): number => Math.round(x * 100) / 100;
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function latencyChart(steps: StepResult[]): string {
  const w = 520;
  const h = 200;
  const top = Math.max(1, ...steps.map((s) => s.p99));
  const group = (w - 40) / Math.max(1, steps.length);
  const colours: [keyof StepResult, string][] = [['p50', '#1a73e8'], ['p95', '#e8710a'], ['p99', '#b3261e']];
  const bars = steps
    .map((s, i) =>
      colours
        .map(([k, c], j) => {
          const v = s[k] as number;
          const bh = (v / top) * (h - 40);
          const x = 40 + i * group + 10 + j * ((group - 20) / 3);
          return `<rect x="${x.toFixed(1)}" y="${(h - 20 - bh).toFixed(1)}" width="${((group - 20) / 3 - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="${c}"><title>${s.rps} rps ${k}: ${v.toFixed(1)} ms</title></rect>`;
        })
        .join('') + `<text x="${(40 + i * group + group / 2).toFixed(1)}" y="${h - 5}" text-anchor="middle">${s.rps} rps</text>`,
    )
    .join('');
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="latency per step"><text x="4" y="14">${top.toFixed(0)} ms</text><line x1="40" x2="${w}" y1="${h - 20}" y2="${h - 20}" stroke="#999"/>${bars}</svg>
<p><span style="color:#1a73e8">■ p50</span> <span style="color:#e8710a">■ p95</span> <span style="color:#b3261e">■ p99</span></p>`;
}

function proofTable(steps: StepResult[]): string {
  const rows = steps
    .filter((s) => s.proofs)
    .map((s) => {
      const p = s.proofs!;
      return `<tr><td>${s.rps}</td><td>${p.rate}</td><td>${p.submitted}</td><td>${p.completed}</td><td>${p.completedPerS.toFixed(2)}</td><td>${p.failed}</td><td>${p.p50}</td><td>${p.p95}</td><td>${p.p99}</td></tr>`;
    })
    .join('\n');
  if (!rows) return '';
  return `<h2>Unique proof jobs beside each step (POST /v1/zk/jobs → result readable)</h2>
<table><tr><th>step rps</th><th>proof jobs/s offered</th><th>submitted</th><th>completed</th><th>completed/s</th><th>failed</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr>
${rows}</table>
`;
}

export function renderLoadHtml(report: LoadReport): string {
  const rows = report.steps
    .map(
      (s) => `<tr><td>${s.rps}</td><td>${s.achievedRps.toFixed(1)}</td><td>${s.requests}</td><td>${s.p50.toFixed(1)}</td><td>${s.p95.toFixed(1)}</td><td>${s.p99.toFixed(1)}</td><td>${s.max.toFixed(1)}</td><td>${(s.errorRate * 100).toFixed(3)}%</td><td>${s.sloBurned ? 'BURNED' : 'no'}</td></tr>`,
    )
    .join('\n');
  const slo = report.steps
    .flatMap((s) => s.slo.map((b) => `<tr><td>${s.rps}</td><td>${esc(b.slo)}</td><td>${b.total}</td><td>${b.errorRatio === null ? '–' : (b.errorRatio * 100).toFixed(3) + '%'}</td><td>${b.burnRate === null ? '–' : b.burnRate.toFixed(2) + 'x'}</td></tr>`))
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trust Fabric step-load ${esc(report.startedAt)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}pre{white-space:pre-wrap}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f1f3f4}svg text{font:11px sans-serif}</style></head>
<body><h1>Step-load report</h1>
<p>${esc(report.startedAt)} · target ${esc(report.target)} · ${esc(report.conditions)}</p>
<p>Request classes: ${report.classes.map(esc).join(', ') || 'none'}${report.skipped.length ? ` · skipped: ${report.skipped.map((s) => `${esc(s.name)} (${esc(s.reason)})`).join('; ')}` : ''}</p>
${latencyChart(report.steps)}
<table><tr><th>target rps</th><th>achieved rps</th><th>requests</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>errors</th><th>SLO burned (&gt; ${report.pageFactor}x)</th></tr>
${rows}</table>
${proofTable(report.steps)}<h2>SLO burn during each step (from the service's /metrics)</h2>
<table><tr><th>step rps</th><th>SLO</th><th>events</th><th>error ratio</th><th>burn rate</th></tr>
${slo}</table>
<pre>${esc(benchLine(report))}</pre>
</body></html>
`;
}
