/** How CLI commands reach the data: the same files the service uses, from the same configuration. */
import { mkdirSync } from 'node:fs';
import { kafkaJournalOptions, loadConfig, type Config } from '../config';
import { readJournal } from '../../streams/log/kafka/journal-reader';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import type { EventLog } from '../../streams/log/port';
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import { logPath, openReadModels, readModelsPath } from '../service';
import type { ReadModelStore } from '../../projections/store/port';
import { PgReadModels } from '../../projections/store/postgres-store';

export function cliConfig(): Config {
  return loadConfig();
}

export function openLog(config: Config = cliConfig()): SqliteEventLog {
  return new SqliteEventLog({ path: logPath(config.dataDir), sync: config.sqliteSync });
}

/**
 * The log a command appends to, as the service is configured: the embedded file, or the PostgreSQL
 * store of distributed mode (an append there is an append like any instance's).
 */
export async function openWritableLog(config: Config = cliConfig()): Promise<Pick<EventLog, 'append' | 'close'>> {
  if (config.logMode !== 'distributed') return openLog(config);
  return PgEventLog.open({ connectionString: config.databaseUrl!, poolSize: 2 });
}

/** The store whose history `trust events export|import` read and load, as the service is configured. */
export async function openHistory(config: Config = cliConfig()): Promise<SqliteEventLog | PgEventLog> {
  if (config.logMode !== 'distributed') return openLog(config);
  return PgEventLog.open({ connectionString: config.databaseUrl!, poolSize: 2 });
}

/**
 * A v1.1 deployment's Kafka journal, read to its end into a local copy without writing anything
 * (the journal's own reader): what `trust events export --kafka-journal` exports.
 */
export async function openJournalCopy(): Promise<SqliteEventLog> {
  const opts = kafkaJournalOptions();
  const copy = new SqliteEventLog({ path: ':memory:' });
  try {
    await readJournal(opts, (events) => copy.db.transaction(() => events.forEach((e) => copy.insertStored(e)))());
    return copy;
  } catch (e) {
    await copy.close();
    throw e;
  }
}

/** The service's read models, as it is configured: its SQLite file, or the PostgreSQL ones every instance shares. */
export function openLiveReadModels(config: Config = cliConfig()): ReadModelStore {
  if (config.logMode === 'distributed') return PgReadModels.open({ connectionString: config.databaseUrl!, poolSize: 2 });
  mkdirSync(config.dataDir, { recursive: true });
  return openReadModels(readModelsPath(config.dataDir), config.sqliteSync);
}

/** Print a TrustError as a person should see it, and exit non-zero. */
export function fail(err: unknown): never {
  const e = err as { code?: string; message?: string; details?: { problems?: { field: string; problem: string }[] } };
  if (e?.code && e.message) {
    console.error(`error ${e.code}: ${e.message}`);
  } else {
    console.error(`error: ${(err as Error)?.stack ?? err}`);
  }
  process.exit(e?.code === 'INTEGRITY_VIOLATION' ? 3 : 1);
}
