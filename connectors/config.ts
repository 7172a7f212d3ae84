/**
 * Configuration by environment, as DESIGN.md names it. The one module that reads process.env
 * (test/config/one-env-reader.test.ts keeps it so): everything else is given its values.
 */
import { resolve } from 'node:path';
import { PreconditionError, ValidationError } from '../schemas/errors';
import type { LogLevelName } from '../streams/log/kafka/client';
import type { JournalOptions } from '../streams/log/kafka/journal-reader';
import { zkProverDefaults } from '../streams/zk/prover-pool';

export interface Config {
  port: number;
  dataDir: string;
  /** embedded: SQLite, one process. distributed: PostgreSQL (store of record) + Kafka (bus), any number of instances. */
  logMode: 'embedded' | 'distributed';
  /** libpq URL of the PostgreSQL store (distributed mode). */
  databaseUrl: string | undefined;
  kafkaBrokers: string[];
  /** The deployment's name on Kafka: relay lease, header stamp, consumer groups (TRUST_KAFKA_PREFIX). */
  kafkaPrefix: string;
  schemaRegistryUrl: string | undefined;
  /** Largest accepted request body, bytes. */
  maxBodyBytes: number;
  /** SQLite durability of the embedded log. */
  sqliteSync: 'FULL' | 'NORMAL';
  /** TRUST_FAULT_INJECTION=1: chaos drills may inject 5xx and latency (PUT /chaos/faults, admin keys). */
  faultInjection?: boolean;
  /** How long `trust serve` may take to drain on SIGTERM before it exits anyway (TRUST_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** The ZK-TX prover (TRUST_ZK_PROVER, TRUST_ZK_PROVER_BIN, TRUST_ZK_PROVER_THREADS). */
  zkProver: ZkProverConfig;
  /**
   * Distributed mode: how long an instance's claim on a ZK batch lasts without renewal
   * (TRUST_ZK_CLAIM_LEASE_MS, default 15000): a crashed instance's batches are taken over after it.
   */
  zkClaimLeaseMs?: number;
  /** How often the service records its own SLIs as SloSampled events (TRUST_SLO_SAMPLE_SECONDS, default 60). */
  sloSampleIntervalMs: number;
  /** What the Kafka clients log (TRUST_KAFKA_LOG: nothing, error, warn, info, debug; default error). */
  kafkaLogLevel: LogLevelName;
  paths: PathOverrides;
}

/** Files and folders a deployment may keep elsewhere; each defaults to this checkout's own. */
export interface PathOverrides {
  /** TRUST_SLO_FILE: the SLO spec (default infra/slo.yaml). */
  sloFile?: string;
  /** TRUST_CONSOLE_DIR: the built console (default console/dist). */
  consoleDir?: string;
  /** TRUST_ZK_ARTIFACTS: the circuits' proving and verification keys (default streams/zk/circuits/build). */
  zkArtifactsDir?: string;
  /** LAC_COST_MODEL: the blast radius's cost model (default streams/lac/cost-model.json). */
  lacCostModel?: string;
}

export function pathOverrides(env: NodeJS.ProcessEnv = process.env): PathOverrides {
  const path = (v: string | undefined) => (v ? resolve(v) : undefined);
  return { sloFile: path(env.TRUST_SLO_FILE), consoleDir: path(env.TRUST_CONSOLE_DIR), zkArtifactsDir: path(env.TRUST_ZK_ARTIFACTS), lacCostModel: path(env.LAC_COST_MODEL) };
}

