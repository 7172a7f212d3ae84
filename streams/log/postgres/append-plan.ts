/**
 * Deciding an append, apart from I/O: given the log head, the stream heads and the ids already
 * stored, which rows to insert and what each event's result is. The PostgreSQL log runs it while
 * it holds the head lock, once per request of a group commit, so one request's conflict refuses
 * that request only. The rules are the port's (streams/log/port.ts), the same as the SQLite log's.
 */
import type { AppendResult, NewEvent } from '../../../schemas/envelope';
import { IdempotencyConflictError, VersionConflictError } from '../../../schemas/errors';
import { eventHash, storedEnvelope, type StoredEvent } from '../hash-chain';

/** A new event already encoded (its payload checked against its schema) and given its id. */
export interface PreparedEvent {
  event: NewEvent;
  id: string;
  schemaVersion: number;
  bytes: Buffer;
}

/** What the plan needs to know of an event already stored under an id. */
export interface KnownEvent {
  position: number;
  type: string;
  stream: string;
  streamVersion: number;
  tenant: string;
  payload: Buffer;
}

export interface StreamHead {
  version: number;
  hash: string;
}

/** The store as the plan sees it; `planAppend` never changes it (the caller merges the outcome). */
export interface StoreView {
  position: number;
  heads: ReadonlyMap<string, StreamHead>;
  ids: ReadonlyMap<string, KnownEvent>;
}

export interface AppendPlan {
  results: AppendResult[];
  rows: StoredEvent[];
  /** The stream heads and ids this request adds (merge them into the view for the next request). */
  heads: Map<string, StreamHead>;
  ids: Map<string, KnownEvent>;
  position: number;
}

/** Plan one request (all or nothing): throws VersionConflictError or IdempotencyConflictError. */
export function planAppend(view: StoreView, events: readonly PreparedEvent[], recordedAt: string): AppendPlan {
  const heads = new Map<string, StreamHead>();
  const ids = new Map<string, KnownEvent>();
  const rows: StoredEvent[] = [];
  const results: AppendResult[] = [];
  let position = view.position;
  for (const p of events) {
    const { event: e, id, bytes, schemaVersion } = p;
    const known = ids.get(id) ?? view.ids.get(id);
    if (known) {
      results.push(duplicateOf(id, known, e, bytes));
      continue;
    }
    const head = heads.get(e.stream) ?? view.heads.get(e.stream) ?? { version: 0, hash: '' };
    if (e.expectedVersion !== undefined && e.expectedVersion !== head.version) {
      throw new VersionConflictError(e.stream, e.expectedVersion, head.version);
    }
    position += 1;
    // The stored envelope becomes the row in place (no copy): this loop runs for every event under the head lock.
    const row = storedEnvelope(e, id, head.version + 1, recordedAt, schemaVersion) as StoredEvent;
    const hash = eventHash(head.hash, row, bytes);
    row.position = position;
    row.payloadBytes = bytes;
    row.prevHash = head.hash;
    row.hash = hash;
    rows.push(row);
    heads.set(e.stream, { version: row.streamVersion, hash });
    ids.set(id, { position, type: e.type, stream: e.stream, streamVersion: row.streamVersion, tenant: e.tenant, payload: bytes });
    results.push({ id, position, stream: e.stream, streamVersion: row.streamVersion, duplicate: false });
  }
  return { results, rows, heads, ids, position };
}

/** The stored event with this id as a duplicate result, or a conflict if its content differs. */
function duplicateOf(id: string, known: KnownEvent, e: NewEvent, bytes: Buffer): AppendResult {
  if (known.type !== e.type || known.stream !== e.stream || known.tenant !== e.tenant || !known.payload.equals(bytes)) {
    throw new IdempotencyConflictError(id);
  }
  return { id, position: known.position, stream: known.stream, streamVersion: known.streamVersion, duplicate: true };
}
