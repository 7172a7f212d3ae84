/** The Trust Fabric error taxonomy (`{code, message, details}`), one class per code. */
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

export interface FieldProblem {
  field: string;
  problem: string;
  [k: string]: unknown;
}

/** Base class of every error the SDK throws. `status` is the HTTP status (0 when no answer arrived). */
export class TrustFabricError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly status = 0,
  ) {
    super(message);
    this.name = new.target.name;
  }
  /** `details.problems` of a validation error: which field, what is wrong. */
  get problems(): FieldProblem[] {
    return Array.isArray(this.details.problems) ? (this.details.problems as FieldProblem[]) : [];
  }
}

export class ValidationFailedError extends TrustFabricError {}
export class UnknownEventTypeError extends TrustFabricError {}
export class SchemaViolationError extends TrustFabricError {}
export class UnauthenticatedError extends TrustFabricError {}
export class ForbiddenError extends TrustFabricError {}
export class NotFoundError extends TrustFabricError {}
export class VersionConflictError extends TrustFabricError {}
export class IdempotencyConflictError extends TrustFabricError {}
export class PreconditionFailedError extends TrustFabricError {}
export class PayloadTooLargeError extends TrustFabricError {}
export class RateLimitedError extends TrustFabricError {
  /** Seconds the server asked to wait (Retry-After), when it said. */
  retryAfter?: number;
}
export class UnavailableError extends TrustFabricError {}
export class IntegrityViolationError extends TrustFabricError {}
export class InternalError extends TrustFabricError {}

export const ERROR_CLASSES: Record<ErrorCode, new (code: ErrorCode, message: string, details?: Record<string, unknown>, status?: number) => TrustFabricError> = {
  VALIDATION_FAILED: ValidationFailedError,
  UNKNOWN_EVENT_TYPE: UnknownEventTypeError,
  SCHEMA_VIOLATION: SchemaViolationError,
  UNAUTHENTICATED: UnauthenticatedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  VERSION_CONFLICT: VersionConflictError,
  IDEMPOTENCY_CONFLICT: IdempotencyConflictError,
  PRECONDITION_FAILED: PreconditionFailedError,
  PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  RATE_LIMITED: RateLimitedError,
  UNAVAILABLE: UnavailableError,
  INTEGRITY_VIOLATION: IntegrityViolationError,
  INTERNAL: InternalError,
};

/** Status → code when the body is not an error of the taxonomy (a proxy's HTML page, say). */
const BY_STATUS: Record<number, ErrorCode> = { 400: 'VALIDATION_FAILED', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'VERSION_CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 422: 'SCHEMA_VIOLATION', 429: 'RATE_LIMITED', 503: 'UNAVAILABLE' };

/** The typed error of an HTTP answer. */
export function errorFromResponse(status: number, body: unknown): TrustFabricError {
  const b = body as { code?: string; message?: string; details?: Record<string, unknown> } | undefined;
  const code: ErrorCode = b && typeof b.code === 'string' && b.code in ERROR_CLASSES ? (b.code as ErrorCode) : (BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED'));
  const message = b && typeof b.message === 'string' ? b.message : `HTTP ${status}`;
  const details = b && typeof b.details === 'object' && b.details !== null ? b.details : {};
  return new ERROR_CLASSES[code](code, message, details, status);
}
