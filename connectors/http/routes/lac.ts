/**
 * LAC HTTP routes (mounted under /v1):
 *   GET  /lac/bundles                                      the bundle catalog (params schemas, codes, messages)
 *   GET  /lac/policies                                     the tenant's policies, a page at a time (?limit=&cursor=; auditors, admins: ?tenant=)
 *   GET  /lac/policies/:id                                 one policy: versions with state and document, history
 *   POST /lac/policies                                     body = the policy document (JSON, or YAML as text/yaml)
 *   POST /lac/sessions                                     {sessionId?, client?}: an author opened an editor (time-to-author telemetry)
 *   POST /lac/decide                                       {policy, request} → {decision, reasons, obligations, policy}
 *   POST /lac/policies/:id/versions/:version/preview       blast radius of a version against the active one
 *   POST /lac/policies/:id/versions/:version/promote       low risk promotes; otherwise 409 with the preview unless acknowledged
 *   GET  /lac/previews/:previewId                          a recorded preview, with whether it is stale (promote's rule, from the read models)
 *   POST /lac/diff                                         {from, to} → the semantic diff of two versions (ids, {id, version} or documents); records nothing
 *   GET  /lac/analytics                                    author analytics with their breakdown by week, author and bundle (?from=&to= ISO dates)
 * The author's locale comes from Accept-Language (en, fr); the author and the session from
 * `X-Lac-Author` (default: the API key id) and `X-Lac-Session`.
 */
import express, { type Request } from 'express';
import { AuthError, NotFoundError, ValidationError } from '../../../schemas/errors';
import { BUNDLES, ENGINE_CODES, paramsJsonSchema } from '../../../streams/lac/bundles/catalog';
import { LacService, type Caller } from '../../../application/lac/lac-service';
import { loadCostModel } from '../../../streams/lac/preview/cost';
import { pathOverrides } from '../../config';
import { localeOf } from '../../../streams/lac/model/i18n';
import { parsePolicyText } from '../../../streams/lac/model/parse';
import { previewIsStale, storedPreview } from '../../../projections/lac/policies';
import { pageRequest } from '../../../projections/paging';
import { analyticsView, policiesPage, policyView } from '../../../application/lac/queries';
import { openAuthoringSession } from '../../../application/lac/sessions';
import { readTenantOf } from '../read-tenant';
import { asyncRoute, principalOf } from '../async-route';
import type { RouteModule } from '../context';
import type { DomainModule } from '../../registry';
import { processors as lacProcessors } from '../../../streams/lac';
import { lacDemo } from '../../../application/lac/demo';
import { projections as lacProjections } from '../../../projections/lac';
import { lacPages } from '../pages/lac-pages';

const HEADER_TEXT = /^[\x20-\x7e]{1,128}$/;

function callerOf(req: Request): Caller {
  const principal = principalOf(req);
  const header = (name: string) => {
    const v = req.header(name);
    if (v === undefined) return undefined;
    if (!HEADER_TEXT.test(v)) throw new ValidationError([{ field: `header ${name}`, problem: 'must be 1 to 128 printable ASCII characters' }]);
    return v;
  };
  return { principal, author: header('x-lac-author') ?? principal.keyId, sessionId: header('x-lac-session'), locale: localeOf(req.header('accept-language')) };
}

function mustWrite(c: Caller) {
  if (c.principal.role === 'auditor') throw new AuthError('FORBIDDEN', "role 'auditor' may read LAC analytics and previews but not draft, decide or promote");
}

function isoParam(req: Request, name: string): number | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new ValidationError([{ field: name, problem: 'must be an ISO-8601 date, e.g. 2026-11-23' }]);
  return ms;
}

