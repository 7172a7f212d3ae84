import json
import time

import pytest

import trust_fabric as tf
from trust_fabric.client import _Response, parse_retry_after


def answer(status, body, headers=None):
    return _Response(status, {k.lower(): v for k, v in (headers or {}).items()}, json.dumps(body).encode())


class Fake:
    def __init__(self, replies):
        self.replies, self.calls = list(replies), []

    def __call__(self, method, url, headers, body, timeout):
        self.calls.append({"method": method, "url": url, "headers": dict(headers), "body": json.loads(body) if body else None})
        r = self.replies.pop(0)
        if isinstance(r, Exception):
            raise r
        return r


def test_retries_honour_retry_after_and_keep_the_idempotency_key():
    fake = Fake([answer(429, {"code": "RATE_LIMITED", "message": "slow", "details": {}}, {"Retry-After": "2"}),
                 answer(503, {"code": "UNAVAILABLE", "message": "busy", "details": {}}),
                 answer(202, {"positions": [1], "ids": ["x"], "duplicates": [False]})])
    sleeps = []
    c = tf.TrustClient("http://sdk.invalid", api_key="k", transport=fake, sleep=sleeps.append)
    c.publish_events({"type": "T", "stream": "s", "payload": {}})
    assert len(fake.calls) == 3
    assert len({x["headers"]["idempotency-key"] for x in fake.calls}) == 1
    assert len({x["body"]["id"] for x in fake.calls}) == 1
    assert fake.calls[0]["headers"]["authorization"] == "Bearer k"
    assert sleeps[0] == 2
    assert 0.2 <= sleeps[1] <= 0.4


def test_gives_up_with_the_typed_error_and_does_not_retry_4xx():
    fake = Fake([answer(429, {"code": "RATE_LIMITED", "message": "m", "details": {}}, {"Retry-After": "1"})] * 3)
    c = tf.TrustClient("http://sdk.invalid", max_retries=2, transport=fake, sleep=lambda s: None)
    with pytest.raises(tf.RateLimitedError) as e:
        c.list_events()
    assert e.value.retry_after == 1 and e.value.status == 429 and len(fake.calls) == 3
    fake = Fake([answer(400, {"code": "VALIDATION_FAILED", "message": "m", "details": {"problems": [{"field": "a", "problem": "b"}]}})])
    with pytest.raises(tf.ValidationFailedError) as e:
        tf.TrustClient("http://sdk.invalid", transport=fake).list_events()
    assert e.value.problems == [{"field": "a", "problem": "b"}] and len(fake.calls) == 1


def test_connection_failures_and_timeouts_end_as_unavailable():
    with pytest.raises(tf.UnavailableError):
        tf.TrustClient("http://127.0.0.1:1", max_retries=1, sleep=lambda s: None).health()
    fake = Fake([TimeoutError("timed out")])
    with pytest.raises(tf.UnavailableError) as e:
        tf.TrustClient("http://sdk.invalid", timeout=0.05, max_retries=0, transport=fake).health()
    assert e.value.details["timeout"] is True


def test_retry_after_forms_and_status_mapping():
    assert parse_retry_after("3") == 3
    assert parse_retry_after(time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 5))) > 3
    assert parse_retry_after("soon") is None
    fake = Fake([_Response(404, {}, b"<html>nope</html>")])
    with pytest.raises(tf.NotFoundError):
        tf.TrustClient("http://sdk.invalid", transport=fake).health()


def note(text):
    return {"type": "AnnotationAdded", "stream": "sdk-py", "payload": {"subject": "s", "text": text, "author": "sdk", "tags": []}}


