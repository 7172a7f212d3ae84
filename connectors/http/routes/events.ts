/** The generic event API: producers publish, auditors read the history. */
import { Router } from 'express';
import { codec } from '../../../schemas/codec';
import { ValidationError } from '../../../schemas/errors';
import { readableTenant } from '../../auth/api-keys';
import { assertCanWrite, parseEvents } from '../../ingest';
import { asyncRoute, principalOf } from '../async-route';
import type { ServiceContext } from '../context';

function intParam(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ValidationError([{ field, problem: `must be a whole number from ${min} to ${max}` }]);
  return n;
}

export function eventRoutes(ctx: ServiceContext): Router {
  const r = Router();
  const c = codec();

  r.post(
    '/events',
    asyncRoute(async (req, res) => {
      const principal = principalOf(req);
      assertCanWrite(principal);
      const body = req.body as Record<string, unknown> | undefined;
      const batch = body && typeof body === 'object' && !Array.isArray(body) && 'events' in body;
      if (batch && Object.keys(body!).length > 1) {
        throw new ValidationError([{ field: 'body', problem: 'a batch is {"events": [...]} with no other fields' }]);
      }
      const raw = batch ? body!.events : [body];
      const prefix = batch ? 'events' : 'event';
      const events = parseEvents(raw, principal, c, prefix, !batch);
      events.forEach((e, i) => {
        if (c.entry(e.type).source === 'system') {
          throw new ValidationError([{ field: batch ? `events[${i}].type` : 'event.type', problem: `'${e.type}' is recorded by the service itself and cannot be published` }], 'SCHEMA_VIOLATION');
        }
      });
      const results = await ctx.log.append(events);
      res.status(202).json({ positions: results.map((x) => x.position), ids: results.map((x) => x.id), duplicates: results.map((x) => x.duplicate) });
    }),
  );

  r.get(
    '/events',
    asyncRoute(async (req, res) => {
      const q = req.query as Record<string, string | undefined>;
      const tenant = readableTenant(principalOf(req), q.tenant);
      const from = intParam(q.from, 'from', 1, Number.MAX_SAFE_INTEGER, 1);
      const limit = intParam(q.limit, 'limit', 1, 1000, 100);
      const types = q.type ? q.type.split(',') : undefined;
      const events = await ctx.log.read({ from, limit, stream: q.stream || undefined, tenant, types });
      const next = events.length ? events[events.length - 1].position + 1 : from;
      res.json({ events, next });
    }),
  );

  r.get('/schemas', (_req, res) => {
    res.json({
      schemas: c.types().map((type) => {
        const e = c.entry(type);
        const version = e.versions[e.versions.length - 1];
        return { type, version, versions: e.versions, topic: e.topic, key: e.key, family: e.family, publishable: e.source === 'producer', schema: c.schema(type) };
      }),
    });
  });
  return r;
}
