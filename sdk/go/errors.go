package trustfabric

import (
	"errors"
	"fmt"
	"time"
)

// Error is every error of the Trust Fabric taxonomy ({code, message, details}). Match a code with
// errors.Is(err, trustfabric.ErrNotFound) or read it with errors.As(err, &tfErr).
type Error struct {
	Code    string
	Message string
	Details map[string]any
	// Status is the HTTP status (0 when no answer arrived).
	Status int
	// RetryAfter is what the server asked to wait (RATE_LIMITED), zero when it did not say.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Is matches the sentinel of the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && t.Message == "" && t.Status == 0
	}
	return false
}

// Problems is details.problems of a validation error: which field, what is wrong.
func (e *Error) Problems() []map[string]any {
	raw, _ := e.Details["problems"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, p := range raw {
		if m, ok := p.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Sentinels, one per code of the taxonomy.
var (
	ErrValidationFailed    = &Error{Code: "VALIDATION_FAILED"}
	ErrUnknownEventType    = &Error{Code: "UNKNOWN_EVENT_TYPE"}
	ErrSchemaViolation     = &Error{Code: "SCHEMA_VIOLATION"}
	ErrUnauthenticated     = &Error{Code: "UNAUTHENTICATED"}
	ErrForbidden           = &Error{Code: "FORBIDDEN"}
	ErrNotFound            = &Error{Code: "NOT_FOUND"}
	ErrVersionConflict     = &Error{Code: "VERSION_CONFLICT"}
	ErrIdempotencyConflict = &Error{Code: "IDEMPOTENCY_CONFLICT"}
	ErrPreconditionFailed  = &Error{Code: "PRECONDITION_FAILED"}
	ErrPayloadTooLarge     = &Error{Code: "PAYLOAD_TOO_LARGE"}
	ErrRateLimited         = &Error{Code: "RATE_LIMITED"}
	ErrUnavailable         = &Error{Code: "UNAVAILABLE"}
	ErrIntegrityViolation  = &Error{Code: "INTEGRITY_VIOLATION"}
	ErrInternal            = &Error{Code: "INTERNAL"}
)

// ErrorSentinels maps each code to its sentinel's name (the public surface, for the parity check).
var ErrorSentinels = map[string]string{
	"VALIDATION_FAILED": "ErrValidationFailed", "UNKNOWN_EVENT_TYPE": "ErrUnknownEventType", "SCHEMA_VIOLATION": "ErrSchemaViolation",
	"UNAUTHENTICATED": "ErrUnauthenticated", "FORBIDDEN": "ErrForbidden", "NOT_FOUND": "ErrNotFound", "VERSION_CONFLICT": "ErrVersionConflict",
	"IDEMPOTENCY_CONFLICT": "ErrIdempotencyConflict", "PRECONDITION_FAILED": "ErrPreconditionFailed", "PAYLOAD_TOO_LARGE": "ErrPayloadTooLarge",
	"RATE_LIMITED": "ErrRateLimited", "UNAVAILABLE": "ErrUnavailable", "INTEGRITY_VIOLATION": "ErrIntegrityViolation", "INTERNAL": "ErrInternal",
}

var byStatus = map[int]string{400: "VALIDATION_FAILED", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "VERSION_CONFLICT", 413: "PAYLOAD_TOO_LARGE", 422: "SCHEMA_VIOLATION", 429: "RATE_LIMITED", 503: "UNAVAILABLE"}

func errorFromResponse(status int, body any) *Error {
	b, _ := body.(map[string]any)
	code, _ := b["code"].(string)
	if _, ok := ErrorSentinels[code]; !ok {
		code = byStatus[status]
		if code == "" {
			if status >= 500 {
				code = "INTERNAL"
			} else {
				code = "VALIDATION_FAILED"
			}
		}
	}
	msg, ok := b["message"].(string)
	if !ok {
		msg = fmt.Sprintf("HTTP %d", status)
	}
	details, _ := b["details"].(map[string]any)
	if details == nil {
		details = map[string]any{}
	}
	return &Error{Code: code, Message: msg, Details: details, Status: status}
}
