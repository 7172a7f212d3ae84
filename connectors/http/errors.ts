/** Every error leaves the API as `{code, message, details}` with the status of its code: never a bare 500 for bad input. */
import type { NextFunction, Request, Response } from 'express';
import { RateLimitError, TrustError, ValidationError } from '../../streams/errors';

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
  return new TrustError('INTERNAL', 'internal error; the request was not applied', {});
}

export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const e = toTrustError(err);
  if (e.code === 'INTERNAL' || e.code === 'INTEGRITY_VIOLATION') {
    // Log the cause, never the request body (it may carry selectors or secrets).
    console.error(`[http] ${req.method} ${req.path} failed: ${(err as Error)?.stack ?? err}`);
  }
  if (e instanceof RateLimitError) res.setHeader('Retry-After', String(Math.ceil(e.retryAfterSeconds)));
  res.status(e.status).json(e.toJSON());
}

export function notFound(req: Request, res: Response): void {
  res.status(404).json({ code: 'NOT_FOUND', message: `no route ${req.method} ${req.path}`, details: { method: req.method, path: req.path } });
}
