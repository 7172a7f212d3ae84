/**
 * A small real PCQ service for tests and the bench: SQLite event log and read models, the PCQ
 * processors and projections (run to completion on `settled`, and in the background when `live`),
 * the real ingest, and the PCQ routes and pages (serve.ts).
 */
import { SqliteReadModels } from '../../../projections/store/sqlite-store';
import { ProjectionRunner } from '../../../projections/projection-runner';
import { projections as pcqProjections } from '../../../projections/pcq';
import { SqliteEventLog } from '../../../streams/log/sqlite/sqlite-event-log';
import { ProcessorRunner } from '../../../streams/runtime/processor-runner';
import { codec as sharedCodec } from '../../../schemas/codec';
import { processors as pcqProcessors } from '../../../streams/pcq';
import { makeIngest } from '../../ingest';
import type { ServiceContext } from '../context';
import { pcqPages, pcqRoutes } from '../routes/pcq';
import { serveHarness, type HarnessServer } from './serve';

export interface PcqHarness extends Omit<HarnessServer, 'close'> {
  ctx: ServiceContext;
  log: SqliteEventLog;
  readModels: SqliteReadModels;
  /** Run processors and projections until nothing is left to do. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPcqHarness(opts: { logPath?: string; readModelsPath?: string; live?: boolean; now?: () => Date } = {}): Promise<PcqHarness> {
  const codec = sharedCodec();
  const log = new SqliteEventLog({ path: opts.logPath ?? ':memory:', codec, sync: 'NORMAL' });
  const readModels = new SqliteReadModels(opts.readModelsPath ?? ':memory:');
  const processors = pcqProcessors.map((def) => new ProcessorRunner(log, def, { batchSize: 2000 }));
  const projections = pcqProjections.map((def) => new ProjectionRunner(readModels, log, def, { batchSize: 5000 }));
  const drain = async () => {
    for (let moved = true; moved; ) {
      moved = false;
      for (const p of processors) while (p.runBatch() > 0) moved = true;
      for (const p of projections) while ((await p.runBatch()) > 0) moved = true;
    }
  };
  const settled = async (_position: number) => drain();
  const ctx: ServiceContext = { log, ingest: makeIngest(log, codec), readModels, settled, dataDir: '/nonexistent' };
  if (opts.live) for (const l of [...processors, ...projections]) l.start(log.changes$);
  const { close, ...server } = await serveHarness(ctx, { routes: [pcqRoutes], pages: [(c) => pcqPages(c, { now: opts.now })], jsonLimit: '16mb' });
  return {
    ctx,
    log,
    readModels,
    ...server,
    drain,
    async stop() {
      await Promise.all([...processors, ...projections].map((l) => l.stop()));
      await close();
      await readModels.close();
      await log.close();
    },
  };
}
