import { Counter, Histogram, Registry } from 'prom-client';
import { sliCounts, SliDeltaTracker, type MetricSnapshot } from './sli-counts';
import { loadSloSpec } from './slo-spec';

const spec = loadSloSpec();

async function snapshotOf(fill: (m: { requests: Counter<string>; duration: Histogram<string>; jobs: Counter<string>; jobTime: Histogram<string> }) => void) {
  const registry = new Registry();
  const requests = new Counter({ name: 'trust_http_requests_total', help: 'h', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({ name: 'trust_http_request_duration_seconds', help: 'h', labelNames: ['method', 'route', 'status'], buckets: [0.05, 0.1, 0.5, 1], registers: [registry] });
  const jobs = new Counter({ name: 'trust_zk_jobs_completed_total', help: 'h', labelNames: ['outcome'], registers: [registry] });
  const jobTime = new Histogram({ name: 'trust_zk_job_duration_seconds', help: 'h', buckets: [1, 10, 30, 60], registers: [registry] });
  fill({ requests, duration, jobs, jobTime });
  return (await registry.getMetricsAsJSON()) as unknown as MetricSnapshot[];
}

const countOf = (counts: { slo: string; good: number; total: number }[], slo: string) => counts.find((c) => c.slo === slo);

describe('SLI counts from the service metrics', () => {
  it('given requests on SLI routes and elsewhere, when counted, then only SLI routes count and only 5xx are bad', async () => {
    const metrics = await snapshotOf(({ requests, duration }) => {
      requests.inc({ method: 'POST', route: '/v1/events', status: '202' }, 90);
      requests.inc({ method: 'POST', route: '/v1/events', status: '422' }, 5);
      requests.inc({ method: 'POST', route: '/v1/pcq/replays', status: '503' }, 5);
      requests.inc({ method: 'GET', route: '/v1/events', status: '500' }, 1000);
      requests.inc({ method: 'POST', route: '/v1/lac/decide', status: '200' }, 40);
      for (let i = 0; i < 40; i++) duration.observe({ method: 'POST', route: '/v1/lac/decide', status: '200' }, i < 30 ? 0.02 : 0.3);
      duration.observe({ method: 'POST', route: '/v1/events', status: '202' }, 2);
    });
    const counts = sliCounts(spec, metrics);
    expect(countOf(counts, 'ingest-availability')).toEqual({ slo: 'ingest-availability', good: 95, total: 100 });
    expect(countOf(counts, 'decide-availability')).toEqual({ slo: 'decide-availability', good: 40, total: 40 });
    expect(countOf(counts, 'decide-latency')).toEqual({ slo: 'decide-latency', good: 30, total: 40 });
    expect(countOf(counts, 'ingest-latency')).toEqual({ slo: 'ingest-latency', good: 0, total: 1 });
  });

  it('counts proof jobs by outcome and duration', async () => {
    const metrics = await snapshotOf(({ jobs, jobTime }) => {
      jobs.inc({ outcome: 'done' }, 9);
      jobs.inc({ outcome: 'failed' }, 1);
      jobs.inc({ outcome: 'cancelled' }, 50);
      [5, 20, 45].forEach((s) => jobTime.observe(s));
    });
    const counts = sliCounts(spec, metrics);
    expect(countOf(counts, 'proof-jobs-availability')).toEqual({ slo: 'proof-jobs-availability', good: 9, total: 10 });
    expect(countOf(counts, 'proof-jobs-latency')).toEqual({ slo: 'proof-jobs-latency', good: 2, total: 3 });
  });

  it('metrics that do not exist yet count as zero', () => {
    expect(sliCounts(spec, []).every((c) => c.good === 0 && c.total === 0)).toBe(true);
  });

  it('deltas between snapshots, and a counter reset counts from zero', () => {
    const t = new SliDeltaTracker();
    expect(t.next([{ slo: 'a', good: 10, total: 12 }])).toEqual([{ slo: 'a', good: 10, total: 12 }]);
    expect(t.next([{ slo: 'a', good: 15, total: 20 }])).toEqual([{ slo: 'a', good: 5, total: 8 }]);
    expect(t.next([{ slo: 'a', good: 3, total: 3 }])).toEqual([{ slo: 'a', good: 3, total: 3 }]);
  });
});