def test_live_events_and_errors(live):
    c = tf.TrustClient(live["url"], api_key=live["key"], timeout=10)
    a = c.publish_events(note("one"), idempotency_key="py-k1")
    b = c.publish_events(note("one"), idempotency_key="py-k1")
    assert b["positions"] == a["positions"] and b["duplicates"] == [True]
    c.publish_events([note("two"), note("three")])
    assert [e["payload"]["text"] for e in c.list_events(stream="sdk-py")["events"]] == ["one", "two", "three"]
    assert c.health()["status"] == "ok"
    assert c.list_schemas()["schemas"]
    with pytest.raises(tf.UnauthenticatedError):
        tf.TrustClient(live["url"], api_key="tf_bad").list_events()
    with pytest.raises(tf.UnknownEventTypeError) as e:
        c.publish_events({"type": "NoSuch", "stream": "s", "payload": {}})
    assert e.value.status == 422 and e.value.problems
    with pytest.raises(tf.VersionConflictError):
        c.publish_events({**note("x"), "expectedVersion": 0})
    with pytest.raises(tf.ForbiddenError):
        c.publish_events({**note("x"), "tenant": "other"})
    with pytest.raises(tf.ValidationFailedError):
        c.list_events(limit=0)
    with pytest.raises(tf.NotFoundError):
        c.get_fixture("nope")


def test_live_pcq_and_lac(live):
    c = tf.TrustClient(live["url"], api_key=live["key"])
    fixture = {"fixtureId": "py-fx", "seed": 1, "libs": {"numpy": "1.26.4"}, "dataChecksum": "sha256:1", "baselineRuntime": {"device": "cpu", "os": "linux"}}
    assert c.register_fixtures([fixture])["registered"] == ["py-fx"]
    c.tag_release({"release": "3.0.0", "taggedAt": "2026-11-01T00:00:00Z"})

    def replay(run_id, device, accuracy):
        return {"runId": run_id, "fixtureId": "py-fx", "release": "3.0.0", "runtime": {"device": device, "os": "linux"}, "seed": 1,
                "libs": {"numpy": "1.26.4"}, "dataChecksum": "sha256:1", "metrics": {"accuracy": accuracy}}
    assert c.record_replays([replay("a", "cpu", 0.9), replay("b", "gpu", 0.2)], wait=True)["recorded"] == 2
    anomalies = c.list_anomalies(release="3.0.0")
    assert anomalies
    assert c.get_fixture("py-fx")["fixtureId"] == "py-fx"
    assert c.list_clusters("3.0.0")["release"] == "3.0.0"
    assert isinstance(c.get_agreement()["fixtures"], int)
    assert "3.0.0" in [r["release"] for r in c.list_pcq_releases()["releases"]]
    c.override_anomaly_label(anomalies[0]["anomalyId"], {"label": "regression", "by": "py", "reason": "real drop"})
    assert "regression" in c.export_overrides()
    assert c.report_missing_replays({"release": "3.0.0", "runtime": {"device": "gpu", "os": "macos"}, "shard": "1/1", "fixtureIds": ["py-fx"]})["missing"] == 1

    policy = {"id": "py-gate", "version": "1.0.0", "mode": "enforce", "default": "allow", "bundles": [{"ref": "clearance.classification-gate@^1"}]}
    assert c.list_lac_bundles(locale="fr")["bundles"]
    assert c.draft_lac_policy(policy)["valid"] is True
    assert c.draft_lac_policy("id: py-gate\nversion: 1.1.0\nmode: enforce\ndefault: deny\n", author="py")["valid"] is True

    def request(clearance):
        return {"subject": {"id": "ana", "tenant": "acme", "clearance": clearance}, "action": "query",
                "resource": {"dataset": "d", "tenant": "acme", "classification": "P2", "region": "eu"}}
    assert c.lac_decide({"policy": policy, "request": request("P3")})["decision"] == "deny"
    assert c.promote_lac_policy_version("py-gate", "1.0.0")["promoted"] is True
    for cl in ("P0", "P1", "P3"):
        c.lac_decide({"policy": "py-gate", "request": request(cl)})
    preview = c.preview_lac_policy_version("py-gate", "1.1.0", window_days=7)
    diff = c.lac_diff({"from": "py-gate", "to": {"id": "py-gate", "version": "1.1.0"}})
    assert diff["widenings"] == 0 and diff["narrowings"] > 0 and diff["counterexamples"]
    assert preview["semantic"]["narrowings"] == diff["narrowings"]
    assert c.get_lac_preview(preview["previewId"])["previewId"] == preview["previewId"]
    try:
        promoted = c.promote_lac_policy_version("py-gate", "1.1.0")
    except tf.PreconditionFailedError as e:
        promoted = c.promote_lac_policy_version("py-gate", "1.1.0", {"by": "ana", "reason": "reviewed the blast radius", "previewId": e.details["preview"]["previewId"]})
    assert promoted["promoted"] is True
    assert isinstance(c.get_lac_analytics()["drafts"], int)
    page = c.list_lac_policies(limit=1)
    assert [p["policyId"] for p in page["items"]] == ["py-gate"] and page["nextCursor"] is None
    gate = c.get_lac_policy("py-gate")
    assert gate["activeVersion"] == "1.1.0" and [v["state"] for v in gate["versions"]] == ["promoted", "promoted"]
    opened = c.open_lac_authoring_session(client="sdk-py", author="py")
    assert opened["author"] == "py" and opened["duplicate"] is False
    assert c.open_lac_authoring_session(session_id=opened["sessionId"])["duplicate"] is True
    with pytest.raises(tf.ValidationFailedError):
        c.list_lac_policies(limit=0)
    with pytest.raises(tf.NotFoundError):
        c.get_lac_policy("nope")
    with pytest.raises(tf.ForbiddenError):
        c.get_slo_report()
    assert "slos" in tf.TrustClient(live["url"], api_key=live["admin"]).get_slo_report()


