/**
 * The PostgreSQL store's schema, as versioned migrations. Every instance applies the missing ones
 * at start-up under one advisory lock, so several instances starting together migrate once.
 * A migration is never edited after release: a change is a new entry.
 */
import type { Pool } from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event store',
    sql: `
CREATE TABLE events (
  position       bigint PRIMARY KEY,
  id             text NOT NULL UNIQUE,
  type           text NOT NULL,
  stream         text NOT NULL,
  stream_version integer NOT NULL,
  tenant         text NOT NULL,
  occurred_at    text NOT NULL,
  recorded_at    text NOT NULL,
  correlation_id text NOT NULL,
  causation_id   text,
  schema_version integer NOT NULL,
  payload        bytea NOT NULL,
  prev_hash      text NOT NULL,
  hash           text NOT NULL,
  UNIQUE (stream, stream_version)
);
CREATE INDEX events_by_type ON events (type, position);
CREATE INDEX events_by_tenant ON events (tenant, position);
-- The global head: appenders lock this row, so positions are handed out in commit order (see pg-event-log.ts).
CREATE TABLE log_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position  bigint NOT NULL
);
INSERT INTO log_head (position) VALUES (0);
CREATE TABLE checkpoints (
  name     text PRIMARY KEY,
  position bigint NOT NULL
);`,
  },
  {
    version: 2,
    name: 'processor state',
    sql: `
CREATE TABLE processor_state (
  processor text NOT NULL,
  key       text NOT NULL,
  state     jsonb NOT NULL,
  PRIMARY KEY (processor, key)
);`,
  },
  {
    version: 3,
    name: 'consumer-group processor positions',
    sql: `
-- Per input partition of a processor running as a consumer group: the last store position it
-- committed (records at or below it are relay duplicates or redeliveries, skipped).
CREATE TABLE processor_partitions (
  processor     text NOT NULL,
  topic         text NOT NULL,
  partition     integer NOT NULL,
  last_position bigint NOT NULL,
  PRIMARY KEY (processor, topic, partition)
);`,
  },
  {
    version: 4,
    name: 'zk batch claims',
    sql: `
-- Which instance proves a planned ZK batch (connectors/distributed/pg-batch-claims.ts): a lease on
-- the server's clock, renewed by its holder, taken over once expired; finished once the outcome is on the log.
CREATE TABLE zk_batch_claims (
  batch_id    text PRIMARY KEY,
  claimant    text NOT NULL,
  attempt     integer NOT NULL,
  claimed_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX zk_batch_claims_finished ON zk_batch_claims (finished_at) WHERE finished_at IS NOT NULL;`,
  },
];

/** Advisory-lock key of the migration step (any constant unique to this application). */
const MIGRATION_LOCK = 7_304_211;

/** Apply the migrations this database lacks, in order, in one transaction. Returns the versions applied. */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
