/**
 * The /v1 router: the one place route modules are mounted, by the service (server.ts) and by the
 * domain test harnesses alike. Authentication first (401 before 400), then the OpenAPI checks of
 * request bodies and query parameters, then the routes.
 */
import express, { type RequestHandler, type Router } from 'express';
import type { RouteModule, ServiceContext } from './context';
import { requestValidation } from './request-validation/middleware';

// The spec is compiled once per process, however many apps are made (tests make many).
let validation: RequestHandler | undefined;

export function apiRouter(ctx: ServiceContext, auth: RequestHandler, routes: RouteModule[]): Router {
  const v1 = express.Router();
  v1.use(auth);
  v1.use((validation ??= requestValidation()));
  for (const mod of routes) v1.use(mod(ctx));
  return v1;
}
