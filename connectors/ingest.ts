/**
 * The one ingest path: HTTP, the file importer and the domain routes all validate events here
 * before they reach the log, so every way in gives the same answers to the same mistakes.
 */
import type { Codec } from '../schemas/codec';
import type { AppendResult, NewEvent } from '../schemas/envelope';
import { AuthError, ValidationError, type FieldProblem } from '../schemas/errors';
import type { EventLog } from '../streams/log/port';
import type { Principal } from './http/context';

export const MAX_BATCH = 1000;
const MAX_ID = 200;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const ENVELOPE_FIELDS = new Set(['id', 'type', 'stream', 'tenant', 'expectedVersion', 'correlationId', 'causationId', 'occurredAt', 'payload']);

/** Check the shape of raw JSON events (the envelope); the payload is checked against its schema. */
/** `single`: the body was one event, so fields are named `event.x` rather than `events[0].x`. */
export function parseEvents(raw: unknown, principal: Principal, codec: Codec, fieldPrefix = 'events', single = false): NewEvent[] {
  if (!Array.isArray(raw)) throw new ValidationError([{ field: fieldPrefix, problem: 'must be an array of events' }]);
  if (raw.length === 0) throw new ValidationError([{ field: fieldPrefix, problem: 'must hold at least one event' }]);
  if (raw.length > MAX_BATCH) throw new ValidationError([{ field: fieldPrefix, problem: `holds ${raw.length} events; at most ${MAX_BATCH} per request` }]);
  const envelope: FieldProblem[] = [];
  const schema: FieldProblem[] = [];
  let unknownType = false;
  const events = raw.map((r, i): NewEvent => {
    const at = single ? fieldPrefix : `${fieldPrefix}[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      envelope.push({ field: at, problem: 'must be an event object' });
      return undefined as unknown as NewEvent;
    }
    const e = r as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!ENVELOPE_FIELDS.has(k)) envelope.push({ field: `${at}.${k}`, problem: 'is not an event field' });
    const text = (k: string, required: boolean) => {
      const v = e[k];
      if (v === undefined || v === null) {
        if (required) envelope.push({ field: `${at}.${k}`, problem: 'is required' });
        return undefined;
      }
      if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID || /[\u0000-\u001f]/.test(v)) {
        envelope.push({ field: `${at}.${k}`, problem: `must be a non-empty string of at most ${MAX_ID} printable characters` });
        return undefined;
      }
      return v;
    };
    const type = text('type', true);
    const stream = text('stream', true);
    const id = text('id', false);
    const correlationId = text('correlationId', false);
    const causationId = text('causationId', false);
    const tenant = text('tenant', false) ?? principal.tenant;
    if (tenant !== principal.tenant && principal.role !== 'admin') {
      throw new AuthError('FORBIDDEN', `${at}.tenant: your key belongs to tenant '${principal.tenant}' and cannot write for '${tenant}'`);
    }
    let expectedVersion: number | undefined;
    if (e.expectedVersion !== undefined && e.expectedVersion !== null) {
      if (!Number.isSafeInteger(e.expectedVersion) || (e.expectedVersion as number) < 0) {
        envelope.push({ field: `${at}.expectedVersion`, problem: 'must be a whole number ≥ 0 (0 = the stream must not exist yet)' });
      } else expectedVersion = e.expectedVersion as number;
    }
    let occurredAt: string | undefined;
    if (e.occurredAt !== undefined && e.occurredAt !== null) {
      if (typeof e.occurredAt !== 'string' || !ISO_DATE_TIME.test(e.occurredAt) || Number.isNaN(Date.parse(e.occurredAt))) {
        envelope.push({ field: `${at}.occurredAt`, problem: 'must be an ISO-8601 date-time, e.g. 2026-11-28T12:00:00Z' });
      } else occurredAt = new Date(e.occurredAt).toISOString();
    }
    if (type !== undefined) {
      if (!codec.has(type)) {
        unknownType = true;
        schema.push({ field: `${at}.type`, problem: `unknown event type '${type}'; GET /v1/schemas lists the known types` });
      } else if (e.payload === undefined) {
        envelope.push({ field: `${at}.payload`, problem: 'is required' });
      } else {
        schema.push(...codec.validate(type, e.payload, `${at}.payload`));
      }
    }
    return { id, type: type!, stream: stream!, tenant, expectedVersion, correlationId, causationId, occurredAt, payload: e.payload };
  });
  if (envelope.length) throw new ValidationError([...envelope, ...schema]);
  if (schema.length) throw new ValidationError(schema, unknownType ? 'UNKNOWN_EVENT_TYPE' : 'SCHEMA_VIOLATION');
  return events;
}

/** Roles that may write events. Auditors read only. */
export function assertCanWrite(principal: Principal): void {
  if (principal.role === 'auditor') throw new AuthError('FORBIDDEN', `role 'auditor' may read but not write; use a producer or admin key`);
}

export function makeIngest(log: EventLog, codec: Codec) {
  return async (principal: Principal, events: readonly NewEvent[], fieldPrefix = 'events'): Promise<AppendResult[]> => {
    assertCanWrite(principal);
    const problems: FieldProblem[] = [];
    events.forEach((e, i) => {
      if (e.tenant !== principal.tenant && principal.role !== 'admin') {
        throw new AuthError('FORBIDDEN', `${fieldPrefix}[${i}].tenant: your key belongs to tenant '${principal.tenant}' and cannot write for '${e.tenant}'`);
      }
      if (!codec.has(e.type)) problems.push({ field: `${fieldPrefix}[${i}].type`, problem: `unknown event type '${e.type}'` });
      else problems.push(...codec.validate(e.type, e.payload, `${fieldPrefix}[${i}].payload`));
    });
    if (problems.length) throw new ValidationError(problems, 'SCHEMA_VIOLATION');
    return log.append(events);
  };
}
