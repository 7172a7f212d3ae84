/**
 * What every domain harness shares: a domain's routes and pages on an in-process express app behind
 * a bearer-token → principal table, with the house error middleware, on a free port.
 */
import express, { type Router } from 'express';
import { apiRouter } from '../api-router';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callApi, type ApiResponse } from '../client';
import type { Principal, ServiceContext } from '../context';
import { errorHandler, notFound } from '../errors';
import { keyTableAuth } from '../testing';

export interface HarnessServer {
  url: string;
  /** Bearer token for a principal (registered on first use). */
  keyFor(tenant: string, role?: Principal['role']): string;
  request(method: string, path: string, key?: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function serveHarness(ctx: ServiceContext, opts: { routes: ((ctx: ServiceContext) => Router)[]; pages?: ((ctx: ServiceContext) => Router)[]; jsonLimit?: string }): Promise<HarnessServer> {
  const keys = new Map<string, Principal>();
  const app = express();
  app.use(express.json({ limit: opts.jsonLimit ?? '1mb', strict: false }));
  const auth = keyTableAuth(keys);
  for (const page of opts.pages ?? []) app.use('/ui', auth, page(ctx));
  app.use('/v1', apiRouter(ctx, auth, opts.routes));
  app.use(notFound);
  app.use(errorHandler);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    keyFor(tenant, role = 'producer') {
      const key = `k-${tenant}-${role}`;
      keys.set(key, { tenant, role, keyId: `${tenant}-${role}` });
      return key;
    },
    request: (method, path, key, body, headers) => callApi(url, method, path, { key, body, headers }),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
