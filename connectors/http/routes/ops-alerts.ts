/**
 * The alert path's HTTP edge:
 *   POST /v1/ops/alertmanager        Alertmanager's webhook receiver: records AlertFired / AlertResolved
 *                                    (admin keys, or a producer key of tenant `system`, the one infra/observe gives Alertmanager)
 *   GET  /v1/ops/alerts[?state=]     alert occurrences with time to detect / acknowledge / resolve (auditors, admins)
 *   GET  /v1/ops/alerts/:id          one occurrence
 *   POST /v1/ops/alerts/:id/ack      records AlertAcknowledged (admins); the SLO page's button posts to
 *   POST /ui/ops/alerts/:id/ack      the same command from a signed-in browser
 * Commands read the occurrence's stream, decide (streams/ops/alerts.ts) and append with the stream
 * version expected, retried on a version conflict.
 */
import express, { Router, type Request } from 'express';
import type { AppendResult, NewEvent } from '../../../schemas/envelope';
import { AuthError, NotFoundError, TransientError, ValidationError } from '../../../schemas/errors';
import { handleCommand, type CommandStream } from '../../../application/command-handler';
import {
  ALERT_ACKNOWLEDGED,
  ALERT_ID,
  alertIdOf,
  alertStream,
  decideAck,
  decideDelivery,
  foldOccurrence,
  parseAck,
  parseWebhook,
  type AckInput,
  type AlertEmit,
  type OccurrenceState,
} from '../../../streams/ops/alerts';
import { alertTimings, getAlert, listAlerts, type AlertView } from '../../../projections/ops/alerts';
import { SYSTEM_TENANT } from '../../../projections/ops/slo-sampler';
import { asyncRoute, principalOf } from '../async-route';
import type { Principal, ServiceContext } from '../context';

const MAX_ATTEMPTS = 5;
/** Alert events belong to the service itself (like SloSampled), whoever delivered or acknowledged them. */
export const ALERTMANAGER_TENANT = SYSTEM_TENANT;

async function readOccurrence(ctx: ServiceContext, alertId: string) {
  return foldOccurrence(await ctx.log.readStream(alertStream(alertId), 1, 100));
}

export interface DeliveryResult {
  recorded: number;
  repeated: number;
  alerts: string[];
}

/** Records one webhook delivery; a repeat of an occurrence already recorded adds nothing. */
export async function recordDelivery(ctx: ServiceContext, principal: Principal, body: unknown, now: () => number): Promise<DeliveryResult> {
  const delivery = parseWebhook(body);
  const receivedAt = new Date(now()).toISOString();
  let recorded = 0;
  let repeated = 0;
  let last = 0;
  const ids: string[] = [];
  for (const a of delivery.alerts) {
    const alertId = alertIdOf(a.fingerprint, a.startsAt);
    if (!ids.includes(alertId)) ids.push(alertId);
    await handleCommand(occurrence(ctx, principal, alertId, receivedAt), (state) => ({
      events: decideDelivery(state, a, delivery.receiver, receivedAt),
      result: (results) => {
        if (!results) return void repeated++;
        last = Math.max(last, ...results.map((r) => r.position));
        recorded += results.filter((r) => !r.duplicate).length;
      },
    }), { retry: { onVersionConflict: MAX_ATTEMPTS - 1 } });
  }
  if (last) await ctx.settled(last);
  return { recorded, repeated, alerts: ids };
}

/** Acknowledges an occurrence once; a second acknowledgement answers the first. */
export async function acknowledge(ctx: ServiceContext, principal: Principal, alertId: string, input: AckInput, now: () => number): Promise<{ acknowledged: true; already: boolean; alert: AlertView }> {
  if (!ALERT_ID.test(alertId)) throw new ValidationError([{ field: 'id', problem: `'${alertId}' is not an alert id (<fingerprint>-<epoch ms>, from GET /v1/ops/alerts)` }]);
  const at = new Date(now()).toISOString();
  return handleCommand(occurrence(ctx, principal, alertId, at), (state) => {
    const d = decideAck(state, alertId, input.by ?? principal.tenant, input.note ?? '', at);
    if (d.kind === 'unknown') throw new NotFoundError('alert', alertId);
    return {
      events: d.kind === 'already' ? [] : [{ id: d.id, type: ALERT_ACKNOWLEDGED, payload: d.payload }],
      result: async (results) => {
        await ctx.settled(results ? results[0].position : await ctx.log.head());
        const view = await getAlert(ctx.readModels, alertId);
        if (!view) throw new TransientError(`alert ${alertId} is not in the read model yet; retry`);
        return { acknowledged: true as const, already: d.kind === 'already', alert: view };
      },
    };
  }, { retry: { onVersionConflict: MAX_ATTEMPTS - 1 }, exhausted: () => new TransientError(`acknowledging ${alertId} kept racing with concurrent deliveries; retry`) });
}

