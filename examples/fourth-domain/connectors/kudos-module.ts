/**
 * The kudos example's HTTP routes and its DomainModule: what connectors/registry.ts would list for a
 * production domain. Examples are never listed there; a test mounts this one with withDomains().
 *   POST /v1/kudos          {to, reason} → 201 {to, count}
 *   GET  /v1/kudos/:person  → {person, count}
 */
import { Router } from 'express';
import { join } from 'node:path';
import { ValidationError } from '../../../schemas/errors';
import { asyncRoute, principalOf } from '../../../connectors/http/async-route';
import type { RouteModule } from '../../../connectors/http/context';
import type { DomainModule } from '../../../connectors/registry';
import { giveKudos } from '../application/kudos/give-kudos';
import { kudosCounts, kudosOf } from '../projections/kudos/kudos-counts';

/** Its event family (schemas/catalog, schemas/events), for addCatalogRoot: not in the shipped catalog. */
export const KUDOS_SCHEMAS = join(__dirname, '..', 'schemas');

const PERSON = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Not in sdk/spec (examples are not part of the API), so the edge's OpenAPI checks do not cover it: checked here. */
function kudosBody(raw: unknown): { to: string; reason: string } {
  const b = (raw ?? {}) as Record<string, unknown>;
  const problems = [];
  if (typeof b.to !== 'string' || !PERSON.test(b.to)) problems.push({ field: 'to', problem: 'is required: 1-64 letters, digits, ".", "_" or "-"' });
  if (typeof b.reason !== 'string' || b.reason.length === 0 || b.reason.length > 500) problems.push({ field: 'reason', problem: 'is required: 1-500 characters' });
  if (problems.length) throw new ValidationError(problems);
  return { to: b.to as string, reason: b.reason as string };
}

export const kudosRoutes: RouteModule = (ctx) => {
  const r = Router();
  r.post('/kudos', asyncRoute(async (req, res) => void res.status(201).json(await giveKudos(ctx, principalOf(req), kudosBody(req.body)))));
  r.get('/kudos/:person', asyncRoute(async (req, res) => void res.json({ person: req.params.person, count: await kudosOf(ctx.readModels, principalOf(req).tenant, req.params.person) })));
  return r;
};

export const kudosDomain: DomainModule = {
  name: 'kudos',
  processors: [],
  projections: [kudosCounts],
  routes: [kudosRoutes],
};