export const lacRoutes: RouteModule = (ctx) => {
  // The deployment's own cost model (LAC_COST_MODEL), or the checkout's.
  const costFile = pathOverrides().lacCostModel;
  const service = new LacService(ctx, costFile ? { costModel: loadCostModel(costFile) } : {});
  const router = express.Router();
  const yamlBody = express.text({ type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], limit: '256kb' });

  router.get('/lac/bundles', (req, res) => {
    const locale = localeOf(req.header('accept-language'));
    res.json({
      bundles: BUNDLES.map((b) => ({
        name: b.name,
        versions: b.versions,
        latest: b.versions[b.versions.length - 1],
        summary: b.summary[locale],
        paramsSchema: paramsJsonSchema(b),
        params: Object.fromEntries(Object.entries(b.params).map(([k, p]) => [k, { type: p.type, ...(p.default !== undefined ? { default: p.default } : {}), required: !!p.required, doc: p.doc[locale] }])),
        codes: Object.fromEntries(Object.entries(b.codes).map(([code, c]) => [code, { denies: c.denies, message: c.message[locale], messages: c.message }])),
        obligations: b.obligations,
      })),
      engineCodes: Object.fromEntries(Object.entries(ENGINE_CODES).map(([code, m]) => [code, m[locale]])),
    });
  });

  router.get('/lac/policies', asyncRoute(async (req, res) => void res.json(await policiesPage(ctx, readTenantOf(req), pageRequest(req.query, 1)))));
  router.get('/lac/policies/:id', asyncRoute(async (req, res) => void res.json(await policyView(ctx, readTenantOf(req), req.params.id))));

  router.post(
    '/lac/sessions',
    asyncRoute(async (req, res) => {
      const c = callerOf(req);
      mustWrite(c);
      res.status(201).json(await openAuthoringSession(ctx, c.principal, c.author, req.body));
    }),
  );

  router.post(
    '/lac/policies',
    yamlBody,
    asyncRoute(async (req, res) => {
      const c = callerOf(req);
      mustWrite(c);
      let raw: unknown = req.body;
      if (typeof raw === 'string') {
        const parsed = parsePolicyText(raw, c.locale);
        if (parsed.problems.length) throw new ValidationError(parsed.problems.map((p) => ({ field: p.path, problem: p.message })));
        raw = parsed.raw;
      }
      const result = await service.draft(c, raw);
      if (!result.valid) {
        const err = new ValidationError(result.problems.map((p) => ({ field: p.path, problem: p.message, code: p.code })));
        Object.assign(err.details, { recorded: true, policyId: result.policyId, version: result.version, sessionId: result.sessionId });
        throw err;
      }
      res.status(201).json(result);
    }),
  );

  router.post(
    '/lac/decide',
    asyncRoute(async (req, res) => {
      const c = callerOf(req);
      mustWrite(c);
      res.json(await service.decide(c, req.body));
    }),
  );

  router.post(
    '/lac/policies/:id/versions/:version/preview',
    asyncRoute(async (req, res) => {
      const c = callerOf(req);
      mustWrite(c);
      const { windowDays } = (req.body ?? {}) as { windowDays?: number };
      res.status(201).json(await service.preview(c, req.params.id, req.params.version, { windowDays }));
    }),
  );

  router.post(
    '/lac/policies/:id/versions/:version/promote',
    asyncRoute(async (req, res) => {
      const c = callerOf(req);
      mustWrite(c);
      res.json(await service.promote(c, req.params.id, req.params.version, req.body));
    }),
  );

  router.post(
    '/lac/diff',
    asyncRoute(async (req, res) => {
      const c = callerOf(req);
      await ctx.settled(await ctx.log.head());
      res.json(await service.diff(c, req.body));
    }),
  );

  router.get(
    '/lac/previews/:previewId',
    asyncRoute(async (req, res) => {
      const p = await storedPreview(ctx.readModels, req.params.previewId);
      const principal = principalOf(req);
      // Producers see their own tenant's previews; auditors and admins read any tenant's (as GET /v1/events).
      if (!p || (principal.role === 'producer' && p.tenant !== principal.tenant)) throw new NotFoundError('preview', req.params.previewId);
      res.json({ status: p.status, computedAt: p.computedAt, ...p.body, stale: (await previewIsStale(ctx.readModels, p.previewId)) ?? true });
    }),
  );

  router.get(
    '/lac/analytics',
    asyncRoute(async (req, res) => {
      const fromMs = isoParam(req, 'from');
      const toMs = isoParam(req, 'to');
      res.json(await analyticsView(ctx, readTenantOf(req), { fromMs, toMs }));
    }),
  );

  return router;
};

export default lacRoutes;

/** The LAC domain for connectors/registry.ts: projections, /v1 routes, the promotion page and demo data. */
export const lacDomain: DomainModule = {
  name: 'lac',
  processors: lacProcessors,
  projections: lacProjections,
  routes: [lacRoutes],
  pages: [(ctx) => lacPages(ctx, (req, tenant) => principalOf(req).role !== 'producer' || principalOf(req).tenant === tenant)],
  demo: lacDemo,
};