def test_live_alerts_webhook_and_acknowledge(live):
    admin = tf.TrustClient(live["url"], api_key=live["admin"])
    starts = "2026-12-02T10:00:00.000Z"
    alert_id = "beef02-1796205600000"
    delivery = {"version": "4", "receiver": "trust-pages", "status": "firing",
                "alerts": [{"status": "firing", "labels": {"alertname": "IngestAvailabilityFastBurn", "severity": "page"}, "annotations": {}, "startsAt": starts, "fingerprint": "beef02"}]}
    first = admin.receive_alertmanager_webhook(delivery)
    assert first["alerts"] == [alert_id]
    assert admin.receive_alertmanager_webhook(delivery)["recorded"] == 0
    assert alert_id in [a["id"] for a in admin.list_alerts(state="open", limit=50)["alerts"]]
    assert admin.acknowledge_alert(alert_id, by="py")["alert"]["acknowledgedBy"] == "py"
    assert admin.acknowledge_alert(alert_id)["already"] is True
    assert admin.get_alert(alert_id)["state"] == "acknowledged"
    with pytest.raises(tf.ForbiddenError):
        tf.TrustClient(live["url"], api_key=live["key"]).list_alerts()
    with pytest.raises(tf.NotFoundError):
        admin.get_alert("abc-1")
    with pytest.raises(tf.ValidationFailedError):
        admin.acknowledge_alert(alert_id, by="")


def test_live_zk_set_job_wait_verify(live):
    owner = tf.TrustClient(live["url"], api_key=live["key"])
    partner = tf.TrustClient(live["url"], api_key=live["partner"])
    pepper = "5f1d3a9c0b7e24e8a1c6f09d3b2e7a4c8d1f6e0a9b3c5d7e2f4a6b8c0d1e3f5a"
    version = owner.get_pepper_version()["version"]
    leaves = sorted(set(tf.leaves_of(["alice@example.com", "bob@example.org", "carol@example.net"], pepper)))
    committed = owner.commit_set("py-set", version, leaves)
    assert committed["size"] == 3
    assert owner.get_set("py-set")["root"] == committed["root"]
    job = partner.submit_proof_job("py-set", tf.leaf_of("  Bob@Example.ORG ", pepper), version, counterparty="acme")
    done = partner.wait_for_proof_job(job["jobId"], timeout=120)
    assert done["status"] == "done" and done["result"]["overlap"] is True
    assert partner.verify_proof(done) is True
    forged = {**done, "result": {**done["result"], "publicSignals": ["0"] + done["result"]["publicSignals"][1:]}}
    assert partner.verify_proof(forged) is False
    with pytest.raises(tf.NotFoundError):
        owner.get_proof_job(job["jobId"])
    assert [(j["jobId"], j["status"], j["overlap"]) for j in partner.list_proof_jobs()["items"]] == [(job["jobId"], "done", True)]
    assert [s["setId"] for s in owner.list_sets(limit=5)["items"]] == ["py-set"]
    with pytest.raises(tf.ForbiddenError):
        partner.list_sets(tenant="acme")
