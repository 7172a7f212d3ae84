/** HTTP metrics: latency histogram and request counter per route pattern (never per raw path: ids would explode cardinality). */
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Service } from '../service';

export const httpDuration = new Histogram({
  name: 'trust_http_request_duration_seconds',
  help: 'HTTP request latency by route pattern',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const httpRequests = new Counter({
  name: 'trust_http_requests_total',
  help: 'HTTP requests by route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
});

export function httpMetrics(req: Request, res: Response, next: NextFunction): void {
  const start = process.hrtime.bigint();
  res.on('finish', () => {
    const route = (res.locals.routeLabel as string | undefined) ?? (req.route ? `${req.baseUrl}${req.route.path}` : req.baseUrl || 'unmatched');
    const labels = { method: req.method, route, status: String(res.statusCode) };
    httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    httpRequests.inc(labels);
  });
  next();
}

/** What runs in the background of a service, by name, and whether it is failing now (what /healthz reports). */
export function componentHealth(service: Service): { name: string; failing: boolean }[] {
  return [...service.processors, ...service.projections].map((l) => ({ name: l.name, failing: !!l.lastError }));
}

/** The services this process serves: their components are read at scrape time. */
const served = new Set<Service>();

/**
 * 1 while a component is failing, 0 while it works: the same list as /healthz's `failing`, so an
 * alert can see a relay that cannot reach Kafka or a projection that cannot write, which the
 * request SLOs do not (infra/prometheus/instance-rules.yml).
 */
new Gauge({
  name: 'trust_component_failing',
  help: 'Whether a processor, projection, relay or bus connection of this instance is failing (1) or working (0), as /healthz reports it',
  labelNames: ['component'] as const,
  collect() {
    this.reset();
    for (const service of served) for (const c of componentHealth(service)) this.set({ component: c.name }, c.failing ? 1 : 0);
  },
});

/** Report this service's components on /metrics until `stop` is called. */
export function serveComponentMetrics(service: Service): () => void {
  served.add(service);
  return () => served.delete(service);
}
