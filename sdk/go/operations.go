package trustfabric

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// WriteOptions are the options of a write.
type WriteOptions struct {
	// IdempotencyKey of the write (default: a fresh UUID, the same for every retry of this call).
	IdempotencyKey string
	Headers        map[string]string
}

func wo(opts []WriteOptions) WriteOptions {
	if len(opts) > 0 {
		return opts[0]
	}
	return WriteOptions{}
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

func seg(s string) string { return url.PathEscape(s) }

// ---- health and events ----

// Health is GET /healthz.
func (c *Client) Health(ctx context.Context) (JSON, error) {
	var out JSON
	return out, c.Do(ctx, Request{Method: "GET", Path: "/healthz"}, &out)
}

// NewEvent is an event to publish.
type NewEvent struct {
	ID              string         `json:"id,omitempty"`
	Type            string         `json:"type"`
	Stream          string         `json:"stream"`
	Tenant          string         `json:"tenant,omitempty"`
	ExpectedVersion *int           `json:"expectedVersion,omitempty"`
	CorrelationID   string         `json:"correlationId,omitempty"`
	CausationID     string         `json:"causationId,omitempty"`
	OccurredAt      string         `json:"occurredAt,omitempty"`
	Payload         map[string]any `json:"payload"`
}

// PublishResult is the answer of PublishEvents.
type PublishResult struct {
	Positions  []int64  `json:"positions"`
	IDs        []string `json:"ids"`
	Duplicates []bool   `json:"duplicates"`
}

// PublishEvents publishes one event (a single element is sent as one event) or a batch (all or nothing).
// Events without an ID get "<idempotency key>-<i>", so a retried call is stored once.
func (c *Client) PublishEvents(ctx context.Context, events []NewEvent, opts ...WriteOptions) (*PublishResult, error) {
	o := wo(opts)
	key := o.IdempotencyKey
	if key == "" {
		key = newKey()
	}
	list := make([]NewEvent, len(events))
	for i, e := range events {
		if e.ID == "" {
			e.ID = fmt.Sprintf("%s-%d", key, i)
		}
		list[i] = e
	}
	var body any = map[string]any{"events": list}
	if len(list) == 1 {
		body = list[0]
	}
	out := &PublishResult{}
	return out, c.Do(ctx, Request{Method: "POST", Path: "/v1/events", Body: body, IdempotencyKey: key, Headers: o.Headers}, out)
}

// EventQuery filters ListEvents.
type EventQuery struct {
	Stream, Type, Tenant string
	From, Limit          int
}

// ListEvents reads the history in log order.
func (c *Client) ListEvents(ctx context.Context, f EventQuery) (JSON, error) {
	v := q("stream", f.Stream, "type", f.Type, "tenant", f.Tenant)
	if f.From != 0 {
		v.Set("from", strconv.Itoa(f.From))
	}
	if f.Limit != 0 {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	var out JSON
	return out, c.Do(ctx, Request{Method: "GET", Path: "/v1/events", Query: v}, &out)
}

// ListSchemas lists every event type with its Avro schema.
func (c *Client) ListSchemas(ctx context.Context) (JSON, error) {
	var out JSON
	return out, c.Do(ctx, Request{Method: "GET", Path: "/v1/schemas"}, &out)
}

func (c *Client) post(ctx context.Context, path string, query url.Values, body any, o WriteOptions) (JSON, error) {
	var out JSON
	return out, c.Do(ctx, Request{Method: "POST", Path: path, Query: query, Body: body, IdempotencyKey: o.IdempotencyKey, Headers: o.Headers}, &out)
}

func (c *Client) get(ctx context.Context, path string, query url.Values) (JSON, error) {
	var out JSON
	return out, c.Do(ctx, Request{Method: "GET", Path: path, Query: query}, &out)
}

// ---- PCQ ----

// RegisterFixtures registers or updates fixture manifests.
func (c *Client) RegisterFixtures(ctx context.Context, fixtures []JSON, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/pcq/fixtures", nil, map[string]any{"fixtures": fixtures}, wo(opts))
}

// RecordReplays records replays; wait answers after checks and labels are made.
func (c *Client) RecordReplays(ctx context.Context, replays []JSON, wait bool, opts ...WriteOptions) (JSON, error) {
	var v url.Values
	if wait {
		v = q("wait", "true")
	}
	return c.post(ctx, "/v1/pcq/replays", v, map[string]any{"replays": replays}, wo(opts))
}

// ReportMissingReplays reports fixtures a CI shard did not deliver.
func (c *Client) ReportMissingReplays(ctx context.Context, report JSON, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/pcq/replays/missing", nil, report, wo(opts))
}

// TagRelease tags a release ({release, taggedAt}).
func (c *Client) TagRelease(ctx context.Context, release JSON, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/pcq/releases", nil, release, wo(opts))
}

// ListPcqReleases lists the tenant's releases: tagged ones in tag order, then those with replays but
// no tag (taggedAt null). tenant "" is the caller's; auditors and admins may name another.
func (c *Client) ListPcqReleases(ctx context.Context, tenant string) (JSON, error) {
	return c.get(ctx, "/v1/pcq/releases", q("tenant", tenant))
}

// AnomalyQuery filters ListAnomalies; Tenant "" is the caller's (auditors and admins may name another).
type AnomalyQuery struct{ FixtureID, Release, Label, Tenant string }

// ListAnomalies lists anomalies with their label, confidence, runbook and diff.
func (c *Client) ListAnomalies(ctx context.Context, f AnomalyQuery) ([]JSON, error) {
	var out []JSON
	return out, c.Do(ctx, Request{Method: "GET", Path: "/v1/pcq/anomalies", Query: q("fixtureId", f.FixtureID, "release", f.Release, "label", f.Label, "tenant", f.Tenant)}, &out)
}

// OverrideAnomalyLabel records a person's correction of a label ({label, by, reason}).
func (c *Client) OverrideAnomalyLabel(ctx context.Context, anomalyID string, override JSON, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/pcq/anomalies/"+seg(anomalyID)+"/label", nil, override, wo(opts))
}

// GetFixture returns a fixture's manifest, latest checks and status.
func (c *Client) GetFixture(ctx context.Context, fixtureID string) (JSON, error) {
	return c.get(ctx, "/v1/pcq/fixtures/"+seg(fixtureID), nil)
}

// ListClusters lists the anomaly clusters of a release. An optional tenant: auditors and admins may read another.
func (c *Client) ListClusters(ctx context.Context, release string, tenant ...string) (JSON, error) {
	return c.get(ctx, "/v1/pcq/clusters", q("release", release, "tenant", first(tenant)))
}

// GetAgreement returns the cross-runtime agreement of a release ("" for the latest). An optional
// tenant: auditors and admins may read another.
func (c *Client) GetAgreement(ctx context.Context, release string, tenant ...string) (JSON, error) {
	return c.get(ctx, "/v1/pcq/agreement", q("release", release, "tenant", first(tenant)))
}

// first is the optional trailing argument, or "".
func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// ExportOverrides returns the TriageOverridden payloads as JSON lines.
func (c *Client) ExportOverrides(ctx context.Context) (string, error) {
	var out string
	return out, c.Do(ctx, Request{Method: "GET", Path: "/v1/pcq/overrides", Text: true}, &out)
}

// ---- LAC ----

// ListLacBundles returns the bundle catalog (locale "" for English).
func (c *Client) ListLacBundles(ctx context.Context, locale string) (JSON, error) {
	var out JSON
	h := map[string]string{}
	if locale != "" {
		h["Accept-Language"] = locale
	}
	return out, c.Do(ctx, Request{Method: "GET", Path: "/v1/lac/bundles", Headers: h}, &out)
}

// DraftOptions are the authoring headers of DraftLacPolicy.
type DraftOptions struct {
	Author, Session, Locale, IdempotencyKey string
}

// DraftLacPolicy drafts a policy version: document is a JSON object (map/struct) or its YAML text (string).
func (c *Client) DraftLacPolicy(ctx context.Context, document any, opts ...DraftOptions) (JSON, error) {
	var o DraftOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	h := map[string]string{}
	for k, v := range map[string]string{"X-Lac-Author": o.Author, "X-Lac-Session": o.Session, "Accept-Language": o.Locale} {
		if v != "" {
			h[k] = v
		}
	}
	r := Request{Method: "POST", Path: "/v1/lac/policies", Headers: h, IdempotencyKey: o.IdempotencyKey}
	if s, ok := document.(string); ok {
		r.RawBody, r.ContentType = s, "application/yaml"
	} else {
		r.Body = document
	}
	var out JSON
	return out, c.Do(ctx, r, &out)
}

// LacDecide decides on an access request ({policy, request}).
func (c *Client) LacDecide(ctx context.Context, decide JSON, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/lac/decide", nil, decide, wo(opts))
}

// LacDiff answers the semantic diff of two policy versions ({from, to}: each an id, {id, version} or a document). Records nothing.
func (c *Client) LacDiff(ctx context.Context, diff JSON, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/lac/diff", nil, diff, wo(opts))
}

// PreviewLacPolicyVersion computes the blast radius of a version (windowDays 0 for the default 30).
func (c *Client) PreviewLacPolicyVersion(ctx context.Context, policyID, version string, windowDays int, opts ...WriteOptions) (JSON, error) {
	body := JSON{}
	if windowDays > 0 {
		body["windowDays"] = windowDays
	}
	return c.post(ctx, "/v1/lac/policies/"+seg(policyID)+"/versions/"+seg(version)+"/preview", nil, body, wo(opts))
}

// PromoteLacPolicyVersion promotes a version; ack ({by, reason, previewId}) may be nil. Without it a
// medium-or-higher risk answers ErrPreconditionFailed (details.reason ACK_REQUIRED, details.preview).
func (c *Client) PromoteLacPolicyVersion(ctx context.Context, policyID, version string, ack JSON, opts ...WriteOptions) (JSON, error) {
	var body any
	if ack != nil {
		body = ack
	}
	return c.post(ctx, "/v1/lac/policies/"+seg(policyID)+"/versions/"+seg(version)+"/promote", nil, body, wo(opts))
}

// GetLacPreview returns a recorded preview.
func (c *Client) GetLacPreview(ctx context.Context, previewID string) (JSON, error) {
	return c.get(ctx, "/v1/lac/previews/"+seg(previewID), nil)
}

// GetLacAnalytics returns author analytics (dates YYYY-MM-DD, "" for open).
func (c *Client) GetLacAnalytics(ctx context.Context, from, to string) (JSON, error) {
	return c.get(ctx, "/v1/lac/analytics", q("from", from, "to", to))
}

// PageQuery asks for a page of a list: Limit items (0: the server's default, 50) after Cursor
// (the previous page's nextCursor, "" for the first page); auditors and admins may name another Tenant.
type PageQuery struct {
	Limit  int
	Cursor string
	Tenant string
}

func (p PageQuery) values() url.Values {
	limit := ""
	if p.Limit > 0 {
		limit = strconv.Itoa(p.Limit)
	}
	return q("limit", limit, "cursor", p.Cursor, "tenant", p.Tenant)
}

// ListLacPolicies returns a page of the tenant's policies with their versions' states ({items, nextCursor}).
func (c *Client) ListLacPolicies(ctx context.Context, page PageQuery) (JSON, error) {
	return c.get(ctx, "/v1/lac/policies", page.values())
}

// GetLacPolicy returns one policy: versions with state and document, the active version, its newest changes ("" tenant: the caller's).
func (c *Client) GetLacPolicy(ctx context.Context, policyID, tenant string) (JSON, error) {
	return c.get(ctx, "/v1/lac/policies/"+seg(policyID), q("tenant", tenant))
}

// AuthoringSession opens a time-to-author session: SessionID ("" for a new one), Client (e.g. "console"), Author ("" for the key id).
type AuthoringSession struct {
	SessionID string `json:"sessionId,omitempty"`
	Client    string `json:"client,omitempty"`
	Author    string `json:"-"`
}

// OpenLacAuthoringSession records that an author opened an editor; send the answer's sessionId as the drafts' Session.
func (c *Client) OpenLacAuthoringSession(ctx context.Context, s AuthoringSession, opts ...WriteOptions) (JSON, error) {
	o := wo(opts)
	if s.Author != "" {
		h := map[string]string{"X-Lac-Author": s.Author}
		for k, v := range o.Headers {
			h[k] = v
		}
		o.Headers = h
	}
	return c.post(ctx, "/v1/lac/sessions", nil, s, o)
}

// ---- ops ----

// GetSloReport returns error budgets and burn rates ("" for every SLO).
func (c *Client) GetSloReport(ctx context.Context, slo string) (JSON, error) {
	return c.get(ctx, "/v1/ops/slo", q("slo", slo))
}

// ReceiveAlertmanagerWebhook posts Alertmanager's webhook payload; each alert occurrence is
// recorded once as AlertFired (and AlertResolved when resolved).
func (c *Client) ReceiveAlertmanagerWebhook(ctx context.Context, payload JSON, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/ops/alertmanager", nil, payload, wo(opts))
}

// ListAlerts returns the alerts Alertmanager delivered with time to detect / acknowledge /
// resolve, and the timings over the pages (state "" for all; limit 0 for the default).
func (c *Client) ListAlerts(ctx context.Context, state string, limit int) (JSON, error) {
	l := ""
	if limit > 0 {
		l = strconv.Itoa(limit)
	}
	return c.get(ctx, "/v1/ops/alerts", q("state", state, "limit", l))
}

// GetAlert returns one alert occurrence.
func (c *Client) GetAlert(ctx context.Context, alertID string) (JSON, error) {
	return c.get(ctx, "/v1/ops/alerts/"+seg(alertID), nil)
}

// AcknowledgeAlert records AlertAcknowledged once ("" by = the key's tenant); again answers the
// first acknowledgement (already: true).
func (c *Client) AcknowledgeAlert(ctx context.Context, alertID, by, note string, opts ...WriteOptions) (JSON, error) {
	body := JSON{}
	if by != "" {
		body["by"] = by
	}
	if note != "" {
		body["note"] = note
	}
	return c.post(ctx, "/v1/ops/alerts/"+seg(alertID)+"/ack", nil, body, wo(opts))
}

// ---- ZK-TX ----

// CommitSet commits a set of leaves (computed with LeavesOf; raw selectors never leave the caller).
func (c *Client) CommitSet(ctx context.Context, setID string, pepperVersion int, leaves []string, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/zk/sets", nil, JSON{"setId": setID, "pepperVersion": pepperVersion, "leaves": leaves}, wo(opts))
}

// GetSet returns one of the caller's sets.
func (c *Client) GetSet(ctx context.Context, setID string) (JSON, error) {
	return c.get(ctx, "/v1/zk/sets/"+seg(setID), nil)
}

// ListSets returns a page of the tenant's committed sets ({items, nextCursor}).
func (c *Client) ListSets(ctx context.Context, page PageQuery) (JSON, error) {
	return c.get(ctx, "/v1/zk/sets", page.values())
}

// ListProofJobs returns a page of the tenant's proof jobs, newest first, with status, latency and answer (GetProofJob has the proof).
func (c *Client) ListProofJobs(ctx context.Context, page PageQuery) (JSON, error) {
	return c.get(ctx, "/v1/zk/jobs", page.values())
}

// ProofJobRequest asks whether Query (a leaf from LeafOf) is in Counterparty's set.
type ProofJobRequest struct {
	Counterparty  string `json:"counterparty,omitempty"`
	SetID         string `json:"setId"`
	Query         string `json:"query"`
	PepperVersion int    `json:"pepperVersion"`
	BudgetMs      int    `json:"budgetMs,omitempty"`
}

// SubmitProofJob submits a proof job; the answer carries its jobId.
func (c *Client) SubmitProofJob(ctx context.Context, job ProofJobRequest, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/zk/jobs", nil, job, wo(opts))
}

// ProofJob is GET /v1/zk/jobs/{jobId}.
type ProofJob struct {
	JobID         string         `json:"jobId"`
	Status        string         `json:"status"`
	Counterparty  string         `json:"counterparty"`
	SetID         string         `json:"setId"`
	Root          string         `json:"root"`
	PepperVersion int            `json:"pepperVersion"`
	Result        *ProofResult   `json:"result"`
	Error         *string        `json:"error"`
	Reasons       []string       `json:"reasons"`
	Timings       map[string]any `json:"timings"`
}

// ProofResult is a done job's answer and proof.
type ProofResult struct {
	Overlap       bool         `json:"overlap"`
	Check         int          `json:"check"`
	Proof         Groth16Proof `json:"proof"`
	PublicSignals []string     `json:"publicSignals"`
	Circuit       string       `json:"circuit"`
	VkHash        string       `json:"vkHash"`
}

// GetProofJob returns a job's status and, when done, its proof.
func (c *Client) GetProofJob(ctx context.Context, jobID string) (*ProofJob, error) {
	out := &ProofJob{}
	return out, c.Do(ctx, Request{Method: "GET", Path: "/v1/zk/jobs/" + seg(jobID)}, out)
}

// GetVerificationKey returns a circuit's snarkjs verification key.
func (c *Client) GetVerificationKey(ctx context.Context, circuit string) (*VerificationKey, error) {
	out := &VerificationKey{}
	return out, c.Do(ctx, Request{Method: "GET", Path: "/v1/zk/verification-keys/" + seg(circuit)}, out)
}

// GetPepperVersion returns the current pepper version ({version}).
func (c *Client) GetPepperVersion(ctx context.Context) (JSON, error) {
	return c.get(ctx, "/v1/zk/pepper", nil)
}

// ActivatePepperVersion (admin) activates a new pepper version.
func (c *Client) ActivatePepperVersion(ctx context.Context, version int, opts ...WriteOptions) (JSON, error) {
	return c.post(ctx, "/v1/zk/pepper", nil, JSON{"version": version}, wo(opts))
}

// WaitForProofJob polls until the job is done or failed (ErrUnavailable after timeout; 0 for 2 minutes).
func (c *Client) WaitForProofJob(ctx context.Context, jobID string, timeout time.Duration) (*ProofJob, error) {
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	deadline := time.Now().Add(timeout)
	poll := 200 * time.Millisecond
	for {
		job, err := c.GetProofJob(ctx, jobID)
		if err != nil {
			return nil, err
		}
		if job.Status == "done" || job.Status == "failed" {
			return job, nil
		}
		if time.Now().Add(poll).After(deadline) {
			return job, &Error{Code: "UNAVAILABLE", Message: fmt.Sprintf("job %s still %s after %s", jobID, job.Status, timeout), Details: map[string]any{"jobId": jobID, "status": job.Status}}
		}
		if err := c.Sleep(ctx, poll); err != nil {
			return job, &Error{Code: "UNAVAILABLE", Message: err.Error(), Details: map[string]any{}}
		}
		poll = min(poll*3/2, 2*time.Second)
	}
}

// VerifyProof verifies a done job's proof locally, fetching its circuit's verification key unless vk
// is given. True only for a valid proof.
func (c *Client) VerifyProof(ctx context.Context, job *ProofJob, vk *VerificationKey) (bool, error) {
	if job == nil || job.Result == nil {
		return false, errors.New("the job has no proof (not done)")
	}
	if vk == nil {
		var err error
		if vk, err = c.GetVerificationKey(ctx, job.Result.Circuit); err != nil {
			return false, err
		}
	}
	return VerifyGroth16(*vk, job.Result.PublicSignals, job.Result.Proof), nil
}
