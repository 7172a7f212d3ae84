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
 * Librdkafka's error codes (@confluentinc/kafka-javascript's `ErrorCodes`) that mean a server is
 * away, busy or moving, not that the request is wrong: local transport, timeouts, queue full,
 * coordinator and leader changes, rebalances, not enough replicas yet, transactions in flight.
 */
export const KAFKA_TRANSIENT_CODES: ReadonlySet<number> = new Set([
  -195, // ERR__TRANSPORT
  -193, // ERR__RESOLVE
  -192, // ERR__MSG_TIMED_OUT
  -187, // ERR__ALL_BROKERS_DOWN
  -185, // ERR__TIMED_OUT
  -184, // ERR__QUEUE_FULL
  -180, // ERR__WAIT_COORD
  -166, // ERR__TIMED_OUT_QUEUE
  -164, // ERR__WAIT_CACHE
  -153, // ERR__RETRY
  3, // ERR_UNKNOWN_TOPIC_OR_PART (a new topic's metadata catching up)
  5, // ERR_LEADER_NOT_AVAILABLE
  6, // ERR_NOT_LEADER_FOR_PARTITION
  7, // ERR_REQUEST_TIMED_OUT
  13, // ERR_NETWORK_EXCEPTION
  14, // ERR_COORDINATOR_LOAD_IN_PROGRESS
  15, // ERR_COORDINATOR_NOT_AVAILABLE
  16, // ERR_NOT_COORDINATOR
  19, // ERR_NOT_ENOUGH_REPLICAS
  20, // ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND
  27, // ERR_REBALANCE_IN_PROGRESS
  51, // ERR_CONCURRENT_TRANSACTIONS
  56, // ERR_KAFKA_STORAGE_ERROR
  70, // ERR_FETCH_SESSION_ID_NOT_FOUND
  74, // ERR_FENCED_LEADER_EPOCH
  75, // ERR_UNKNOWN_LEADER_EPOCH
  78, // ERR_OFFSET_NOT_AVAILABLE
  80, // ERR_PREFERRED_LEADER_NOT_AVAILABLE
  88, // ERR_UNSTABLE_OFFSET_COMMIT
  89, // ERR_THROTTLING_QUOTA_EXCEEDED
]);

/**
 * Whether to retry: our errors say so (`retriable`); so do the Kafka client's (a KafkaJSError of
 * @confluentinc/kafka-javascript: `retriable` where it sets it, which it does for the transactional
 * producer only, else by its librdkafka `code`; a `fatal` one never, the client must be made anew;
 * an aggregate by its parts); SQLite's busy and locked are worth another try. Drivers' errors are
 * mapped to TransientError where they are caught (the PostgreSQL store, the registry client).
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof TrustError) return err.retriable;
  const e = err as { code?: unknown; retriable?: unknown; fatal?: unknown; name?: unknown; errors?: unknown } | null;
  if (typeof e?.name === 'string' && e.name.startsWith('KafkaJS')) {
    if (e.fatal === true) return false;
    if (e.retriable === true) return true;
    if (Array.isArray(e.errors) && e.errors.length) return e.errors.every(isTransient);
    if (typeof e.code === 'number' && KAFKA_TRANSIENT_CODES.has(e.code)) return true;
    return e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSRequestTimeoutError' || e.name === 'KafkaJSTimeout' || e.name === 'KafkaJSNoBrokerAvailableError';
  }
  return e?.code === 'SQLITE_BUSY' || e?.code === 'SQLITE_LOCKED';
}
