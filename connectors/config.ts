/** Configuration by environment, as DESIGN.md names it. One place reads process.env. */
import { resolve } from 'node:path';
import { ValidationError } from '../streams/errors';

export interface Config {
  port: number;
  dataDir: string;
  logMode: 'embedded' | 'kafka';
  kafkaBrokers: string[];
  schemaRegistryUrl: string | undefined;
  /** Largest accepted request body, bytes. */
  maxBodyBytes: number;
  /** SQLite durability of the embedded log. */
  sqliteSync: 'FULL' | 'NORMAL';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: { field: string; problem: string }[] = [];
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push({ field: 'PORT', problem: `must be a port number, got '${env.PORT}'` });
  const logMode = (env.TRUST_LOG ?? 'embedded') as Config['logMode'];
  if (logMode !== 'embedded' && logMode !== 'kafka') problems.push({ field: 'TRUST_LOG', problem: `must be 'embedded' or 'kafka', got '${env.TRUST_LOG}'` });
  const sqliteSync = (env.TRUST_SQLITE_SYNC ?? 'FULL').toUpperCase() as Config['sqliteSync'];
  if (sqliteSync !== 'FULL' && sqliteSync !== 'NORMAL') problems.push({ field: 'TRUST_SQLITE_SYNC', problem: `must be FULL or NORMAL` });
  const maxBodyBytes = Number(env.TRUST_MAX_BODY_BYTES ?? 1024 * 1024);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) problems.push({ field: 'TRUST_MAX_BODY_BYTES', problem: 'must be a positive integer' });
  if (logMode === 'kafka' && !env.KAFKA_BROKERS) problems.push({ field: 'KAFKA_BROKERS', problem: 'is required when TRUST_LOG=kafka (host:port[,host:port])' });
  if (problems.length) throw new ValidationError(problems);
  return {
    port,
    dataDir: resolve(env.TRUST_DATA_DIR ?? './.data'),
    logMode,
    kafkaBrokers: (env.KAFKA_BROKERS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL || undefined,
    maxBodyBytes,
    sqliteSync,
  };
}