const KAFKA_LOG_LEVELS: readonly LogLevelName[] = ['nothing', 'error', 'warn', 'info', 'debug'];

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
  const logMode = modeOf(env, problems);
  const sqliteSync = (env.TRUST_SQLITE_SYNC ?? 'FULL').toUpperCase() as Config['sqliteSync'];
  if (sqliteSync !== 'FULL' && sqliteSync !== 'NORMAL') problems.push({ field: 'TRUST_SQLITE_SYNC', problem: `must be FULL or NORMAL` });
  const shutdownTimeoutMs = Number(env.TRUST_SHUTDOWN_TIMEOUT_MS ?? 25_000);
  if (!Number.isInteger(shutdownTimeoutMs) || shutdownTimeoutMs <= 0) problems.push({ field: 'TRUST_SHUTDOWN_TIMEOUT_MS', problem: 'must be a positive whole number of milliseconds' });
  const maxBodyBytes = Number(env.TRUST_MAX_BODY_BYTES ?? 1024 * 1024);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) problems.push({ field: 'TRUST_MAX_BODY_BYTES', problem: 'must be a positive integer' });
  const faultInjection = env.TRUST_FAULT_INJECTION ?? '0';
  if (faultInjection !== '0' && faultInjection !== '1') problems.push({ field: 'TRUST_FAULT_INJECTION', problem: `must be 0 or 1, got '${faultInjection}'` });
  const sloSampleSeconds = Number(env.TRUST_SLO_SAMPLE_SECONDS || 60);
  if (!Number.isFinite(sloSampleSeconds) || sloSampleSeconds <= 0) problems.push({ field: 'TRUST_SLO_SAMPLE_SECONDS', problem: 'must be a positive number of seconds' });
  const kafkaLogLevel = (env.TRUST_KAFKA_LOG || 'error') as LogLevelName;
  if (!KAFKA_LOG_LEVELS.includes(kafkaLogLevel)) problems.push({ field: 'TRUST_KAFKA_LOG', problem: `must be one of ${KAFKA_LOG_LEVELS.join(', ')}` });
  const zkClaimLeaseMs = Number(env.TRUST_ZK_CLAIM_LEASE_MS || 15_000);
  if (!Number.isInteger(zkClaimLeaseMs) || zkClaimLeaseMs < 100) problems.push({ field: 'TRUST_ZK_CLAIM_LEASE_MS', problem: 'must be a whole number of milliseconds, at least 100' });
  const secret = zkSecretHex(env);
  if (secret !== undefined && !/^(?:[0-9a-fA-F]{2}){16,}$/.test(secret)) problems.push({ field: 'TRUST_ZK_SECRET', problem: 'must be hex digits, an even number of them and at least 32 (16 bytes; `openssl rand -hex 32` makes one)' });
  if (logMode === 'distributed') {
    if (!env.KAFKA_BROKERS) problems.push({ field: 'KAFKA_BROKERS', problem: 'is required in distributed mode (host:port[,host:port]; `make kafka-up` starts a local broker)' });
    if (!env.DATABASE_URL) problems.push({ field: 'DATABASE_URL', problem: 'is required in distributed mode (postgres://user@host:port/db; `make pg-up` starts a local cluster)' });
    else if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) problems.push({ field: 'DATABASE_URL', problem: 'must be a libpq URL, postgres://user[:password]@host:port/database' });
  }
  if (problems.length) throw new ValidationError(problems);
  return {
    port,
    dataDir: resolve(env.TRUST_DATA_DIR ?? './.data'),
    logMode,
    databaseUrl: env.DATABASE_URL || undefined,
    shutdownTimeoutMs,
    kafkaPrefix: env.TRUST_KAFKA_PREFIX || 'trust.log',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL || undefined,
    maxBodyBytes,
    sqliteSync,
    faultInjection: faultInjection === '1',
    zkProver: zkProverConfig(env),
    zkClaimLeaseMs,
    sloSampleIntervalMs: sloSampleSeconds * 1000,
    kafkaLogLevel,
    paths: pathOverrides(env),
  };
}

/** TRUST_ZK_SECRET: the exchange secret (hex) sealing the tenants' queries; absent, a secret kept in the data directory. */
export const zkSecretHex = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.TRUST_ZK_SECRET || undefined;

/**
 * What `trust serve` needs besides what every command needs. In distributed mode: the registry
 * (records reach Kafka in the Confluent wire format whichever instance holds the relay), and the
 * deployment's exchange secret — a query sealed at one instance's intake is unsealed by whichever
 * instance proves it, and a secret kept per data directory would differ per instance.
 */
export function checkServeConfig(config: Config, env: NodeJS.ProcessEnv = process.env): void {
  if (config.logMode !== 'distributed') return;
  const problems: { field: string; problem: string }[] = [];
  if (!config.schemaRegistryUrl) problems.push({ field: 'SCHEMA_REGISTRY_URL', problem: 'is required to serve in distributed mode (a Confluent-compatible registry; `make registry-up` starts one)' });
  if (!zkSecretHex(env)) {
    problems.push({
      field: 'TRUST_ZK_SECRET',
      problem: "is required to serve in distributed mode: every instance seals and unseals tenants' queries with it, so all share one (`openssl rand -hex 32`; moving from embedded mode, the old data directory's zk-secret)",
    });
  }
  if (problems.length) throw new ValidationError(problems);
}

/** SMTP_URL: where `trust lac report` sends its e-mail (absent: the .eml is written, nothing sent). */
export const smtpUrl = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.SMTP_URL || undefined;

/** What CLI commands that call the HTTP API default to: TRUST_URL (or this host's PORT) and TRUST_API_KEY. */
export function apiClientDefaults(env: NodeJS.ProcessEnv = process.env): { url: string; key: string | undefined } {
  return { url: env.TRUST_URL ?? `http://127.0.0.1:${env.PORT ?? 8080}`, key: env.TRUST_API_KEY || undefined };
}

