/**
 * SLI counts from a prom-client metrics snapshot (`register.getMetricsAsJSON()`): for each SLO,
 * the cumulative good and total events the same metrics the Prometheus rules read. Pure.
 */
import type { Sli, SloSpec } from './slo-spec';

/** The subset of prom-client's JSON shape this reads. */
export interface MetricSnapshot {
  name: string;
  values: { labels: Record<string, string | number>; value: number; metricName?: string }[];
}

export interface SliCount {
  slo: string;
  good: number;
  total: number;
}

function sumWhere(metrics: MetricSnapshot[], family: string, series: string, keep: (labels: Record<string, string | number>) => boolean): number {
  const m = metrics.find((x) => x.name === family);
  if (!m) return 0;
  let sum = 0;
  for (const v of m.values) if ((v.metricName ?? family) === series && keep(v.labels)) sum += v.value;
  return sum;
}

const onRoutes = (sli: { method: string; routes: string[] }) => (l: Record<string, string | number>) =>
  l.method === sli.method && sli.routes.includes(String(l.route));

const sameBound = (le: string | number | undefined, threshold: number): boolean => le !== undefined && le !== '+Inf' && Number(le) === threshold;

export function sliCount(sli: Sli, metrics: MetricSnapshot[]): { good: number; total: number } {
  switch (sli.kind) {
    case 'http-availability': {
      const f = 'trust_http_requests_total';
      const total = sumWhere(metrics, f, f, onRoutes(sli));
      const bad = sumWhere(metrics, f, f, (l) => onRoutes(sli)(l) && String(l.status).startsWith('5'));
      return { good: total - bad, total };
    }
    case 'http-latency': {
      const f = 'trust_http_request_duration_seconds';
      const good = sumWhere(metrics, f, `${f}_bucket`, (l) => onRoutes(sli)(l) && sameBound(l.le, sli.thresholdSeconds));
      return { good, total: sumWhere(metrics, f, `${f}_count`, onRoutes(sli)) };
    }
    case 'counter-ratio': {
      const value = (l: Record<string, string | number>) => String(l[sli.label]);
      const good = sumWhere(metrics, sli.counter, sli.counter, (l) => sli.good.includes(value(l)));
      const bad = sumWhere(metrics, sli.counter, sli.counter, (l) => sli.bad.includes(value(l)));
      return { good, total: good + bad };
    }
    case 'histogram-latency': {
      const h = sli.histogram;
      return { good: sumWhere(metrics, h, `${h}_bucket`, (l) => sameBound(l.le, sli.thresholdSeconds)), total: sumWhere(metrics, h, `${h}_count`, () => true) };
    }
  }
}

export const sliCounts = (spec: SloSpec, metrics: MetricSnapshot[]): SliCount[] =>
  spec.slos.map((slo) => ({ slo: slo.name, ...sliCount(slo.sli, metrics) }));

/**
 * Turns cumulative counters into per-interval deltas. A counter that went down was reset
 * (a restart of the metric source): its current value is the delta.
 */
export class SliDeltaTracker {
  private previous = new Map<string, { good: number; total: number }>();

  next(cumulative: SliCount[]): SliCount[] {
    const out = cumulative.map((c) => {
      const p = this.previous.get(c.slo);
      const reset = !p || c.total < p.total || c.good < p.good;
      return reset ? { ...c } : { slo: c.slo, good: c.good - p.good, total: c.total - p.total };
    });
    this.previous = new Map(cumulative.map((c) => [c.slo, { good: c.good, total: c.total }]));
    return out;
  }
}
