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
  /** TRUST_FAULT_INJECTION=1: chaos drills may inject 5xx and latency (PUT /chaos/faults, admin keys). */
  faultInjection?: boolean;
  /** The ZK-TX prover (TRUST_ZK_PROVER, TRUST_ZK_PROVER_BIN, TRUST_ZK_PROVER_THREADS). */
  zkProver: ZkProverConfig;
}

export interface ZkProverConfig {
  /** `native` (default): the arkworks prover of native/zk-prover; `snarkjs`: the reference prover. */
  kind: 'native' | 'snarkjs';
  /** The native binary, when not the one `make zk-native` builds. */
  binary: string | undefined;
  /** Threads of each native prover process (default: the cores shared by the prover processes). */
  threads: number | undefined;
}

/** TRUST_ZK_PROVER=native|snarkjs, TRUST_ZK_PROVER_BIN, TRUST_ZK_PROVER_THREADS; throws a ValidationError naming the variable. */
export function zkProverConfig(env: NodeJS.ProcessEnv = process.env): ZkProverConfig {
  const problems: { field: string; problem: string }[] = [];
  const kind = (env.TRUST_ZK_PROVER || 'native').toLowerCase();
  if (kind !== 'native' && kind !== 'snarkjs') problems.push({ field: 'TRUST_ZK_PROVER', problem: `must be 'native' or 'snarkjs', got '${env.TRUST_ZK_PROVER}'` });
  const threads = env.TRUST_ZK_PROVER_THREADS ? Number(env.TRUST_ZK_PROVER_THREADS) : undefined;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) problems.push({ field: 'TRUST_ZK_PROVER_THREADS', problem: 'must be a positive integer' });
  if (problems.length) throw new ValidationError(problems);
  return { kind: kind as ZkProverConfig['kind'], binary: env.TRUST_ZK_PROVER_BIN ? resolve(env.TRUST_ZK_PROVER_BIN) : undefined, threads };
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
  const faultInjection = env.TRUST_FAULT_INJECTION ?? '0';
  if (faultInjection !== '0' && faultInjection !== '1') problems.push({ field: 'TRUST_FAULT_INJECTION', problem: `must be 0 or 1, got '${faultInjection}'` });
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
    faultInjection: faultInjection === '1',
    zkProver: zkProverConfig(env),
  };
}
