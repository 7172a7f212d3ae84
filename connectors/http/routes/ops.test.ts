import express from 'express';
import type { Server } from 'node:http';
import type { ServiceContext, Principal } from '../context';
import { errorHandler } from '../errors';
import { loadSloSpec } from '../../../projections/ops/slo-spec';
import { seededReadModel } from '../../../projections/ops/testing';
import { opsPages, opsRoutes } from './ops';

const spec = loadSloSpec();
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
let server: Server;
let base = '';

beforeAll(async () => {
  const readModels = await seededReadModel(NOW, spec.slos.map((s) => s.name), { days: 2, burning: 'decide-availability', burnRatio: 0.05 });
  const ctx = { readModels } as unknown as ServiceContext;
  const app = express();
  app.use((req, _res, next) => {
    const role = String(req.headers['x-test-role'] ?? 'auditor') as Principal['role'];
    (req as unknown as { principal: Principal }).principal = { tenant: 'ops', role, keyId: 'k1' };
    next();
  });
  app.use('/ui', opsPages(ctx, { spec, now: () => NOW }));
  app.use('/v1', opsRoutes(ctx, { spec, now: () => NOW }));
  app.use(errorHandler);
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const get = async (path: string, role = 'auditor'): Promise<{ status: number; type: string; body: any }> => {
  const res = await fetch(base + path, { headers: { 'x-test-role': role } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
};

describe('GET /v1/ops/slo', () => {
  it('answers every SLO with budget, burn rates per window and alert states', async () => {
    const res = await get('/v1/ops/slo');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(new Date(NOW).toISOString());
    expect(res.body.slos.map((s: { slo: string }) => s.slo)).toEqual(spec.slos.map((s) => s.name));
    const decide = res.body.slos.find((s: { slo: string }) => s.slo === 'decide-availability');
    expect(decide.burnRates.map((b: { window: string }) => b.window)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    expect(decide.burnRates[0].burnRate).toBeGreaterThan(14.4);
    expect(decide.alerts[0]).toMatchObject({ alert: 'DecideAvailabilityFastBurn', firing: true });
    expect(decide.budgetRemaining).toBeLessThan(1);
  });

  it('filters by ?slo= and names an unknown SLO with 404', async () => {
    expect((await get('/v1/ops/slo?slo=ingest-latency')).body.slos).toHaveLength(1);
    const res = await get('/v1/ops/slo?slo=nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', details: { what: 'SLO', id: 'nope' } });
  });

  it('refuses producers with 403', async () => {
    const res = await get('/v1/ops/slo', 'producer');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('serves the dashboard page as self-contained HTML', async () => {
    const res = await get('/ui/ops/slo');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/html');
    expect(res.body).toContain('Error budget remaining');
    expect(res.body).toContain('DecideAvailabilityFastBurn FIRING');
    expect(res.body).not.toMatch(/<script|src="http|href="http/);
    expect((await get('/ui/ops/slo', 'producer')).status).toBe(403);
  });
});
