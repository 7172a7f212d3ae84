/**
 * A stored event as both stores return it: one row in the column order both define
 * (position, id, type, stream, stream_version, tenant, occurred_at, recorded_at, correlation_id,
 * causation_id, schema_version, payload, prev_hash, hash), and decoded for readers.
 */
import type { Codec } from '../../schemas/codec';
import type { RecordedEvent } from '../../schemas/envelope';
import type { StoredEvent } from './hash-chain';

/** PostgreSQL returns bigint positions as strings; SQLite as numbers. */
export type StoredRow = [number | string, string, string, string, number, string, string, string, string, string | null, number, Buffer, string, string];

export function storedFromRow(r: StoredRow): StoredEvent {
  return {
    position: Number(r[0]), id: r[1], type: r[2], stream: r[3], streamVersion: r[4], tenant: r[5], occurredAt: r[6], recordedAt: r[7],
    correlationId: r[8], causationId: r[9], schemaVersion: r[10], payloadBytes: r[11], prevHash: r[12], hash: r[13],
  };
}

/** The event with its payload decoded (read with the newest schema of its type). */
export function decodeStored(codec: Codec, s: StoredEvent): RecordedEvent {
  const { payloadBytes, ...rest } = s;
  return { ...rest, payload: codec.decode(s.type, s.schemaVersion, payloadBytes) };
}
