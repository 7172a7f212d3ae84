package trustfabric

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func TestRetriesHonourRetryAfterAndKeepTheIdempotencyKey(t *testing.T) {
	var keys, ids []string
	replies := []int{429, 503, 202}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var e map[string]any
		_ = json.Unmarshal(b, &e)
		keys, ids = append(keys, r.Header.Get("Idempotency-Key")), append(ids, fmt.Sprint(e["id"]))
		status := replies[0]
		replies = replies[1:]
		w.Header().Set("Content-Type", "application/json")
		switch status {
		case 429:
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(429)
			fmt.Fprint(w, `{"code":"RATE_LIMITED","message":"slow","details":{}}`)
		case 503:
			w.WriteHeader(503)
			fmt.Fprint(w, `{"code":"UNAVAILABLE","message":"busy","details":{}}`)
		default:
			w.WriteHeader(202)
			fmt.Fprint(w, `{"positions":[1],"ids":["x"],"duplicates":[false]}`)
		}
	}))
	defer srv.Close()
	var sleeps []time.Duration
	c := NewClient(srv.URL, WithAPIKey("k"))
	c.Sleep = func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }
	res, err := c.PublishEvents(context.Background(), []NewEvent{{Type: "T", Stream: "s", Payload: map[string]any{}}})
	if err != nil || res.Positions[0] != 1 {
		t.Fatal(res, err)
	}
	if len(keys) != 3 || keys[0] != keys[1] || keys[1] != keys[2] || keys[0] == "" || ids[0] != ids[2] {
		t.Fatalf("keys %v ids %v", keys, ids)
	}
	if sleeps[0] != 2*time.Second || sleeps[1] < 200*time.Millisecond || sleeps[1] > 400*time.Millisecond {
		t.Fatalf("sleeps %v", sleeps)
	}
}

func TestGivesUpWithTheTypedErrorAndDoesNotRetry4xx(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if strings.Contains(r.URL.Path, "events") {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			fmt.Fprint(w, `{"code":"RATE_LIMITED","message":"m","details":{}}`)
			return
		}
		w.WriteHeader(400)
		fmt.Fprint(w, `{"code":"VALIDATION_FAILED","message":"m","details":{"problems":[{"field":"a","problem":"b"}]}}`)
	}))
	defer srv.Close()
	c := NewClient(srv.URL, WithMaxRetries(2))
	c.Sleep = func(context.Context, time.Duration) error { return nil }
	_, err := c.ListEvents(context.Background(), EventQuery{})
	var e *Error
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &e) || e.RetryAfter != time.Second || e.Status != 429 || calls != 3 {
		t.Fatal(err, calls)
	}
	calls = 0
	_, err = c.GetFixture(context.Background(), "x")
	if !errors.Is(err, ErrValidationFailed) || errors.Is(err, ErrNotFound) || calls != 1 || !errors.As(err, &e) || e.Problems()[0]["field"] != "a" {
		t.Fatal(err, calls)
	}
}

func TestConnectionFailuresAndTimeoutsEndAsUnavailable(t *testing.T) {
	c := NewClient("http://127.0.0.1:1", WithMaxRetries(1))
	c.Sleep = func(context.Context, time.Duration) error { return nil }
	if _, err := c.Health(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer srv.Close()
	slow := NewClient(srv.URL, WithTimeout(50*time.Millisecond), WithMaxRetries(0))
	_, err := slow.Health(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Code != "UNAVAILABLE" || e.Details["timeout"] != true {
		t.Fatal(err)
	}
}

func TestRetryAfterFormsAndStatusMapping(t *testing.T) {
	if d, ok := ParseRetryAfter("3", time.Now()); !ok || d != 3*time.Second {
		t.Fatal(d)
	}
	if d, ok := ParseRetryAfter(time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat), time.Now()); !ok || d < 3*time.Second {
		t.Fatal(d)
	}
	if _, ok := ParseRetryAfter("soon", time.Now()); ok {
		t.Fatal("soon parsed")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404); fmt.Fprint(w, "<html>") }))
	defer srv.Close()
	if _, err := NewClient(srv.URL).Health(context.Background()); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}

type liveEnv struct{ url, key, partner, admin string }

func live(t *testing.T) liveEnv {
	u := os.Getenv("TRUST_URL")
	if u == "" {
		t.Skip("no live service: run through sdk/testing/with-server.sh (make test-sdk-go)")
	}
	return liveEnv{u, os.Getenv("TRUST_KEY"), os.Getenv("TRUST_PARTNER_KEY"), os.Getenv("TRUST_ADMIN_KEY")}
}

