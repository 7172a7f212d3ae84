"""The Trust Fabric error taxonomy ({code, message, details}), one exception class per code."""
from __future__ import annotations

from typing import Any, Dict, List, Optional


class TrustFabricError(Exception):
    """Base of every error the SDK raises. ``status`` is the HTTP status (0 when no answer arrived)."""

    def __init__(self, code: str, message: str, details: Optional[Dict[str, Any]] = None, status: int = 0):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = details or {}
        self.status = status

    @property
    def problems(self) -> List[Dict[str, Any]]:
        """``details.problems`` of a validation error: which field, what is wrong."""
        p = self.details.get("problems")
        return p if isinstance(p, list) else []

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status}, message={self.message!r})"


class ValidationFailedError(TrustFabricError): pass
class UnknownEventTypeError(TrustFabricError): pass
class SchemaViolationError(TrustFabricError): pass
class UnauthenticatedError(TrustFabricError): pass
class ForbiddenError(TrustFabricError): pass
class NotFoundError(TrustFabricError): pass
class VersionConflictError(TrustFabricError): pass
class IdempotencyConflictError(TrustFabricError): pass
class PreconditionFailedError(TrustFabricError): pass
class PayloadTooLargeError(TrustFabricError): pass


class RateLimitedError(TrustFabricError):
    retry_after: Optional[float] = None


class UnavailableError(TrustFabricError): pass
class IntegrityViolationError(TrustFabricError): pass
class InternalError(TrustFabricError): pass


ERROR_CLASSES = {
    "VALIDATION_FAILED": ValidationFailedError,
    "UNKNOWN_EVENT_TYPE": UnknownEventTypeError,
    "SCHEMA_VIOLATION": SchemaViolationError,
    "UNAUTHENTICATED": UnauthenticatedError,
    "FORBIDDEN": ForbiddenError,
    "NOT_FOUND": NotFoundError,
    "VERSION_CONFLICT": VersionConflictError,
    "IDEMPOTENCY_CONFLICT": IdempotencyConflictError,
    "PRECONDITION_FAILED": PreconditionFailedError,
    "PAYLOAD_TOO_LARGE": PayloadTooLargeError,
    "RATE_LIMITED": RateLimitedError,
    "UNAVAILABLE": UnavailableError,
    "INTEGRITY_VIOLATION": IntegrityViolationError,
    "INTERNAL": InternalError,
}

_BY_STATUS = {400: "VALIDATION_FAILED", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "VERSION_CONFLICT",
              413: "PAYLOAD_TOO_LARGE", 422: "SCHEMA_VIOLATION", 429: "RATE_LIMITED", 503: "UNAVAILABLE"}


def error_from_response(status: int, body: Any) -> TrustFabricError:
    """The typed error of an HTTP answer (a body outside the taxonomy maps by status)."""
    b = body if isinstance(body, dict) else {}
    code = b.get("code") if b.get("code") in ERROR_CLASSES else _BY_STATUS.get(status, "INTERNAL" if status >= 500 else "VALIDATION_FAILED")
    message = b.get("message") if isinstance(b.get("message"), str) else f"HTTP {status}"
    details = b.get("details") if isinstance(b.get("details"), dict) else {}
    return ERROR_CLASSES[code](code, message, details, status)