/**
 * Where a v1.1 deployment's Kafka journal is (`trust events export --kafka-journal`):
 *   KAFKA_BROKERS          host:port[,host:port...] (required)
 *   TRUST_KAFKA_PREFIX     the v1.1 deployment's topic prefix (default trust.log)
 */
export function kafkaJournalOptions(env: NodeJS.ProcessEnv = process.env): JournalOptions {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) {
    throw new PreconditionError('reading a Kafka journal needs KAFKA_BROKERS (e.g. 127.0.0.1:9092)');
  }
  const bad = brokers.filter((b) => !/^[^:\s]+:\d+$/.test(b));
  if (bad.length) throw new PreconditionError(`KAFKA_BROKERS: expected host:port entries, got ${bad.join(', ')}`, { brokers: bad });
  return { brokers, prefix: env.TRUST_KAFKA_PREFIX || undefined, logLevel: (env.TRUST_KAFKA_LOG as LogLevelName | undefined) || undefined };
}

/**
 * TRUST_MODE=embedded|distributed. TRUST_LOG is the older name, kept as an alias: TRUST_LOG=kafka
 * now means distributed mode (PostgreSQL as the store of record, Kafka as the bus).
 */
function modeOf(env: NodeJS.ProcessEnv, problems: { field: string; problem: string }[]): Config['logMode'] {
  if (env.TRUST_MODE !== undefined) {
    if (env.TRUST_MODE === 'embedded' || env.TRUST_MODE === 'distributed') return env.TRUST_MODE;
    problems.push({ field: 'TRUST_MODE', problem: `must be 'embedded' or 'distributed', got '${env.TRUST_MODE}'` });
    return 'embedded';
  }
  const alias = env.TRUST_LOG ?? 'embedded';
  if (alias === 'kafka') return 'distributed';
  if (alias !== 'embedded') problems.push({ field: 'TRUST_LOG', problem: `must be 'embedded' or 'kafka' (kafka = TRUST_MODE=distributed), got '${alias}'` });
  return 'embedded';
}

// ---- ZK-TX (the route module and the planner read these) -------------------------------------

export interface ZkOptions {
  /** Prover processes (TRUST_ZK_WORKERS; default: one per core with the native prover, 1 with snarkjs). 0: no prover in this instance. */
  workers?: number;
  retries?: number;
  /** Per-tenant job admission (TRUST_ZK_QUOTA_RPS / TRUST_ZK_QUOTA_BURST, default 50/s, burst 200). */
  quota?: { ratePerSec: number; burst: number };
  /** Default latency budget of a job (ms). */
  budgetMs?: number;
  /** Which prover proves (TRUST_ZK_PROVER=native|snarkjs, below). */
  prover?: ZkProverConfig;
  /** TRUST_ZK_ARTIFACTS, when the keys are not this checkout's. */
  artifacts?: string;
  /** TRUST_ZK_SECRET (hex), when the exchange secret is not the data directory's. */
  secretHex?: string;
}

export function zkOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Required<Omit<ZkOptions, 'artifacts' | 'secretHex'>> & Pick<ZkOptions, 'artifacts' | 'secretHex'> {
  const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);
  const prover = zkProverConfig(env);
  const defaults = zkProverDefaults(prover.kind);
  return {
    workers: num(env.TRUST_ZK_WORKERS, defaults.workers),
    retries: num(env.TRUST_ZK_RETRIES, 2),
    quota: { ratePerSec: num(env.TRUST_ZK_QUOTA_RPS, 50), burst: num(env.TRUST_ZK_QUOTA_BURST, 200) },
    budgetMs: num(env.TRUST_ZK_BUDGET_MS, 5000),
    prover: { ...prover, threads: prover.threads ?? defaults.threads },
    artifacts: pathOverrides(env).zkArtifactsDir,
    secretHex: zkSecretHex(env),
  };
}

/**
 * capacity: batches in flight at once across the deployment (TRUST_ZK_CAPACITY; default this
 * instance's prover processes). In distributed mode set it to the deployment's prover processes
 * (instances × TRUST_ZK_WORKERS), so every instance's idle provers find a batch to claim.
 */
export function zkPlannerOptions(env: NodeJS.ProcessEnv = process.env) {
  const opts = zkOptionsFromEnv(env);
  const defaults = zkProverDefaults(opts.prover.kind);
  const capacity = Number(env.TRUST_ZK_CAPACITY) || Math.max(1, opts.workers);
  return { capacity, batchMin: Number(env.TRUST_ZK_BATCH_MIN ?? defaults.batchMin) || 5, batchBudgetMs: defaults.batchBudgetMs };
}
