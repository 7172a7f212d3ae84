/**
 * The one error taxonomy of Trust Fabric: every error the API, the CLI and the SDKs show
 * is one of these codes, with a message a person can act on and structured details.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_EVENT_TYPE'
  | 'SCHEMA_VIOLATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTEGRITY_VIOLATION'
  | 'INTERNAL';

/** HTTP status per code: one table, used by the HTTP connector and mirrored by every SDK. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNKNOWN_EVENT_TYPE: 422,
  SCHEMA_VIOLATION: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PRECONDITION_FAILED: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTEGRITY_VIOLATION: 500,
  INTERNAL: 500,
};

export interface FieldProblem {
  /** Path of the offending field, e.g. `events[2].payload.seed`. */
  field: string;
  problem: string;
}

export class TrustError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
  get status(): number {
    return HTTP_STATUS[this.code];
  }
  /** Worth retrying as it is: a server away or busy, not a mistake in the request. */
  get retriable(): boolean {
    return this.code === 'UNAVAILABLE';
  }
  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Bad input: names each field and what is wrong with it. */
export class ValidationError extends TrustError {
  constructor(
    readonly problems: FieldProblem[],
    code: 'VALIDATION_FAILED' | 'SCHEMA_VIOLATION' | 'UNKNOWN_EVENT_TYPE' = 'VALIDATION_FAILED',
  ) {
    super(code, problems.map((p) => `${p.field}: ${p.problem}`).join('; '), { problems });
  }
}

export class AuthError extends TrustError {
  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(code, message);
  }
}

export class NotFoundError extends TrustError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} '${id}' was not found`, { what, id });
  }
}

/** The stream moved on since the writer read it. */
export class VersionConflictError extends TrustError {
  constructor(stream: string, expected: number, actual: number) {
    super(
      'VERSION_CONFLICT',
      `stream '${stream}' is at version ${actual}, the append expected ${expected}; re-read the stream and retry`,
      { stream, expectedVersion: expected, actualVersion: actual },
    );
  }
}

/** The same event id was appended before with different content. */
export class IdempotencyConflictError extends TrustError {
  constructor(id: string) {
    super('IDEMPOTENCY_CONFLICT', `event id '${id}' was already used for a different event`, { id });
  }
}

export class PreconditionError extends TrustError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('PRECONDITION_FAILED', message, details);
  }
}

export class RateLimitError extends TrustError {
  constructor(readonly retryAfterSeconds: number, message = 'quota exceeded') {
    super('RATE_LIMITED', `${message}; retry after ${retryAfterSeconds}s`, { retryAfterSeconds });
  }
}

/** A failure worth retrying (broker unavailable, SQLITE_BUSY, a worker crash). */
export class TransientError extends TrustError {
  constructor(message: string, override readonly cause?: unknown) {
    super('UNAVAILABLE', message);
  }
}

/** History does not verify: a hash chain is broken. */
export class IntegrityError extends TrustError {
  constructor(stream: string, position: number, problem: string) {
    super('INTEGRITY_VIOLATION', `stream '${stream}' at position ${position}: ${problem}`, { stream, position });
  }
}

/**
 * Whether to retry: our errors say so (`retriable`), and so do kafkajs's (its KafkaJSError carries
 * `retriable`); SQLite's busy and locked are worth another try. Drivers' errors are mapped to
 * TransientError where they are caught (the PostgreSQL store, the registry client).
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof TrustError) return err.retriable;
  const e = err as { code?: unknown; retriable?: unknown; name?: unknown } | null;
  if (typeof e?.retriable === 'boolean' && typeof e.name === 'string' && e.name.startsWith('KafkaJS')) return e.retriable;
  return e?.code === 'SQLITE_BUSY' || e?.code === 'SQLITE_LOCKED';
}
