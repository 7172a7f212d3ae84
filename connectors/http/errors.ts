/** Every error leaves the API as `{code, message, details}` with the status of its code: never a bare 500 for bad input. */
import type { NextFunction, Request, Response } from 'express';
import { RateLimitError, TransientError, TrustError, ValidationError } from '../../schemas/errors';
import { isPgTransient } from '../../streams/log/postgres/pg-errors';

/** Seconds a client should wait before retrying a 503: servers restart in seconds, and retries are idempotent by event id. */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

export function toTrustError(err: unknown): TrustError {
  if (err instanceof TrustError) return err;
  const e = err as BodyParserError;
  if (e?.type === 'entity.too.large') {
    return new TrustError('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${e.limit} bytes; split it into smaller batches`, { limit: e.limit });
  }
  if (e?.type === 'entity.parse.failed') return new ValidationError([{ field: 'body', problem: `is not valid JSON (${e.message})` }]);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new ValidationError([{ field: 'body', problem: e.message }]);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new ValidationError([{ field: 'request', problem: e.message }]);
  // A store outage that reached a route unwrapped is still an outage, not a bug.
  if (isPgTransient(err)) return new TransientError('the event store is unavailable; retry shortly', err);
  return new TrustError('INTERNAL', 'internal error; the request was not applied', {});
}

export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const e = toTrustError(err);
  if (e.code === 'INTERNAL' || e.code === 'INTEGRITY_VIOLATION') {
    // Log the cause, never the request body (it may carry selectors or secrets).
    console.error(`[http] ${req.method} ${req.path} failed: ${(err as Error)?.stack ?? err}`);
  }
  if (e instanceof RateLimitError) res.setHeader('Retry-After', String(Math.ceil(e.retryAfterSeconds)));
  else if (e.code === 'UNAVAILABLE') res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
  res.status(e.status).json(e.toJSON());
}

export function notFound(req: Request, res: Response): void {
  res.status(404).json({ code: 'NOT_FOUND', message: `no route ${req.method} ${req.path}`, details: { method: req.method, path: req.path } });
}
