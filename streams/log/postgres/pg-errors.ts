/**
 * Which PostgreSQL failures are worth retrying: the server unreachable, restarting or shutting
 * down, out of connections, a serialization failure or a deadlock. Those become TransientError
 * (503 with Retry-After on the API, a retry in the runners); anything else is a bug and stays as it is.
 */
import { TransientError } from '../../../schemas/errors';

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
/** SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown, cancel). */
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53', '57'];
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03']);
const TRANSIENT_MESSAGES = [/Connection terminated/i, /not queryable/i, /timeout exceeded when trying to connect/i, /Client was closed/i];

export function isPgTransient(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (TRANSIENT_NODE_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.some((c) => code.startsWith(c))) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return TRANSIENT_MESSAGES.some((m) => m.test(message));
}

/** A transient PostgreSQL failure as a TransientError saying what could not be done; others unchanged. */
export function asTransient(err: unknown, what: string): unknown {
  if (err instanceof TransientError || !isPgTransient(err)) return err;
  return new TransientError(`${what}: the PostgreSQL store is unavailable (${(err as Error).message}); retry shortly`, err);
}
