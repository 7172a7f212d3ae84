/** How CLI commands reach the data: the same files the service uses, from the same configuration. */
import { loadConfig, type Config } from '../config';
import { kafkaOptionsFromEnv } from '../../streams/log/kafka/from-env';
import { KafkaEventLog } from '../../streams/log/kafka/kafka-event-log';
import type { EventLog } from '../../streams/log/port';
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import { logPath, openReadModels, readModelsPath } from '../service';

export function cliConfig(): Config {
  return loadConfig(process.env);
}

export function openLog(config: Config = cliConfig()): SqliteEventLog {
  return new SqliteEventLog({ path: logPath(config.dataDir), sync: config.sqliteSync });
}

/**
 * The log a command appends to, as the service is configured: the embedded file, or Kafka. On Kafka
 * the CLI writes with a writer id of its own (`<prefix>.cli`), so it never fences the service's
 * writer; it only appends to streams the service does not write (tenant keys).
 */
export async function openWritableLog(config: Config = cliConfig()): Promise<Pick<EventLog, 'append' | 'close'>> {
  if (config.logMode !== 'kafka') return openLog(config);
  const opts = kafkaOptionsFromEnv(process.env);
  return KafkaEventLog.connect({ ...opts, writerId: process.env.TRUST_KAFKA_CLI_WRITER_ID || `${opts.prefix ?? 'trust.log'}.cli` });
}

export function openLiveReadModels(config: Config = cliConfig()) {
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
