/** The HTTP service: express app, auth in front of /v1, metrics, and a graceful stop on SIGTERM. */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { register as metricsRegistry, collectDefaultMetrics } from 'prom-client';
import { authenticate } from '../auth/api-keys';
import { allPages, allRoutes } from '../registry';
import type { Service } from '../service';
import type { Principal, RouteModule } from './context';
import { errorHandler, notFound } from './errors';
import { loginRoutes, pageAuthorization, redirectToLogin } from './page-session';
import { consoleRoutes } from './console';
import { componentHealth, httpMetrics, serveComponentMetrics } from './metrics';
import { FaultInjector, faultRoutes } from './fault-injection';
import { eventRoutes } from './routes/events';
import { apiRouter } from './api-router';

let defaultMetricsOn = false;

export interface AppOptions {
  /** Route modules under /v1 (default: every domain's). */
  routes?: RouteModule[];
  /** Page modules mounted under /ui, behind the same API keys (default: every domain's). */
  pages?: RouteModule[];
}

export function createApp(service: Service, opts: AppOptions = {}): Express {
  if (!defaultMetricsOn) {
    collectDefaultMetrics();
    defaultMetricsOn = true;
  }
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(httpMetrics);
  app.use(express.json({ limit: service.config.maxBodyBytes, strict: false }));

  app.get('/healthz', (_req, res) => {
    const failing = componentHealth(service).filter((c) => c.failing).map((c) => c.name);
    res.status(failing.length ? 503 : 200).json({
      status: failing.length ? 'degraded' : 'ok',
      log: service.config.logMode,
      head: service.headSync(),
      failing,
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  });

  const keys = service.projections.find((p) => p.def.name === 'tenancy.api-keys');
  // A key issued through another process (the CLI, another instance) is folded before a lookup misses for good.
  const check = (authorization: string | undefined): Promise<Principal> => authenticate(service.readModels, authorization, () => keys?.refresh());
  const authBy = (header: (req: Request) => string | undefined) => (req: Request, _res: Response, next: NextFunction) => {
    check(header(req)).then((principal) => {
      (req as Request & { principal: unknown }).principal = principal;
      next();
    }, next);
  };
  const auth = authBy((req) => req.headers.authorization);
  if (service.config.faultInjection) {
    // Chaos drills only (TRUST_FAULT_INJECTION=1): after the metrics, before the routes.
    const injector = new FaultInjector();
    app.use('/chaos', faultRoutes(injector, auth));
    app.use(injector.middleware);
  }
  const v1 = apiRouter(service.ctx, auth, [eventRoutes, ...(opts.routes ?? allRoutes())]);

  // Pages show tenant data too: the same keys as the API, from the header or the login cookie.
  app.use('/ui', loginRoutes(check));
  // The console (console/, built by Vite): the app at /ui/ and the /v1 API behind the session cookie.
  app.use('/ui', consoleRoutes({ check, v1 }));
  for (const page of opts.pages ?? allPages()) app.use('/ui', authBy(pageAuthorization), page(service.ctx), redirectToLogin);

  app.use('/v1', v1);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** Drain in-flight requests, stop runners at a committed point, close the log. */
  stop(): Promise<void>;
}

export async function listen(service: Service, port: number, opts: AppOptions = {}): Promise<RunningServer> {
  const app = createApp(service, opts);
  await service.start();
  const unwatch = serveComponentMetrics(service);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5000;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      unwatch();
      await service.close();
    })());
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port, stop };
}
