/**
 * A small real LAC service for tests and benches: SQLite event log (with a codec that knows the LAC
 * events), the LAC projections run synchronously on `settled`, the real ingest, the LAC routes
 * behind a bearer-token → principal table, and the house error middleware. Until the lead wires LAC
 * into connectors/service.ts this is how the routes run end to end.
 */
import { callApi } from '../client';
import { SqliteReadModels } from '../../../projections/store/sqlite-store';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { makeIngest } from '../../ingest';
import { errorHandler, notFound } from '../errors';
import type { Principal, ServiceContext } from '../context';
import { ProjectionRunner } from '../../../projections/projection-runner';
import { projections as lacProjections } from '../../../projections/lac';
import { keyTableAuth } from '../testing';
import { SqliteEventLog } from '../../../streams/log/sqlite/sqlite-event-log';
import { codec as sharedCodec } from '../../../schemas/codec';
import type { Router } from 'express';

export interface LacHarness {
  ctx: ServiceContext;
  log: SqliteEventLog;
  readModels: SqliteReadModels;
  url: string;
  /** Bearer token for a principal (registered on first use). */
  keyFor(tenant: string, role?: Principal['role']): string;
  request(method: string, path: string, key?: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
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
  const keys = new Map<string, Principal>();
  const app = express();
  app.use(express.json({ limit: '1mb', strict: false }));
  const auth = keyTableAuth(keys);
  for (const page of opts.pages ?? []) app.use('/ui', auth, page(ctx));
  const v1 = express.Router();
  v1.use(auth);
  for (const r of opts.routes) v1.use(r(ctx));
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
    request: (method, path, key, body, headers) => callApi(url, method, path, { key, body, headers }),
    async stop() {
      await new Promise((r) => server.close(r));
      await readModels.close();
      await log.close();
    },
  };
}