func note(text string) NewEvent {
	return NewEvent{Type: "AnnotationAdded", Stream: "sdk-go", Payload: map[string]any{"subject": "s", "text": text, "author": "sdk", "tags": []string{}}}
}

func TestLiveEventsAndErrors(t *testing.T) {
	env := live(t)
	ctx := context.Background()
	c := NewClient(env.url, WithAPIKey(env.key), WithTimeout(10*time.Second))
	a, err := c.PublishEvents(ctx, []NewEvent{note("one")}, WriteOptions{IdempotencyKey: "go-k1"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.PublishEvents(ctx, []NewEvent{note("one")}, WriteOptions{IdempotencyKey: "go-k1"})
	if err != nil || b.Positions[0] != a.Positions[0] || !b.Duplicates[0] {
		t.Fatal(b, err)
	}
	if _, err := c.PublishEvents(ctx, []NewEvent{note("two"), note("three")}); err != nil {
		t.Fatal(err)
	}
	page, err := c.ListEvents(ctx, EventQuery{Stream: "sdk-go"})
	if err != nil || len(page["events"].([]any)) != 3 {
		t.Fatal(page, err)
	}
	if h, err := c.Health(ctx); err != nil || h["status"] != "ok" {
		t.Fatal(h, err)
	}
	if s, err := c.ListSchemas(ctx); err != nil || len(s["schemas"].([]any)) == 0 {
		t.Fatal(err)
	}
	if _, err := NewClient(env.url, WithAPIKey("tf_bad")).ListEvents(ctx, EventQuery{}); !errors.Is(err, ErrUnauthenticated) {
		t.Fatal(err)
	}
	_, err = c.PublishEvents(ctx, []NewEvent{{Type: "NoSuch", Stream: "s", Payload: map[string]any{}}})
	var e *Error
	if !errors.Is(err, ErrUnknownEventType) || !errors.As(err, &e) || e.Status != 422 || len(e.Problems()) == 0 {
		t.Fatal(err)
	}
	zero := 0
	ev := note("x")
	ev.ExpectedVersion = &zero
	if _, err := c.PublishEvents(ctx, []NewEvent{ev}); !errors.Is(err, ErrVersionConflict) {
		t.Fatal(err)
	}
	ev = note("x")
	ev.Tenant = "other"
	if _, err := c.PublishEvents(ctx, []NewEvent{ev}); !errors.Is(err, ErrForbidden) {
		t.Fatal(err)
	}
	if _, err := c.GetFixture(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}

func TestLivePcqAndLac(t *testing.T) {
	env := live(t)
	ctx := context.Background()
	c := NewClient(env.url, WithAPIKey(env.key))
	must := func(v JSON, err error) JSON {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	fixture := JSON{"fixtureId": "go-fx", "seed": 1, "libs": JSON{"numpy": "1.26.4"}, "dataChecksum": "sha256:1", "baselineRuntime": JSON{"device": "cpu", "os": "linux"}}
	must(c.RegisterFixtures(ctx, []JSON{fixture}))
	must(c.TagRelease(ctx, JSON{"release": "4.0.0", "taggedAt": "2026-11-01T00:00:00Z"}))
	replay := func(id, device string, acc float64) JSON {
		return JSON{"runId": id, "fixtureId": "go-fx", "release": "4.0.0", "runtime": JSON{"device": device, "os": "linux"}, "seed": 1, "libs": JSON{"numpy": "1.26.4"}, "dataChecksum": "sha256:1", "metrics": JSON{"accuracy": acc}}
	}
	if r := must(c.RecordReplays(ctx, []JSON{replay("a", "cpu", 0.9), replay("b", "gpu", 0.2)}, true)); r["recorded"].(float64) != 2 {
		t.Fatal(r)
	}
	anomalies, err := c.ListAnomalies(ctx, AnomalyQuery{Release: "4.0.0"})
	if err != nil || len(anomalies) == 0 {
		t.Fatal(anomalies, err)
	}
	must(c.GetFixture(ctx, "go-fx"))
	must(c.ListClusters(ctx, "4.0.0"))
	must(c.GetAgreement(ctx, ""))
	if rel := must(c.ListPcqReleases(ctx, "")); !strings.Contains(fmt.Sprint(rel["releases"]), "4.0.0") {
		t.Fatal(rel)
	}
	must(c.OverrideAnomalyLabel(ctx, anomalies[0]["anomalyId"].(string), JSON{"label": "regression", "by": "go", "reason": "real drop"}))
	if s, err := c.ExportOverrides(ctx); err != nil || !strings.Contains(s, "regression") {
		t.Fatal(s, err)
	}
	must(c.ReportMissingReplays(ctx, JSON{"release": "4.0.0", "runtime": JSON{"device": "gpu", "os": "macos"}, "shard": "1/1", "fixtureIds": []string{"go-fx"}}))

	policy := JSON{"id": "go-gate", "version": "1.0.0", "mode": "enforce", "default": "allow", "bundles": []JSON{{"ref": "clearance.classification-gate@^1"}}}
	must(c.ListLacBundles(ctx, "fr"))
	if d := must(c.DraftLacPolicy(ctx, policy)); d["valid"] != true {
		t.Fatal(d)
	}
	if d := must(c.DraftLacPolicy(ctx, "id: go-gate\nversion: 1.1.0\nmode: enforce\ndefault: deny\n", DraftOptions{Author: "go"})); d["valid"] != true {
		t.Fatal(d)
	}
	request := func(cl string) JSON {
		return JSON{"subject": JSON{"id": "ana", "tenant": "acme", "clearance": cl}, "action": "query", "resource": JSON{"dataset": "d", "tenant": "acme", "classification": "P2", "region": "eu"}}
	}
	if d := must(c.LacDecide(ctx, JSON{"policy": policy, "request": request("P3")})); d["decision"] != "deny" {
		t.Fatal(d)
	}
	must(c.PromoteLacPolicyVersion(ctx, "go-gate", "1.0.0", nil))
	for _, cl := range []string{"P0", "P1", "P3"} {
		must(c.LacDecide(ctx, JSON{"policy": "go-gate", "request": request(cl)}))
	}
	preview := must(c.PreviewLacPolicyVersion(ctx, "go-gate", "1.1.0", 7))
	diff := must(c.LacDiff(ctx, JSON{"from": "go-gate", "to": JSON{"id": "go-gate", "version": "1.1.0"}}))
	if diff["widenings"] != float64(0) || diff["narrowings"].(float64) == 0 || len(diff["counterexamples"].([]any)) == 0 {
		t.Fatal(diff)
	}
	must(c.GetLacPreview(ctx, preview["previewId"].(string)))
	promoted, err := c.PromoteLacPolicyVersion(ctx, "go-gate", "1.1.0", nil)
	var e *Error
	if errors.Is(err, ErrPreconditionFailed) && errors.As(err, &e) {
		p := e.Details["preview"].(map[string]any)
		promoted = must(c.PromoteLacPolicyVersion(ctx, "go-gate", "1.1.0", JSON{"by": "ana", "reason": "reviewed the blast radius", "previewId": p["previewId"]}))
	} else if err != nil {
		t.Fatal(err)
	}
	if promoted["promoted"] != true {
		t.Fatal(promoted)
	}
	must(c.GetLacAnalytics(ctx, "", ""))
	page := must(c.ListLacPolicies(ctx, PageQuery{Limit: 1}))
	if items := page["items"].([]any); len(items) != 1 || items[0].(map[string]any)["policyId"] != "go-gate" || page["nextCursor"] != nil {
		t.Fatal(page)
	}
	if gate := must(c.GetLacPolicy(ctx, "go-gate", "")); gate["activeVersion"] != "1.1.0" || len(gate["versions"].([]any)) != 2 {
		t.Fatal(gate)
	}
	opened := must(c.OpenLacAuthoringSession(ctx, AuthoringSession{Client: "sdk-go", Author: "go"}))
	if opened["author"] != "go" || opened["duplicate"] != false {
		t.Fatal(opened)
	}
	if again := must(c.OpenLacAuthoringSession(ctx, AuthoringSession{SessionID: opened["sessionId"].(string)})); again["duplicate"] != true {
		t.Fatal(again)
	}
	if _, err := c.GetLacPolicy(ctx, "nope", ""); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := c.GetSloReport(ctx, ""); !errors.Is(err, ErrForbidden) {
		t.Fatal(err)
	}
	must(NewClient(env.url, WithAPIKey(env.admin)).GetSloReport(ctx, ""))
}

func TestLiveAlertsWebhookAndAcknowledge(t *testing.T) {
	env := live(t)
	ctx := context.Background()
	admin := NewClient(env.url, WithAPIKey(env.admin))
	id := "beef03-1796205600000"
	delivery := JSON{"version": "4", "receiver": "trust-pages", "status": "firing", "alerts": []JSON{{
		"status": "firing", "labels": JSON{"alertname": "IngestAvailabilityFastBurn", "severity": "page"}, "annotations": JSON{},
		"startsAt": "2026-12-02T10:00:00.000Z", "fingerprint": "beef03",
	}}}
	if _, err := admin.ReceiveAlertmanagerWebhook(ctx, delivery); err != nil {
		t.Fatal(err)
	}
	again, err := admin.ReceiveAlertmanagerWebhook(ctx, delivery)
	if err != nil || again["recorded"] != float64(0) {
		t.Fatal(again, err)
	}
	if _, err := admin.ListAlerts(ctx, "open", 50); err != nil {
		t.Fatal(err)
	}
	acked, err := admin.AcknowledgeAlert(ctx, id, "go", "")
	if err != nil || acked["already"] != false {
		t.Fatal(acked, err)
	}
	if again, err := admin.AcknowledgeAlert(ctx, id, "", ""); err != nil || again["already"] != true {
		t.Fatal(again, err)
	}
	if a, err := admin.GetAlert(ctx, id); err != nil || a["acknowledgedBy"] != "go" {
		t.Fatal(a, err)
	}
	if _, err := NewClient(env.url, WithAPIKey(env.key)).ListAlerts(ctx, "", 0); !errors.Is(err, ErrForbidden) {
		t.Fatal(err)
	}
	if _, err := admin.GetAlert(ctx, "abc-1"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}

func TestLiveZkSetJobWaitVerify(t *testing.T) {
	env := live(t)
	ctx := context.Background()
	owner, partner := NewClient(env.url, WithAPIKey(env.key)), NewClient(env.url, WithAPIKey(env.partner))
	pepper := "5f1d3a9c0b7e24e8a1c6f09d3b2e7a4c8d1f6e0a9b3c5d7e2f4a6b8c0d1e3f5a"
	pv, err := owner.GetPepperVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	version := int(pv["version"].(float64))
	leaves, _ := LeavesOf([]string{"alice@example.com", "bob@example.org", "carol@example.net"}, pepper)
	set, err := owner.CommitSet(ctx, "go-set", version, leaves)
	if err != nil || set["size"].(float64) != 3 {
		t.Fatal(set, err)
	}
	if s, err := owner.GetSet(ctx, "go-set"); err != nil || s["root"] != set["root"] {
		t.Fatal(s, err)
	}
	query, _ := LeafOf("  Bob@Example.ORG ", pepper)
	job, err := partner.SubmitProofJob(ctx, ProofJobRequest{Counterparty: "acme", SetID: "go-set", Query: query, PepperVersion: version})
	if err != nil {
		t.Fatal(err)
	}
	done, err := partner.WaitForProofJob(ctx, job["jobId"].(string), 2*time.Minute)
	if err != nil || done.Status != "done" || !done.Result.Overlap {
		t.Fatal(done, err)
	}
	if ok, err := partner.VerifyProof(ctx, done, nil); !ok || err != nil {
		t.Fatal("proof did not verify", err)
	}
	forged := *done
	r := *done.Result
	r.PublicSignals = append([]string{"0"}, r.PublicSignals[1:]...)
	forged.Result = &r
	if ok, _ := partner.VerifyProof(ctx, &forged, nil); ok {
		t.Fatal("forged proof verified")
	}
	if _, err := owner.GetProofJob(ctx, job["jobId"].(string)); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	jobs, err := partner.ListProofJobs(ctx, PageQuery{})
	if items, _ := jobs["items"].([]any); err != nil || len(items) != 1 || items[0].(map[string]any)["jobId"] != job["jobId"] || items[0].(map[string]any)["overlap"] != true {
		t.Fatal(jobs, err)
	}
	sets, err := owner.ListSets(ctx, PageQuery{Limit: 5})
	if items, _ := sets["items"].([]any); err != nil || len(items) != 1 || items[0].(map[string]any)["setId"] != "go-set" {
		t.Fatal(sets, err)
	}
	if _, err := partner.ListSets(ctx, PageQuery{Tenant: "acme"}); !errors.Is(err, ErrForbidden) {
		t.Fatal(err)
	}
}
