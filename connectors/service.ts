/**
 * One running instance: the log, the read models, the processor and projection runners, and
 * the context routes work with. `trust serve`, the tests and the benches all open it here.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { combineLatest, filter, firstValueFrom, timeout, type Observable } from 'rxjs';
import { codec } from '../schemas/codec';
import { TrustError } from '../schemas/errors';
import type { EventLog } from '../streams/log/port';
import { SqliteEventLog } from '../streams/log/sqlite/sqlite-event-log';
import { ProcessorRunner } from '../streams/runtime/processor-runner';
import type { AnyProcessorDefinition } from '../streams/runtime/processor';
import { ProjectionRunner } from '../projections/projection-runner';
import type { ReadModelStore } from '../projections/store/port';
import { SqliteReadModels } from '../projections/store/sqlite-store';
import type { ProjectionDefinition } from '../projections/projection';
import type { Config } from './config';
import type { ServiceContext } from './http/context';
import { makeIngest } from './ingest';
import { allProcessors, allProjections, allWorkers, type Worker, type WorkerModule } from './registry';

/** Something that follows the log in the background; `lastError` is set while its batches fail. */
export interface Follower {
  readonly name: string;
  lastError: unknown;
}

/** A running instance on either log (embedded SQLite or Kafka): what the HTTP server needs. */
export interface Service {
  config: Config;
  log: EventLog;
  /** Position of the last event this instance knows of. */
  headSync(): number;
  readModels: ReadModelStore;
  processors: Follower[];
  projections: ProjectionRunner[];
  ctx: ServiceContext;
  /** Start following the log (processors and projections) and the background workers. */
  start(): Promise<void>;
  /** Stop runners at a committed point and close the databases. */
  close(): Promise<void>;
}

/** The instance on the embedded log: its runners are driven directly by tests and benches. */
export interface EmbeddedService extends Service {
  log: SqliteEventLog;
  readModels: SqliteReadModels;
  processors: ProcessorRunner<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ServiceOptions {
  processors?: AnyProcessorDefinition[];
  projections?: ProjectionDefinition[];
  /** Background workers (default: every domain's). */
  workers?: WorkerModule[];
}

export const logPath = (dataDir: string) => join(dataDir, 'log.db');
export const readModelsPath = (dataDir: string) => join(dataDir, 'readmodels.db');

export function openReadModels(path: string, sync: Config['sqliteSync'] = 'NORMAL', opts: { readonly?: boolean } = {}): SqliteReadModels {
  // Read models are rebuildable from the log: NORMAL is enough for them.
  return new SqliteReadModels(path, { synchronous: sync === 'FULL' ? 'NORMAL' : sync, readonly: opts.readonly });
}

/** Opens the instance `config.logMode` asks for: the embedded log, or distributed mode (connectors/distributed). */
export async function openConfiguredService(config: Config, opts: ServiceOptions = {}): Promise<Service> {
  if (config.logMode === 'distributed') {
    const { openDistributedService } = await import('./distributed/distributed-service');
    return openDistributedService(config, opts);
  }
  return openService(config, opts);
}

/** Resolves when every runner has reached `position` and whatever their handling appended in turn. */
export async function settleLoops(loops: readonly { progress$: Observable<number> }[], headSync: () => number, position: number, timeoutMs = 10000): Promise<void> {
  let target = position;
  for (let round = 0; round < 8; round++) {
    if (loops.length === 0) return;
    await firstValueFrom(
      combineLatest(loops.map((l) => l.progress$)).pipe(
        filter((ps) => ps.every((p) => p >= target)),
        timeout({ first: timeoutMs, with: () => { throw new TrustError('UNAVAILABLE', `processing did not reach position ${target} within ${timeoutMs} ms`); } }),
      ),
    );
    const head = headSync();
    if (head <= target) return;
    target = head;
  }
}

export function openService(config: Config, opts: ServiceOptions = {}): EmbeddedService {
  if (config.logMode !== 'embedded') {
    throw new TrustError('UNAVAILABLE', `openService opens the embedded log; TRUST_MODE=${config.logMode} goes through openConfiguredService`);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const log = new SqliteEventLog({ path: logPath(config.dataDir), sync: config.sqliteSync });
  const readModels = openReadModels(readModelsPath(config.dataDir), config.sqliteSync);
  const processors = (opts.processors ?? allProcessors()).map((d) => new ProcessorRunner(log, d));
  const projections = (opts.projections ?? allProjections()).map((d) => new ProjectionRunner(readModels, log, d));
  const loops = [...processors, ...projections];

  const settled = (position: number, timeoutMs?: number) => settleLoops(loops, () => log.headSync(), position, timeoutMs);

  const ctx: ServiceContext = { log, ingest: makeIngest(log, codec()), readModels, settled, dataDir: config.dataDir };
  const workers = (opts.workers ?? allWorkers()).map((w) => w(ctx));
  return {
    config,
    log,
    headSync: () => log.headSync(),
    readModels,
    processors,
    projections,
    ctx,
    ...lifecycle(
      workers,
      async () => {
        // Tables exist before the first request reads them.
        await Promise.all(projections.map((p) => p.prepare()));
        for (const l of loops) l.start(log.changes$);
      },
      async () => {
        await Promise.all(loops.map((l) => l.stop()));
        await readModels.close();
        await log.close();
      },
    ),
  };
}

/**
 * A service's start/close: `start` runs once (its followers, then the background workers) and
 * `close` waits for it, then stops the workers first (they append, and the log must outlive their
 * last append), then the followers and databases.
 */
export function lifecycle(workers: Worker[], startFollowers: () => Promise<void>, stopFollowers: () => Promise<void>): Pick<Service, 'start' | 'close'> {
  let started: Promise<void> | undefined;
  return {
    start() {
      return (started ??= (async () => {
        await startFollowers();
        await Promise.all(workers.map((w) => w.start()));
      })());
    },
    async close() {
      await started?.catch(() => undefined);
      await Promise.all(workers.map((w) => w.stop()));
      await stopFollowers();
    },
  };
}
