/** Tables of the embedded log. `position` is the rowid: assigned max+1 inside the write transaction, so it is gap-free. */
export const LOG_DDL = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  type           TEXT NOT NULL,
  stream         TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  tenant         TEXT NOT NULL,
  occurred_at    TEXT NOT NULL,
  recorded_at    TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  causation_id   TEXT,
  schema_version INTEGER NOT NULL,
  payload        BLOB NOT NULL,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL,
  UNIQUE (stream, stream_version)
);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);
CREATE INDEX IF NOT EXISTS events_by_tenant ON events (tenant, position);
CREATE TABLE IF NOT EXISTS checkpoints (
  name     TEXT PRIMARY KEY,
  position INTEGER NOT NULL
);
`;

export const EVENT_COLUMNS =
  'position, id, type, stream, stream_version, tenant, occurred_at, recorded_at, correlation_id, causation_id, schema_version, payload, prev_hash, hash';

export const INSERT_EVENT = `INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** An id already on the log inserts nothing (changes = 0); a clash on (stream, version) still fails. */
export const INSERT_EVENT_IF_NEW = `${INSERT_EVENT} ON CONFLICT (id) DO NOTHING`;

/** Durability: FULL by default (an acknowledged append survives power loss); NORMAL survives process crashes only. */
export type SyncMode = 'FULL' | 'NORMAL';

export function pragmas(sync: SyncMode): string[] {
  return ['journal_mode = WAL', `synchronous = ${sync}`, 'busy_timeout = 10000', 'foreign_keys = ON'];
}
