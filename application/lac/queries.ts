/**
 * LAC queries the Studio and the SDKs ask, over the read models: the tenant's policies (a page),
 * one policy in full (its versions' documents included), author analytics with their breakdown by
 * week, author and bundle. Read-your-writes: each waits for the projections to reach the log's head.
 */
import type { ServiceContext } from '../context';
import { NotFoundError } from '../../schemas/errors';
import { listPolicies, policyDetail } from '../../projections/lac/policy-list-queries';
import { storedVersion } from '../../projections/lac/policies';
import { authorAnalytics } from '../../projections/lac/analytics';
import { authorBreakdown } from '../../projections/lac/author-activity-queries';
import type { PageRequest } from '../../projections/paging';

const settle = async (ctx: ServiceContext) => ctx.settled(await ctx.log.head());

export async function policiesPage(ctx: ServiceContext, tenant: string, page: PageRequest) {
  await settle(ctx);
  return listPolicies(ctx.readModels, tenant, page);
}

export async function policyView(ctx: ServiceContext, tenant: string, policyId: string) {
  await settle(ctx);
  const p = await policyDetail(ctx.readModels, tenant, policyId);
  if (!p) throw new NotFoundError('policy', policyId);
  const versions = await Promise.all(
    p.versions.map(async (v) => {
      const stored = await storedVersion(ctx.readModels, tenant, policyId, v.version);
      return { ...v, document: stored ? (JSON.parse(stored.document) as unknown) : null, problemDetails: stored?.problems ?? [] };
    }),
  );
  return { ...p, versions };
}

/** The totals (GET /v1/lac/analytics as before) and the breakdown by week, author and bundle. */
export async function analyticsView(ctx: ServiceContext, tenant: string, window: { fromMs?: number; toMs?: number }) {
  await settle(ctx);
  const [totals, breakdown] = await Promise.all([authorAnalytics(ctx.readModels, tenant, window), authorBreakdown(ctx.readModels, tenant, window)]);
  return { ...totals, ...breakdown };
}
