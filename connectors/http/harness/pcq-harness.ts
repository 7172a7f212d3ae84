/**
 * A small real PCQ service for tests and the bench: SQLite event log with a codec that knows the
 * PCQ events, the PCQ processors and projections (run to completion on `settled`, and in the
 * background when `live`), the real ingest, the PCQ routes and pages behind a bearer-token →
 * principal table, and the house error middleware. Until the lead wires PCQ into
 * connectors/service.ts (and moves the staged schemas) this is how the routes run end to end.
 */
import { callApi } from '../client';
import { SqliteReadModels } from '../../../projections/store/sqlite-store';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { makeIngest } from '../../ingest';
import { errorHandler, notFound } from '../errors';
import type { Principal, ServiceContext } from '../context';
import { pcqPages, pcqRoutes } from '../routes/pcq';
import { ProjectionRunner } from '../../../projections/projection-runner';
import { projections as pcqProjections } from '../../../projections/pcq';
import { keyTableAuth } from '../testing';
import { SqliteEventLog } from '../../../streams/log/sqlite/sqlite-event-log';
import { ProcessorRunner } from '../../../streams/runtime/processor-runner';
import { codec as sharedCodec } from '../../../schemas/codec';
import { processors as pcqProcessors } from '../../../streams/pcq';

export interface PcqHarness {
  ctx: ServiceContext;
  log: SqliteEventLog;
  readModels: SqliteReadModels;
  url: string;
  keyFor(tenant: string, role?: Principal['role']): string;
  request(method: string, path: string, key?: string, body?: unknown): Promise<{ status: number; body: any; text: string }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Run processors and projections until nothing is left to do. */
  drain(): void;
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
  const keys = new Map<string, Principal>();
  const app = express();
  app.use(express.json({ limit: '16mb', strict: false }));
  const auth = keyTableAuth(keys);
  app.use('/ui', auth, pcqPages(ctx, { now: opts.now }));
  const v1 = express.Router();
  v1.use(auth);
  v1.use(pcqRoutes(ctx));
  app.use('/v1', v1);
  app.use(notFound);
  app.use(errorHandler);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ctx,
    log,
    readModels,
    url,
    keyFor(tenant, role = 'producer') {
      const key = `k-${tenant}-${role}`;
      keys.set(key, { tenant, role, keyId: `${tenant}-${role}` });
      return key;
    },
    request: (method, path, key, body) => callApi(url, method, path, { key, body }),
    drain,
    async stop() {
      await Promise.all([...processors, ...projections].map((l) => l.stop()));
      await new Promise((r) => server.close(r));
      await readModels.close();
      await log.close();
    },
  };
}
