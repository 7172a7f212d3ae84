/** The generic event API: producers publish, auditors read the history. */
import { Router } from 'express';
import { codec } from '../../../schemas/codec';
import { ValidationError } from '../../../schemas/errors';
import { readableTenant } from '../../auth/api-keys';
import { assertCanWrite, batchField, parseEvents, singleField, type EnvelopeJson } from '../../ingest';
import { asyncRoute, principalOf } from '../async-route';
import type { ServiceContext } from '../context';

export function eventRoutes(ctx: ServiceContext): Router {
  const r = Router();
  const c = codec();

  r.post(
    '/events',
    asyncRoute(async (req, res) => {
      const principal = principalOf(req);
      assertCanWrite(principal);
      // The body is a NewEvent or an EventBatch, checked against the spec at the edge.
      const body = req.body as EnvelopeJson | { events: EnvelopeJson[] };
      const batch = 'events' in body;
      const at = batch ? batchField : singleField;
      const events = parseEvents(batch ? body.events : [body], principal, c, at);
      events.forEach((e, i) => {
        if (c.entry(e.type).source === 'system') {
          throw new ValidationError([{ field: at(i, 'type'), problem: `'${e.type}' is recorded by the service itself and cannot be published` }], 'SCHEMA_VIOLATION');
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
      // from and limit were checked against the spec at the edge.
      const from = q.from ? Number(q.from) : 1;
      const limit = q.limit ? Number(q.limit) : 100;
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
