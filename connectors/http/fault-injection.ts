/**
 * Fault injection for chaos drills, off unless TRUST_FAULT_INJECTION=1: an admin sets a plan with
 * `PUT /chaos/faults {errorRatio, latencyMs, latencyRatio, method, routes}` and the matching requests
 * get a 503 (UNAVAILABLE, before any handler runs, so nothing is appended) or an added delay.
 * `DELETE /chaos/faults` ends the fault. The fraction is exact and deterministic: of n matching
 * requests, floor(n × ratio) are hit, spread evenly (no randomness to seed).
 * Outside /v1 on purpose: it is a drill tool, not part of the public API or the SDKs.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AuthError, ValidationError, type FieldProblem } from '../../schemas/errors';
import type { Principal } from './context';

export interface FaultPlan {
  /** Fraction of matching requests answered 503, 0..1. */
  errorRatio: number;
  /** Delay added to a fraction of matching requests. */
  latencyMs: number;
  latencyRatio: number;
  method: string;
  routes: string[];
}

export class FaultInjector {
  plan: FaultPlan | null = null;
  private seen = 0;
  private delayedSeen = 0;
  injectedErrors = 0;
  injectedDelays = 0;

  set(plan: FaultPlan | null): void {
    this.plan = plan;
    this.seen = 0;
    this.delayedSeen = 0;
  }

  /** Exact, evenly spread fraction: the i-th request is hit when floor((i+1)·r) > floor(i·r). */
  private static hit(i: number, ratio: number): boolean {
    return Math.floor((i + 1) * ratio + 1e-9) > Math.floor(i * ratio + 1e-9);
  }

  middleware = (req: Request, res: Response, next: NextFunction): void => {
    const p = this.plan;
    if (!p || req.method !== p.method || !p.routes.includes(req.path)) return next();
    if (p.errorRatio > 0 && FaultInjector.hit(this.seen++, p.errorRatio)) {
      this.injectedErrors++;
      res.locals.routeLabel = req.path; // the route pattern the metrics would have named
      res.set('Retry-After', '1');
      return void res.status(503).json({ code: 'UNAVAILABLE', message: 'injected fault (chaos drill): retry', details: { injected: true } });
    }
    if (p.latencyMs > 0 && p.latencyRatio > 0 && FaultInjector.hit(this.delayedSeen++, p.latencyRatio)) {
      this.injectedDelays++;
      return void setTimeout(next, p.latencyMs);
    }
    next();
  };
}

export function parseFaultPlan(body: unknown): FaultPlan {
  const problems: FieldProblem[] = [];
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const ratio = (k: string): number => {
    const v = b[k] ?? 0;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) problems.push({ field: k, problem: 'must be a number from 0 to 1' });
    return Number(v);
  };
  const errorRatio = ratio('errorRatio');
  const latencyRatio = ratio('latencyRatio');
  const latencyMs = b.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 60000) problems.push({ field: 'latencyMs', problem: 'must be an integer from 0 to 60000' });
  const method = b.method ?? 'POST';
  if (typeof method !== 'string' || !/^[A-Z]+$/.test(method)) problems.push({ field: 'method', problem: 'must be an upper-case HTTP method' });
  const routes = b.routes ?? ['/v1/events'];
  if (!Array.isArray(routes) || routes.length === 0 || routes.some((r) => typeof r !== 'string' || !r.startsWith('/v1/'))) problems.push({ field: 'routes', problem: 'must be a non-empty list of /v1/ paths' });
  if (problems.length) throw new ValidationError(problems);
  return { errorRatio, latencyMs: latencyMs as number, latencyRatio, method: method as string, routes: routes as string[] };
}

/** `/chaos/faults` (admin keys); `auth` sets req.principal. */
export function faultRoutes(injector: FaultInjector, auth: express.RequestHandler): Router {
  const r = express.Router();
  const admin = (req: Request, _res: Response, next: NextFunction) => {
    const p = (req as Request & { principal?: Principal }).principal;
    next(p?.role === 'admin' ? undefined : new AuthError('FORBIDDEN', 'fault injection needs an admin key'));
  };
  const state = () => ({ plan: injector.plan, injectedErrors: injector.injectedErrors, injectedDelays: injector.injectedDelays });
  r.get('/faults', auth, admin, (_req, res) => void res.json(state()));
  r.put('/faults', auth, admin, (req, res) => {
    injector.set(parseFaultPlan(req.body));
    res.json(state());
  });
  r.delete('/faults', auth, admin, (_req, res) => {
    injector.set(null);
    res.json(state());
  });
  return r;
}
