// Package trustfabric is the Go SDK of Trust Fabric: one method per operation of
// sdk/spec/openapi.yaml (its operationId in Go casing), plus WaitForProofJob and VerifyProof,
// the ZK-TX hashing contract (LeafOf) and local Groth16 verification (VerifyGroth16).
//
// Retries 429 and 503 (and lost connections/timeouts) with capped exponential backoff and full
// jitter, honouring Retry-After; every write carries an Idempotency-Key that stays the same across
// its retries (events without an id get one derived from it: event ids are the log's idempotency keys).
package trustfabric

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// JSON is a decoded JSON object.
type JSON = map[string]any

// Client talks to one Trust Fabric service. Safe for concurrent use.
type Client struct {
	BaseURL    string
	APIKey     string
	Timeout    time.Duration
	MaxRetries int
	Backoff    time.Duration
	MaxBackoff time.Duration
	HTTP       *http.Client
	// Sleep waits between retries (replaced in tests).
	Sleep     func(ctx context.Context, d time.Duration) error
	UserAgent string
}

// Option configures a Client.
type Option func(*Client)

// WithAPIKey sets the bearer key (tf_<keyId>_<secret>, from `trust tenant add`).
func WithAPIKey(key string) Option { return func(c *Client) { c.APIKey = key } }

// WithTimeout sets the timeout of one attempt (default 30 s).
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.Timeout = d } }

// WithMaxRetries sets the retries after the first attempt on 429/503/connection failures (default 3).
func WithMaxRetries(n int) Option { return func(c *Client) { c.MaxRetries = n } }

// WithBackoff sets the first backoff (default 200 ms, doubled each retry) and its cap (default 5 s).
func WithBackoff(first, max time.Duration) Option {
	return func(c *Client) { c.Backoff, c.MaxBackoff = first, max }
}

// WithHTTPClient replaces the http.Client.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.HTTP = h } }

// NewClient makes a client of the service at baseURL (e.g. http://127.0.0.1:8080).
func NewClient(baseURL string, opts ...Option) *Client {
	c := &Client{BaseURL: strings.TrimRight(baseURL, "/"), Timeout: 30 * time.Second, MaxRetries: 3, Backoff: 200 * time.Millisecond, MaxBackoff: 5 * time.Second, HTTP: &http.Client{}, UserAgent: "trust-fabric-sdk-go/1.1.0"}
	c.Sleep = func(ctx context.Context, d time.Duration) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// ParseRetryAfter reads Retry-After (seconds or an HTTP date); ok is false when absent or unreadable.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// Delay is the wait before retry attempt (0-based): Retry-After when given (capped at 60 s), else
// capped exponential backoff with full jitter.
func (c *Client) Delay(attempt int, retryAfter time.Duration, given bool) time.Duration {
	if given {
		return min(retryAfter, 60*time.Second)
	}
	cap := min(float64(c.MaxBackoff), float64(c.Backoff)*math.Pow(2, float64(attempt)))
	return time.Duration(cap/2 + mrand.Float64()*cap/2)
}

func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Request is one call of the low-level Do.
type Request struct {
	Method         string
	Path           string
	Query          url.Values
	Body           any
	RawBody        string
	ContentType    string
	Headers        map[string]string
	IdempotencyKey string
	// Text returns the body as a string instead of decoding JSON.
	Text bool
}

// Do sends a request with retries and decodes the answer into out (nil to discard).
func (c *Client) Do(ctx context.Context, r Request, out any) error {
	u := c.BaseURL + r.Path
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	var body []byte
	contentType := ""
	if r.RawBody != "" {
		body, contentType = []byte(r.RawBody), r.ContentType
	} else if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return &Error{Code: "VALIDATION_FAILED", Message: "request body is not JSON: " + err.Error(), Details: map[string]any{}}
		}
		body, contentType = b, "application/json"
	}
	key := r.IdempotencyKey
	if r.Method != http.MethodGet && key == "" {
		key = newKey()
	}
	for attempt := 0; ; attempt++ {
		status, header, data, err := c.once(ctx, r, u, body, contentType, key)
		if err != nil {
			if ctx.Err() != nil {
				return &Error{Code: "UNAVAILABLE", Message: "cancelled: " + ctx.Err().Error(), Details: map[string]any{"cause": ctx.Err().Error()}}
			}
			if attempt < c.MaxRetries {
				if serr := c.Sleep(ctx, c.Delay(attempt, 0, false)); serr != nil {
					return &Error{Code: "UNAVAILABLE", Message: serr.Error(), Details: map[string]any{}}
				}
				continue
			}
			timeout := strings.Contains(err.Error(), "deadline exceeded") || strings.Contains(err.Error(), "Timeout")
			msg := fmt.Sprintf("cannot reach %s: %v", c.BaseURL, err)
			if timeout {
				msg = fmt.Sprintf("no answer from %s within %s", c.BaseURL, c.Timeout)
			}
			return &Error{Code: "UNAVAILABLE", Message: msg, Details: map[string]any{"cause": err.Error(), "timeout": timeout}}
		}
		if status >= 200 && status < 300 {
			if out == nil || len(data) == 0 {
				return nil
			}
			if s, ok := out.(*string); ok && r.Text {
				*s = string(data)
				return nil
			}
			if err := json.Unmarshal(data, out); err != nil {
				return &Error{Code: "INTERNAL", Message: "answer is not the JSON expected: " + err.Error(), Details: map[string]any{}, Status: status}
			}
			return nil
		}
		var parsed any
		_ = json.Unmarshal(data, &parsed)
		e := errorFromResponse(status, parsed)
		ra, given := ParseRetryAfter(header.Get("Retry-After"), time.Now())
		if e.Code == "RATE_LIMITED" && given {
			e.RetryAfter = ra
		}
		if (status == 429 || status == 503) && attempt < c.MaxRetries {
			if serr := c.Sleep(ctx, c.Delay(attempt, ra, given)); serr != nil {
				return e
			}
			continue
		}
		return e
	}
}

func (c *Client) once(ctx context.Context, r Request, u string, body []byte, contentType, key string) (int, http.Header, []byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, r.Method, u, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.UserAgent)
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	return res.StatusCode, res.Header, data, nil
}
