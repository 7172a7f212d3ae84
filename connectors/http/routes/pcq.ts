/**
 * PCQ HTTP surface (mounted under /v1, after auth):
 *   POST /pcq/fixtures                 register or update manifests (one, an array, or {fixtures: [...]})
 *   POST /pcq/replays                  record replays (one, an array, or {replays: [...]}; ?wait=true for read-your-writes)
 *   POST /pcq/replays/missing          a CI shard that timed out: its fixtures are missing replays
 *   POST /pcq/releases                 tag a release {release, taggedAt}
 *   GET  /pcq/releases                 tagged releases in tag order, then untagged ones with replays
 *   GET  /pcq/anomalies?fixtureId=&release=&label=
 *   POST /pcq/anomalies/:id/label      a person's override {label, by, reason}
 *   GET  /pcq/fixtures/:id             manifest, latest checks, status
 *   GET  /pcq/clusters?release=        anomalies of a release grouped by label and differing inputs
 *   GET  /pcq/agreement?release=       share of fixtures agreeing across runtimes (target 95%)
 *   GET  /pcq/overrides                TriageOverridden payloads as JSON lines (training input of the next model)
 * The reads of the workbench (releases, anomalies, clusters, agreement) take ?tenant= for auditors and admins.
 * and the page router (mounted under /ui, same keys): GET /pcq/timeline?tenant=&releases=5 (tenant: auditors and admins)
 */
import { Router, type Request } from 'express';
import { NotFoundError, ValidationError } from '../../../schemas/errors';
import { agreement, clustersOf, fixtureDetail, listAnomalies, releaseList } from '../../../projections/pcq/queries';
import { renderTimeline } from '../../../projections/pcq/timeline/render';
import { timelineOf } from '../../../projections/pcq/timeline/data';
import { overrideLabel, recordMissing, recordReplays, registerFixtures, tagRelease } from '../../../application/pcq/pcq-app';
import { readableTenant } from '../../auth/api-keys';
import { readTenantOf } from '../read-tenant';
import { asyncRoute, principalOf } from '../async-route';
import type { RouteModule, ServiceContext } from '../context';
import type { DomainModule } from '../../registry';
import { processors as pcqProcessors } from '../../../streams/pcq';
import { projections as pcqProjections } from '../../../projections/pcq';
import { pcqDemo } from '../../../application/pcq/demo';

const query = (req: Request, name: string): string | undefined => {
  const v = req.query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new ValidationError([{ field: name, problem: 'must be given once, as text' }]);
  return v;
};

export const pcqRoutes: RouteModule = (ctx: ServiceContext) => {
  const r = Router();
  r.post('/pcq/fixtures', asyncRoute(async (req, res) => void res.status(201).json(await registerFixtures(ctx, principalOf(req), req.body))));
  r.post('/pcq/replays/missing', asyncRoute(async (req, res) => void res.status(202).json(await recordMissing(ctx, principalOf(req), req.body))));
  r.post(
    '/pcq/replays',
    asyncRoute(async (req, res) => void res.status(202).json(await recordReplays(ctx, principalOf(req), req.body, { wait: query(req, 'wait') === 'true' }))),
  );
  r.post('/pcq/releases', asyncRoute(async (req, res) => void res.status(201).json(await tagRelease(ctx, principalOf(req), req.body))));
  r.get(
    '/pcq/releases',
    asyncRoute(async (req, res) => {
      const tenant = readTenantOf(req);
      res.json({ tenant, releases: await releaseList(ctx.readModels, tenant) });
    }),
  );
  r.get(
    '/pcq/anomalies',
    asyncRoute(async (req, res) => {
      // ?label= is one of the labels (the spec's PcqLabel, checked at the edge).
      const rows = await listAnomalies(ctx.readModels, readTenantOf(req), { fixtureId: query(req, 'fixtureId'), release: query(req, 'release'), label: query(req, 'label') });
      res.json(
        rows.map((a) => ({
          anomalyId: a.anomalyId,
          fixtureId: a.fixtureId,
          release: a.release,
          kind: a.kind,
          runtimes: a.runtimes,
          label: a.label,
          confidence: a.confidence,
          runbook: a.runbook,
          needsReview: a.needsReview,
          modelVersion: a.modelVersion,
          trigger: a.trigger,
          supersedesLabel: a.supersedesLabel,
          override: a.override,
          diff: a.diff,
        })),
      );
    }),
  );
  r.post('/pcq/anomalies/:id/label', asyncRoute(async (req, res) => void res.json(await overrideLabel(ctx, principalOf(req), req.params.id, req.body))));
  r.get(
    '/pcq/fixtures/:id',
    asyncRoute(async (req, res) => {
      const d = await fixtureDetail(ctx.readModels, principalOf(req).tenant, req.params.id);
      if (!d) throw new NotFoundError('fixture', req.params.id);
      res.json(d);
    }),
  );
  r.get(
    '/pcq/clusters',
    asyncRoute(async (req, res) => {
      const release = query(req, 'release');
      if (!release) throw new ValidationError([{ field: 'release', problem: 'is required, e.g. ?release=1.7.0' }]);
      res.json({ release, clusters: await clustersOf(ctx.readModels, readTenantOf(req), release) });
    }),
  );
  r.get('/pcq/agreement', asyncRoute(async (req, res) => void res.json(await agreement(ctx.readModels, readTenantOf(req), query(req, 'release')))));
  r.get(
    '/pcq/overrides',
    asyncRoute(async (req, res) => {
      const tenant = principalOf(req).tenant;
      const events = await ctx.log.read({ types: ['TriageOverridden'], tenant, limit: 100_000 });
      res.type('application/x-ndjson').send(events.map((e) => JSON.stringify(e.payload)).join('\n') + (events.length ? '\n' : ''));
    }),
  );
  return r;
};

/** The timeline page router, for `AppOptions.pages` (mounted under /ui). */
export function pcqPages(ctx: ServiceContext, opts: { now?: () => Date } = {}): Router {
  const r = Router();
  r.get('/pcq/timeline', async (req, res, next) => {
    try {
      const requested = typeof req.query.tenant === 'string' ? req.query.tenant : undefined;
      const principal = principalOf(req);
      const tenant = readableTenant(principal, requested) ?? principal.tenant;
      const n = req.query.releases === undefined ? 5 : Number(req.query.releases);
      if (!Number.isInteger(n) || n < 1 || n > 20) throw new ValidationError([{ field: 'releases', problem: 'must be a whole number from 1 to 20' }]);
      res.type('html').send(renderTimeline(await timelineOf(ctx.readModels, tenant, n), { generatedAt: (opts.now ?? (() => new Date()))() }));
    } catch (err) {
      next(err);
    }
  });
  return r;
}

export default pcqRoutes;

/**
 * The PCQ domain for connectors/registry.ts: processors, projections, /v1 routes, the timeline page and demo data.
 */
export const pcqDomain: DomainModule = {
  name: 'pcq',
  processors: pcqProcessors,
  projections: pcqProjections,
  routes: [pcqRoutes],
  pages: [(ctx) => pcqPages(ctx)],
  demo: pcqDemo,
};
