/**
 * A real service on a random port over a temporary data directory, for integration tests:
 *   const svc = await startTestService();
 *   const key = await svc.keyFor('acme', 'producer');
 *   await svc.request('POST', '/v1/events', key, body);
 */
import { callApi } from './client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueKey } from '../auth/api-keys';
import { loadConfig } from '../config';
import { openService, type EmbeddedService, type ServiceOptions } from '../service';
import type { RequestHandler } from 'express';
import { AuthError } from '../../schemas/errors';
import type { Principal, Role } from './context';
import { listen, type AppOptions } from './server';

export interface TestService {
  url: string;
  service: EmbeddedService;
  dataDir: string;
  keyFor(tenant: string, role?: Role): Promise<string>;
  request(method: string, path: string, key?: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(): Promise<void>;
}

export async function startTestService(opts: ServiceOptions & AppOptions & { env?: Record<string, string> } = {}): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-svc-'));
  const config = loadConfig({ TRUST_DATA_DIR: dataDir, PORT: '0', TRUST_SQLITE_SYNC: 'NORMAL', ...opts.env });
  const service = openService(config, opts);
  const running = await listen(service, 0, opts);
  const url = `http://127.0.0.1:${running.port}`;
  return {
    url,
    service,
    dataDir,
    async keyFor(tenant, role = 'producer') {
      const issued = issueKey(tenant, role);
      await service.log.append([issued.event]);
      return issued.key;
    },
    request: (method, path, key, body, headers) => callApi(url, method, path, { key, body, headers }),
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Bearer keys from an in-memory table, for harnesses that run a domain without the API-key projection. */
export function keyTableAuth(keys: ReadonlyMap<string, Principal>): RequestHandler {
  return (req, _res, next) => {
    const token = /^Bearer (.+)$/.exec(req.header('authorization') ?? '')?.[1];
    const principal = token ? keys.get(token) : undefined;
    if (!principal) return next(new AuthError('UNAUTHENTICATED', 'missing or unknown key'));
    (req as unknown as { principal: Principal }).principal = principal;
    next();
  };
}
