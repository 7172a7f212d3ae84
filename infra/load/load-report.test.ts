import { benchLine, percentile, renderLoadHtml, type LoadReport, type StepResult } from './load-report';
import { parseMetricsText } from './metrics-text';
import { sloBurns } from './step-load';
import { sliCounts } from '../../projections/ops/sli-counts';
import { loadSloSpec } from '../../projections/ops/slo-spec';

const step = (rps: number, p95: number, errorRate: number, sloBurned = false): StepResult => ({
  rps, seconds: 20, requests: rps * 20, achievedRps: rps, errors: Math.round(errorRate * rps * 20), errorRate,
  p50: p95 / 3, p95, p99: p95 * 1.5, max: p95 * 2, byClass: {}, slo: [], sloBurned,
});
const report = (steps: StepResult[]): LoadReport => ({ startedAt: '2026-11-28T00:00:00Z', target: 'http://127.0.0.1:1', conditions: 'test', classes: ['ingest'], skipped: [], pageFactor: 6, steps });

describe('step-load report', () => {
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 95), percentile(xs, 99), percentile([], 95)]).toEqual([50, 95, 99, 0]);
  });

  it('the bench line carries the figures at the last step and passes only within every target', () => {
    const good = JSON.parse(benchLine(report([step(300, 40, 0), step(360, 60, 0.001)])));
    expect(good).toMatchObject({ bench: 'load', figures: { p95_ms_at_360: 60, p99_ms_at_360: 90, error_rate_at_360: 0.001, slo_burned: 0 }, targets: { p95_ms_at_360: 900, error_rate_at_360: 0.002 }, pass: true });
    expect(JSON.parse(benchLine(report([step(360, 950, 0)]))).pass).toBe(false);
    expect(JSON.parse(benchLine(report([step(360, 60, 0.003)]))).pass).toBe(false);
    expect(JSON.parse(benchLine(report([step(300, 60, 0, true), step(360, 60, 0)])))).toMatchObject({ figures: { slo_burned: 1 }, pass: false });
  });

  it('proof jobs beside the last step: their figures are in the line, and a slow or empty proof flow fails it', () => {
    const proofs = (p95: number, completed: number, rate = 2) => ({ rate, submitted: 40, accepted: 40, completed, failed: 40 - completed, completedPerS: completed / 20, p50: p95 / 2, p95, p99: p95 * 1.2, statuses: { 202: 40 } });
    const ok = JSON.parse(benchLine(report([{ ...step(360, 60, 0), proofs: proofs(700, 40) }])));
    expect(ok).toMatchObject({ figures: { proof_jobs_per_s_at_360: 2, proofs_completed_at_360: 40, proof_p95_ms_at_360: 700 }, targets: { proof_jobs_per_s_at_360: 2, proof_p95_ms_at_360: 900 }, pass: true });
    expect(JSON.parse(benchLine(report([{ ...step(360, 60, 0), proofs: proofs(1200, 40) }]))).pass).toBe(false);
    expect(JSON.parse(benchLine(report([{ ...step(360, 60, 0), proofs: proofs(0, 0) }]))).pass).toBe(false);
    expect(JSON.parse(benchLine(report([{ ...step(360, 60, 0), proofs: proofs(500, 40, 1) }]))).pass).toBe(false);
    expect(renderLoadHtml(report([{ ...step(360, 60, 0), proofs: proofs(700, 40) }]))).toContain('Unique proof jobs');
  });

  it('the HTML report is self-contained and ends with the bench line', () => {
    const html = renderLoadHtml(report([step(300, 40, 0), step(360, 60, 0)]));
    expect(html).toContain('<svg');
    expect(html).toContain('&#34;bench&#34;:&#34;load&#34;');
    expect(html).not.toMatch(/<script|src="http/);
  });
});

describe('SLO burn from /metrics', () => {
  const text = (ok: number, bad: number) => `# HELP trust_http_requests_total x
# TYPE trust_http_requests_total counter
trust_http_requests_total{method="POST",route="/v1/events",status="202"} ${ok}
trust_http_requests_total{method="POST",route="/v1/events",status="503"} ${bad}
# TYPE trust_http_request_duration_seconds histogram
trust_http_request_duration_seconds_bucket{le="0.5",method="POST",route="/v1/events",status="202"} ${ok}
trust_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/events",status="202"} ${ok}
trust_http_request_duration_seconds_count{method="POST",route="/v1/events",status="202"} ${ok}
`;
  it('parses the exposition format and measures the burn between two scrapes', () => {
    const spec = loadSloSpec();
    const before = sliCounts(spec, parseMetricsText(text(1000, 0)));
    const after = sliCounts(spec, parseMetricsText(text(1990, 10)));
    const burns = sloBurns(spec, before, after);
    expect(burns.find((b) => b.slo === 'ingest-availability')).toEqual({ slo: 'ingest-availability', total: 1000, errorRatio: 0.01, burnRate: 10 });
    expect(burns.find((b) => b.slo === 'ingest-latency')).toMatchObject({ total: 990, errorRatio: 0 });
    expect(burns.find((b) => b.slo === 'decide-availability')).toMatchObject({ total: 0, burnRate: null });
  });
});
