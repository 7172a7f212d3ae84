import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Principal } from './context';

/**
 * Express 4 does not catch rejected promises: route them to the error middleware. It also notes the
 * route pattern for the metrics while it is known (Express forgets it once an error leaves the router).
 */
export const asyncRoute =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    if (req.route) res.locals.routeLabel = `${req.baseUrl}${req.route.path}`;
    fn(req, res).catch(next);
  };

export const principalOf = (req: Request): Principal => (req as Request & { principal: Principal }).principal;
