/**
 * A small real LAC service for tests and benches: SQLite event log and read models, the LAC
 * projections folded on `settled`, the real ingest, and the LAC routes and pages (serve.ts).
 */
import type { Router } from 'express';
import { SqliteReadModels } from '../../../projections/store/sqlite-store';
import { ProjectionRunner } from '../../../projections/projection-runner';
import { projections as lacProjections } from '../../../projections/lac';
import { SqliteEventLog } from '../../../streams/log/sqlite/sqlite-event-log';
import { codec as sharedCodec } from '../../../schemas/codec';
import { makeIngest } from '../../ingest';
import type { ServiceContext } from '../context';
import { serveHarness, type HarnessServer } from './serve';

export interface LacHarness extends Omit<HarnessServer, 'close'> {
  ctx: ServiceContext;
  log: SqliteEventLog;
  readModels: SqliteReadModels;
  stop(): Promise<void>;
}

export async function startLacHarness(opts: { routes: ((ctx: ServiceContext) => Router)[]; pages?: ((ctx: ServiceContext) => Router)[]; logPath?: string; readModelsPath?: string }): Promise<LacHarness> {
  const codec = sharedCodec();
  const log = new SqliteEventLog({ path: opts.logPath ?? ':memory:', codec, sync: 'NORMAL' });
  const readModels = new SqliteReadModels(opts.readModelsPath ?? ':memory:');
  const runners = lacProjections.map((def) => new ProjectionRunner(readModels, log, def, { batchSize: 5000 }));
  const settled = async (position: number) => {
    for (const r of runners) await r.catchUp(position);
  };
  const ctx: ServiceContext = { log, ingest: makeIngest(log, codec), readModels, settled, dataDir: '/nonexistent' };
  const { close, ...server } = await serveHarness(ctx, opts);
  return {
    ctx,
    log,
    readModels,
    ...server,
    async stop() {
      await close();
      await readModels.close();
      await log.close();
    },
  };
}
