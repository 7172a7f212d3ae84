/**
 * Operations surface: `GET /v1/ops/slo` (JSON, auditors and admins) and the dashboard page
 * `GET /ui/ops/slo` (mounted with the pages, same keys and roles). Both answer from the SLO read model.
 */
import { Router, type Request, type Response } from 'express';
import { sloProjection } from '../../../projections/ops/slo-projection';
import type { DomainModule } from '../../registry';
import { sloReport, type SloReport } from '../../../projections/ops/slo-report';
import { renderSloDashboard } from '../../../projections/ops/slo-dashboard';
import { alertsProjection, listAlerts } from '../../../projections/ops/alerts';
import { alertPages, alertRoutes } from './ops-alerts';
import { loadSloSpec, sloSpecPath, type SloSpec } from '../../../projections/ops/slo-spec';
import { pathOverrides } from '../../config';
import { AuthError, NotFoundError } from '../../../schemas/errors';
import { asyncRoute, principalOf } from '../async-route';
import type { ServiceContext } from '../context';

export interface OpsRouteOptions {
  spec?: SloSpec;
  now?: () => number;
}

/**
 * GET /ops/slo for the readers of operational data (auditors and admins: it spans every tenant),
 * the SLO report computed now; `send` answers with it.
 */
function sloRoute(ctx: ServiceContext, opts: OpsRouteOptions, path: string, send: (req: Request, res: Response, report: SloReport, spec: SloSpec) => Promise<void> | void): Router {
  const spec = opts.spec ?? loadSloSpec(sloSpecPath(pathOverrides().sloFile));
  const now = opts.now ?? Date.now;
  const r = Router();
  r.get(
    '/ops/slo',
    asyncRoute(async (req, res) => {
      if (principalOf(req).role === 'producer') throw new AuthError('FORBIDDEN', `${path} needs an auditor or admin key`);
      await send(req, res, await sloReport(ctx.readModels, spec, now()), spec);
    }),
  );
  return r;
}

export function opsRoutes(ctx: ServiceContext, opts: OpsRouteOptions = {}): Router {
  return sloRoute(ctx, opts, 'GET /v1/ops/slo', (req, res, report) => {
    const only = typeof req.query.slo === 'string' ? req.query.slo : undefined;
    if (only !== undefined) {
      const one = report.slos.filter((s) => s.slo === only);
      if (one.length === 0) throw new NotFoundError('SLO', only);
      report.slos = one;
    }
    res.json(report);
  });
}

/** The page router, for `AppOptions.pages` (mounted under /ui). */
export function opsPages(ctx: ServiceContext, opts: OpsRouteOptions = {}): Router {
  return sloRoute(ctx, opts, '/ui/ops/slo', async (req, res, report, spec) => {
    const alerts = await listAlerts(ctx.readModels, { state: 'open' });
    res.type('html').send(renderSloDashboard(report, spec, { alerts, canAck: principalOf(req).role === 'admin' }));
  });
}

export default opsRoutes;

/**
 * The ops domain for connectors/registry.ts: its projections (SLO minutes, alerts), its /v1 routes
 * (SLO report, Alertmanager webhook, alerts and their acknowledgement) and the SLO dashboard.
 * The SLO sampler (startSloSampler) is started by `trust serve` itself.
 */
export const opsDomain: DomainModule = {
  name: 'ops',
  processors: [],
  projections: [sloProjection, alertsProjection],
  routes: [(ctx) => opsRoutes(ctx), (ctx) => alertRoutes(ctx)],
  pages: [(ctx) => opsPages(ctx), (ctx) => alertPages(ctx)],
};
