/**
 * The statements of an append, shaped to cost as few round trips as possible while the head lock
 * is held: one lookup answers both the ids already stored and the heads of the streams touched,
 * and one statement inserts the rows, moves the head and notifies the tailing instances.
 *
 * A group commit takes the lock and asks what it needs to plan in one message (BEGIN, the lock,
 * the events other instances appended since, the heads of streams it does not know; a simple
 * query, so the stream names go inline as literals): every round trip under the lock is time no
 * other instance can append in. The insert stays a parameterised statement with its own COMMIT:
 * inlining a group's rows to send the COMMIT in the same message was measured slower (PostgreSQL
 * parsing half a megabyte of literals costs more than the round trip saved).
 */
import type pg from 'pg';
import { prepareValue } from 'pg/lib/utils';
import type { StoredEvent } from '../hash-chain';
import type { KnownEvent, StreamHead } from './append-plan';

export const COLUMNS = 'position, id, type, stream, stream_version, tenant, occurred_at, recorded_at, correlation_id, causation_id, schema_version, payload, prev_hash, hash';

type Client = pg.PoolClient | pg.Client;

/** Locks the one row every append waits for: positions are handed out one holder at a time. */
export const LOCK_HEAD = 'SELECT position FROM log_head FOR UPDATE';

/** Lock the log head and read it; `begin`: open the transaction in the same round trip. */
export async function lockHead(client: Client, begin: boolean): Promise<number> {
  if (!begin) return Number((await client.query(LOCK_HEAD)).rows[0].position);
  const [, locked] = (await client.query(`BEGIN; ${LOCK_HEAD}`)) as unknown as pg.QueryResult[];
  return Number(locked.rows[0].position);
}

/** Joined to `h(stream)`: the last (stream_version, hash) of each stream that has events. */
const LAST_OF_STREAM = 'CROSS JOIN LATERAL (SELECT stream_version, hash FROM events WHERE stream = h.stream ORDER BY stream_version DESC LIMIT 1) e';

/** The stored events of these ids and the last (version, hash) of these streams, in one query. */
export async function lookupKnown(client: Client, ids: string[], streams: string[]): Promise<{ ids: Map<string, KnownEvent>; heads: Map<string, StreamHead> }> {
  const res = await client.query({
    text: `SELECT true AS by_id, id AS name, position, type, stream, stream_version, tenant, payload, NULL::text AS hash
             FROM events WHERE id = ANY($1::text[])
           UNION ALL
           SELECT false, h.stream, NULL, NULL, NULL, e.stream_version, NULL, NULL, e.hash
             FROM unnest($2::text[]) AS h(stream) ${LAST_OF_STREAM}`,
    values: [ids, streams],
    rowMode: 'array',
  });
  const known = new Map<string, KnownEvent>();
  const heads = new Map<string, StreamHead>();
  for (const r of res.rows) {
    if (r[0]) known.set(r[1], { position: Number(r[2]), type: r[3], stream: r[4], streamVersion: r[5], tenant: r[6], payload: r[7] });
    else heads.set(r[1], { version: r[5], hash: r[8] });
  }
  return { ids: known, heads };
}

/** The last (stream_version, hash) of these streams, as a statement with its values inlined (StreamHeadCache.lockAndResolve sends it with the lock). */
export const lastOfStreamsInlined = (streams: readonly string[]) =>
  `SELECT h.stream, e.stream_version, e.hash FROM unnest(${literal(streams)}::text[]) AS h(stream) ${LAST_OF_STREAM}`;

/**
 * A value as an SQL literal: node-postgres' serialization of it as a parameter, dollar-quoted with
 * a tag the text does not contain. Dollar quoting needs no escaping (no backslash rules, whatever
 * standard_conforming_strings says): one native substring search instead of a character-by-character escape.
 */
function literal(value: unknown): string {
  const v = prepareValue(value);
  if (v === null) return 'NULL';
  const text = String(v);
  // The string ends at the tag's first occurrence after the opening one, so that must be the closing one
  // (`...$v` + `$v$` would end early).
  let tag = '$v$';
  for (let i = 0; `${text}${tag}`.indexOf(tag) !== text.length; i++) tag = `$v${i}$`;
  return `${tag}${text}${tag}`;
}

/**
 * Insert the rows in one statement (column arrays unnested server-side); with `move`, the same
 * statement sets the head and notifies `move.channel` (bench-scale times the bare insert as its ceiling).
 */
export async function insertRows(client: Client, rows: readonly StoredEvent[], move?: { head: number; channel: string }): Promise<void> {
  const insert = `INSERT INTO events (${COLUMNS})
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[],
                          $9::text[], $10::text[], $11::int[], $12::bytea[], $13::text[], $14::text[])`;
  const values: unknown[] = [
    rows.map((r) => r.position), rows.map((r) => r.id), rows.map((r) => r.type), rows.map((r) => r.stream),
    rows.map((r) => r.streamVersion), rows.map((r) => r.tenant), rows.map((r) => r.occurredAt), rows.map((r) => r.recordedAt),
    rows.map((r) => r.correlationId), rows.map((r) => r.causationId), rows.map((r) => r.schemaVersion), rows.map((r) => r.payloadBytes),
    rows.map((r) => r.prevHash), rows.map((r) => r.hash),
  ];
  if (!move) return void (await client.query(insert, values));
  // Data-modifying CTEs run once and to completion whether or not the outer query reads them.
  await client.query(
    `WITH inserted AS (${insert} RETURNING 1), moved AS (UPDATE log_head SET position = $15 RETURNING 1) SELECT pg_notify($16, $17)`,
    [...values, move.head, move.channel, String(move.head)],
  );
}
