/** HTTP metrics: latency histogram and request counter per route pattern (never per raw path: ids would explode cardinality). */
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram } from 'prom-client';

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
