/**
 * Page routes of LAC, mounted by the service under /ui (behind the API keys):
 *   GET /ui/lac/promotions/:previewId   the promotion preview a person reads before promoting.
 * `authorize` decides whether the caller may see a preview of that tenant (lacDomain: its own
 * tenant, or any for auditors and admins); false answers 404 rather than reveal the preview exists.
 */
import express, { type Request, type Router } from 'express';
import type { ServiceContext } from '../context';
import { storedPreview } from '../../../projections/lac/policies';
import { renderNotFound, renderPromotionPage } from '../../../projections/lac/pages/promotion-page';

export function lacPages(ctx: ServiceContext, authorize: (req: Request, tenant: string) => boolean = () => true): Router {
  const router = express.Router();
  router.get('/lac/promotions/:id', async (req, res, next) => {
    const p = await storedPreview(ctx.readModels, req.params.id).catch((err) => void next(err));
    if (p === undefined) return;
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    if (!p || !authorize(req, p.tenant)) return void res.status(404).type('html').send(renderNotFound(req.params.id));
    res.type('html').send(renderPromotionPage({ ...p.body, status: p.status, computedAt: p.computedAt }));
  });
  return router;
}