/** What an occurrence's stream takes: a delivery's events (AlertEmit) or an acknowledgment. */
type OccurrenceEvent = { id: string; type: string; payload: object };

/** An alert occurrence's stream for handleCommand: appends through the service's ingest, stamped `at`. */
function occurrence(ctx: ServiceContext, principal: Principal, alertId: string, at: string): CommandStream<OccurrenceState, OccurrenceEvent, AppendResult[]> {
  return {
    read: async () => {
      const state = await readOccurrence(ctx, alertId);
      return { state, version: state.version };
    },
    append: (expectedVersion, emits) =>
      ctx.ingest(
        principal,
        emits.map((e, i): NewEvent => ({ id: e.id, type: e.type, stream: alertStream(alertId), tenant: ALERTMANAGER_TENANT, occurredAt: at, payload: e.payload, ...(i === 0 ? { expectedVersion } : {}) })),
      ),
  };
}

const mayRead = (req: Request, what: string) => {
  if (principalOf(req).role === 'producer') throw new AuthError('FORBIDDEN', `${what} needs an auditor or admin key`);
};
const mustAdmin = (req: Request, what: string) => {
  if (principalOf(req).role !== 'admin') throw new AuthError('FORBIDDEN', `${what} needs an admin key (the on-call's)`);
};
const STATES = ['firing', 'acknowledged', 'resolved', 'open', 'all'] as const;

export function alertRoutes(ctx: ServiceContext, opts: { now?: () => number } = {}): Router {
  const now = opts.now ?? Date.now;
  const r = Router();
  r.post(
    '/ops/alertmanager',
    asyncRoute(async (req, res) => {
      const p = principalOf(req);
      if (p.role !== 'admin' && !(p.role === 'producer' && p.tenant === ALERTMANAGER_TENANT)) {
        throw new AuthError('FORBIDDEN', `POST /v1/ops/alertmanager needs an admin key or a producer key of tenant '${ALERTMANAGER_TENANT}'`);
      }
      res.json(await recordDelivery(ctx, p, req.body, now));
    }),
  );
  r.get(
    '/ops/alerts',
    asyncRoute(async (req, res) => {
      mayRead(req, 'GET /v1/ops/alerts');
      // The edge checked both against the spec (an enum; an integer from 1 to 1000).
      const state = (req.query.state as (typeof STATES)[number] | undefined) ?? 'all';
      const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
      await ctx.settled(await ctx.log.head());
      res.json({ alerts: await listAlerts(ctx.readModels, { state, limit }), timings: await alertTimings(ctx.readModels) });
    }),
  );
  r.get(
    '/ops/alerts/:id',
    asyncRoute(async (req, res) => {
      mayRead(req, 'GET /v1/ops/alerts/:id');
      await ctx.settled(await ctx.log.head());
      const a = await getAlert(ctx.readModels, req.params.id);
      if (!a) throw new NotFoundError('alert', req.params.id);
      res.json(a);
    }),
  );
  r.post(
    '/ops/alerts/:id/ack',
    asyncRoute(async (req, res) => {
      mustAdmin(req, 'POST /v1/ops/alerts/:id/ack');
      res.json(await acknowledge(ctx, principalOf(req), req.params.id, parseAck(req.body), now));
    }),
  );
  return r;
}

/** The SLO page's acknowledge button (a form; the session cookie is SameSite=Strict). */
export function alertPages(ctx: ServiceContext, opts: { now?: () => number } = {}): Router {
  const now = opts.now ?? Date.now;
  const r = Router();
  r.post(
    '/ops/alerts/:id/ack',
    express.urlencoded({ extended: false, limit: '4kb' }),
    asyncRoute(async (req, res) => {
      mustAdmin(req, 'acknowledging an alert');
      const body = req.body as Record<string, unknown>;
      await acknowledge(ctx, principalOf(req), req.params.id, parseAck(body.by ? { by: body.by } : {}), now);
      res.redirect(303, '/ui/ops/slo#alerts');
    }),
  );
  return r;
}
