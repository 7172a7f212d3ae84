/**
 * The one ingest path: HTTP and the domain routes check events here before they reach the log, so
 * every way in gives the same answers to the same mistakes.
 *
 * The envelope's shape (required fields, lengths, integers, date-times, unknown fields, batch size)
 * is the OpenAPI spec's `NewEvent`/`EventBatch`, checked at the HTTP edge before a route runs
 * (connectors/http/request-validation). What stays here is what a JSON schema cannot state: the
 * payload against its type's Avro schema, whether the type exists, and whether the caller's key may
 * write for the tenant.
 */
import type { Codec } from '../schemas/codec';
import type { AppendResult, NewEvent } from '../schemas/envelope';
import { AuthError, ValidationError, type FieldProblem } from '../schemas/errors';
import type { EventLog } from '../streams/log/port';
import type { Principal } from './http/context';

/** An event as the spec's NewEvent describes it, already checked against it at the edge. */
export type EnvelopeJson = Omit<NewEvent, 'tenant'> & { tenant?: string };

/** Where a batch's i-th event is named: `events[i]`, or the body itself for one event (as the edge names it). */
export type FieldOf = (i: number, field: string) => string;
/** The i-th event's fields under a list named `list`: `events[2].payload`, `fixtures[0].type`. */
export const fieldsUnder = (list: string): FieldOf => (i, field) => `${list}[${i}].${field}`;
export const batchField = fieldsUnder('events');
export const singleField: FieldOf = (_i, field) => field;

/**
 * Events of a spec-checked body, with the tenant defaulted to the key's, `occurredAt` normalised to
 * UTC, and their payloads checked against the types' schemas (422 UNKNOWN_EVENT_TYPE or SCHEMA_VIOLATION).
 */
export function parseEvents(raw: readonly EnvelopeJson[], principal: Principal, codec: Codec, at: FieldOf = batchField): NewEvent[] {
  const events = raw.map((e): NewEvent => {
    const occurredAt = e.occurredAt === undefined ? undefined : new Date(e.occurredAt).toISOString();
    return { ...e, tenant: e.tenant ?? principal.tenant, occurredAt };
  });
  checkEvents(events, principal, codec, at);
  return events;
}

/** The caller may write for each event's tenant; each type exists and each payload fits its schema. */
function checkEvents(events: readonly NewEvent[], principal: Principal, codec: Codec, at: FieldOf): void {
  const problems: FieldProblem[] = [];
  let unknownType = false;
  events.forEach((e, i) => {
    assertTenant(principal, e.tenant, at(i, 'tenant'));
    if (!codec.has(e.type)) {
      unknownType = true;
      problems.push({ field: at(i, 'type'), problem: `unknown event type '${e.type}'; GET /v1/schemas lists the known types` });
    } else {
      problems.push(...codec.validate(e.type, e.payload, at(i, 'payload')));
    }
  });
  if (problems.length) throw new ValidationError(problems, unknownType ? 'UNKNOWN_EVENT_TYPE' : 'SCHEMA_VIOLATION');
}

function assertTenant(principal: Principal, tenant: string, field: string): void {
  if (tenant !== principal.tenant && principal.role !== 'admin') {
    throw new AuthError('FORBIDDEN', `${field}: your key belongs to tenant '${principal.tenant}' and cannot write for '${tenant}'`);
  }
}

/** Roles that may write events. Auditors read only. */
export function assertCanWrite(principal: Principal): void {
  if (principal.role === 'auditor') throw new AuthError('FORBIDDEN', `role 'auditor' may read but not write; use a producer or admin key`);
}

/** The ingest the domain routes call with the events their commands decided. */
export function makeIngest(log: EventLog, codec: Codec) {
  return async (principal: Principal, events: readonly NewEvent[], fieldPrefix = 'events'): Promise<AppendResult[]> => {
    assertCanWrite(principal);
    checkEvents(events, principal, codec, fieldsUnder(fieldPrefix));
    return log.append(events);
  };
}
