"""TrustClient: one method per operation of sdk/spec/openapi.yaml (its operationId in snake_case),
plus wait_for_proof_job and verify_proof.

Retries 429 and 503 (and lost connections/timeouts) with capped exponential backoff and full jitter,
honouring Retry-After; every write carries an Idempotency-Key that stays the same across its retries
(events without an id get one derived from it, since event ids are the log's idempotency keys).
"""
from __future__ import annotations

import email.utils
import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from .errors import RateLimitedError, TrustFabricError, UnavailableError, error_from_response
from .zk import verify_groth16

__all__ = ["TrustClient", "parse_retry_after"]

Json = Any


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After in seconds (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        s = float(value)
        return s if s >= 0 else None
    except ValueError:
        pass
    try:
        t = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, t - (time.time() if now is None else now))


class _Response:
    def __init__(self, status: int, headers: Mapping[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body


def _urllib_transport(method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float) -> _Response:
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return _Response(res.status, {k.lower(): v for k, v in res.headers.items()}, res.read())
    except urllib.error.HTTPError as e:
        return _Response(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


class TrustClient:
    """Client of a Trust Fabric service.

    >>> client = TrustClient("http://127.0.0.1:8080", api_key="tf_...", timeout=30)
    """

    def __init__(self, base_url: str, api_key: Optional[str] = None, timeout: float = 30.0, max_retries: int = 3,
                 backoff: float = 0.2, max_backoff: float = 5.0,
                 transport: Optional[Callable[[str, str, Dict[str, str], Optional[bytes], float], Any]] = None,
                 sleep: Callable[[float], None] = time.sleep, user_agent: str = "trust-fabric-sdk-python/1.1.0"):
        if not base_url:
            raise ValueError("base_url is required, e.g. http://127.0.0.1:8080")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self._backoff, self._max_backoff = backoff, max_backoff
        self._transport = transport or _urllib_transport
        self._sleep = sleep
        self._user_agent = user_agent

    # ---- transport ----
    def request(self, method: str, path: str, *, query: Optional[Mapping[str, Any]] = None, body: Any = None,
                raw_body: Optional[str] = None, content_type: Optional[str] = None, headers: Optional[Mapping[str, str]] = None,
                idempotency_key: Optional[str] = None, text: bool = False) -> Json:
        """Low-level call: JSON in and out, typed errors, retries. The operations use it."""
        url = self.base_url + path
        q = {k: ("true" if v is True else "false" if v is False else v) for k, v in (query or {}).items() if v is not None}
        if q:
            url += "?" + urllib.parse.urlencode(q)
        h = {"accept": "application/json", "user-agent": self._user_agent, **(headers or {})}
        if self.api_key:
            h["authorization"] = f"Bearer {self.api_key}"
        if method not in ("GET", "HEAD"):
            h["idempotency-key"] = idempotency_key or str(uuid.uuid4())
        data: Optional[bytes] = None
        if raw_body is not None:
            data, h["content-type"] = raw_body.encode("utf-8"), content_type or "text/plain"
        elif body is not None:
            data, h["content-type"] = json.dumps(body).encode("utf-8"), "application/json"
        attempt = 0
        while True:
            try:
                res = self._transport(method, url, h, data, self.timeout)
            except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as e:
                if attempt < self.max_retries:
                    self._sleep(self.delay(attempt))
                    attempt += 1
                    continue
                timed_out = isinstance(e, (socket.timeout, TimeoutError)) or "timed out" in str(e)
                raise UnavailableError("UNAVAILABLE", f"no answer from {self.base_url} within {self.timeout} s" if timed_out else f"cannot reach {self.base_url}: {e}",
                                       {"cause": str(e), "timeout": timed_out}, 0) from e
            raw = res.body.decode("utf-8", "replace") if res.body else ""
            parsed: Any = raw
            if not text or res.status >= 400:
                try:
                    parsed = json.loads(raw) if raw else None
                except ValueError:
                    parsed = raw
            if 200 <= res.status < 300:
                return parsed
            err = error_from_response(res.status, parsed)
            retry_after = parse_retry_after(res.headers.get("retry-after"))
            if isinstance(err, RateLimitedError):
                err.retry_after = retry_after
            if res.status in (429, 503) and attempt < self.max_retries:
                self._sleep(self.delay(attempt, retry_after))
                attempt += 1
                continue
            raise err

    def delay(self, attempt: int, retry_after: Optional[float] = None) -> float:
        """Seconds before retry ``attempt`` (0-based): Retry-After when given (capped at 60 s), else capped exponential with full jitter."""
        if retry_after is not None:
            return min(retry_after, 60.0)
        cap = min(self._max_backoff, self._backoff * 2 ** attempt)
        return cap / 2 + random.random() * cap / 2

    # ---- health and events ----
    def health(self) -> Json:
        return self.request("GET", "/healthz")

    def publish_events(self, events: Union[Mapping[str, Any], Sequence[Mapping[str, Any]]], *, idempotency_key: Optional[str] = None) -> Json:
        """One event (a dict) or a batch (a list, all or nothing). Events without an id get ``<key>-<i>``."""
        key = idempotency_key or str(uuid.uuid4())
        batch = not isinstance(events, Mapping)
        items = list(events) if batch else [events]
        with_ids = [{**e, "id": e.get("id") or f"{key}-{i}"} for i, e in enumerate(items)]
        return self.request("POST", "/v1/events", body={"events": with_ids} if batch else with_ids[0], idempotency_key=key)

    def list_events(self, *, stream: Optional[str] = None, type: Optional[str] = None, tenant: Optional[str] = None,
                    from_: Optional[int] = None, limit: Optional[int] = None) -> Json:
        return self.request("GET", "/v1/events", query={"stream": stream, "type": type, "tenant": tenant, "from": from_, "limit": limit})

    def list_schemas(self) -> Json:
        return self.request("GET", "/v1/schemas")

    # ---- PCQ ----
    def register_fixtures(self, fixtures: Union[Mapping[str, Any], Sequence[Mapping[str, Any]]], *, idempotency_key: Optional[str] = None) -> Json:
        body = fixtures if isinstance(fixtures, Mapping) else {"fixtures": list(fixtures)}
        return self.request("POST", "/v1/pcq/fixtures", body=body, idempotency_key=idempotency_key)

    def record_replays(self, replays: Union[Mapping[str, Any], Sequence[Mapping[str, Any]]], *, wait: bool = False, idempotency_key: Optional[str] = None) -> Json:
        body = replays if isinstance(replays, Mapping) else {"replays": list(replays)}
        return self.request("POST", "/v1/pcq/replays", query={"wait": True if wait else None}, body=body, idempotency_key=idempotency_key)

    def report_missing_replays(self, report: Mapping[str, Any], *, idempotency_key: Optional[str] = None) -> Json:
        return self.request("POST", "/v1/pcq/replays/missing", body=report, idempotency_key=idempotency_key)

    def tag_release(self, release: Mapping[str, Any], *, idempotency_key: Optional[str] = None) -> Json:
        return self.request("POST", "/v1/pcq/releases", body=release, idempotency_key=idempotency_key)

    def list_pcq_releases(self, *, tenant: Optional[str] = None) -> Json:
        """Tagged releases in tag order, then releases with replays but no tag (``taggedAt`` None). ``tenant``: auditors and admins."""
        return self.request("GET", "/v1/pcq/releases", query={"tenant": tenant})

    def list_anomalies(self, *, fixture_id: Optional[str] = None, release: Optional[str] = None, label: Optional[str] = None,
                       tenant: Optional[str] = None) -> Json:
        return self.request("GET", "/v1/pcq/anomalies", query={"fixtureId": fixture_id, "release": release, "label": label, "tenant": tenant})

    def override_anomaly_label(self, anomaly_id: str, override: Mapping[str, Any], *, idempotency_key: Optional[str] = None) -> Json:
        return self.request("POST", f"/v1/pcq/anomalies/{_seg(anomaly_id)}/label", body=override, idempotency_key=idempotency_key)

    def get_fixture(self, fixture_id: str) -> Json:
        return self.request("GET", f"/v1/pcq/fixtures/{_seg(fixture_id)}")

    def list_clusters(self, release: str, *, tenant: Optional[str] = None) -> Json:
        return self.request("GET", "/v1/pcq/clusters", query={"release": release, "tenant": tenant})

    def get_agreement(self, *, release: Optional[str] = None, tenant: Optional[str] = None) -> Json:
        return self.request("GET", "/v1/pcq/agreement", query={"release": release, "tenant": tenant})

    def export_overrides(self) -> str:
        """TriageOverridden payloads as JSON lines (the raw text)."""
        return self.request("GET", "/v1/pcq/overrides", text=True)

    # ---- LAC ----
    def list_lac_bundles(self, *, locale: Optional[str] = None) -> Json:
        return self.request("GET", "/v1/lac/bundles", headers={"accept-language": locale} if locale else None)

    def draft_lac_policy(self, document: Union[Mapping[str, Any], str], *, author: Optional[str] = None, session: Optional[str] = None,
                         locale: Optional[str] = None, idempotency_key: Optional[str] = None) -> Json:
        """A policy document (dict) or its YAML text."""
        h = {k: v for k, v in {"x-lac-author": author, "x-lac-session": session, "accept-language": locale}.items() if v}
        if isinstance(document, str):
            return self.request("POST", "/v1/lac/policies", raw_body=document, content_type="application/yaml", headers=h, idempotency_key=idempotency_key)
        return self.request("POST", "/v1/lac/policies", body=document, headers=h, idempotency_key=idempotency_key)

    def lac_decide(self, decide: Mapping[str, Any], *, locale: Optional[str] = None, idempotency_key: Optional[str] = None) -> Json:
        return self.request("POST", "/v1/lac/decide", body=decide, headers={"accept-language": locale} if locale else None, idempotency_key=idempotency_key)

    def preview_lac_policy_version(self, policy_id: str, version: str, *, window_days: Optional[int] = None, idempotency_key: Optional[str] = None) -> Json:
        body = {"windowDays": window_days} if window_days is not None else {}
        return self.request("POST", f"/v1/lac/policies/{_seg(policy_id)}/versions/{_seg(version)}/preview", body=body, idempotency_key=idempotency_key)

    def promote_lac_policy_version(self, policy_id: str, version: str, acknowledgment: Optional[Mapping[str, Any]] = None, *, idempotency_key: Optional[str] = None) -> Json:
        """Without an acknowledgment a medium-or-higher risk raises PreconditionFailedError (details.reason ACK_REQUIRED, details.preview)."""
        return self.request("POST", f"/v1/lac/policies/{_seg(policy_id)}/versions/{_seg(version)}/promote", body=acknowledgment, idempotency_key=idempotency_key)

    def lac_diff(self, diff: Mapping[str, Any], *, idempotency_key: Optional[str] = None) -> Json:
        """The semantic diff of two policy versions ({from, to}: each an id, {id, version} or a document). Records nothing."""
        return self.request("POST", "/v1/lac/diff", body=diff, idempotency_key=idempotency_key)

    def get_lac_preview(self, preview_id: str) -> Json:
        return self.request("GET", f"/v1/lac/previews/{_seg(preview_id)}")

    def get_lac_analytics(self, *, from_: Optional[str] = None, to: Optional[str] = None) -> Json:
        return self.request("GET", "/v1/lac/analytics", query={"from": from_, "to": to})

    def list_lac_policies(self, *, limit: Optional[int] = None, cursor: Optional[str] = None, tenant: Optional[str] = None) -> Json:
        """The tenant's policies with their versions' states, a page at a time: pass ``nextCursor`` back as ``cursor``."""
        return self.request("GET", "/v1/lac/policies", query={"limit": limit, "cursor": cursor, "tenant": tenant})

    def get_lac_policy(self, policy_id: str, *, tenant: Optional[str] = None) -> Json:
        """One policy: versions with state and document, the active version, its newest changes."""
        return self.request("GET", f"/v1/lac/policies/{_seg(policy_id)}", query={"tenant": tenant})

    def open_lac_authoring_session(self, *, session_id: Optional[str] = None, client: Optional[str] = None, author: Optional[str] = None,
                                   idempotency_key: Optional[str] = None) -> Json:
        """Time-to-author telemetry: an author opened an editor. Send the answer's sessionId as ``session`` on the drafts that follow."""
        body = {k: v for k, v in {"sessionId": session_id, "client": client}.items() if v is not None}
        return self.request("POST", "/v1/lac/sessions", body=body, headers={"x-lac-author": author} if author else None, idempotency_key=idempotency_key)

    # ---- ops ----
    def get_slo_report(self, *, slo: Optional[str] = None) -> Json:
        return self.request("GET", "/v1/ops/slo", query={"slo": slo})

    def receive_alertmanager_webhook(self, payload: Mapping[str, Any], *, idempotency_key: Optional[str] = None) -> Json:
        """Alertmanager's webhook payload; records AlertFired / AlertResolved once per occurrence."""
        return self.request("POST", "/v1/ops/alertmanager", body=payload, idempotency_key=idempotency_key)

    def list_alerts(self, *, state: Optional[str] = None, limit: Optional[int] = None) -> Json:
        """Alerts delivered by Alertmanager with time to detect / acknowledge / resolve, and the timings over the pages."""
        return self.request("GET", "/v1/ops/alerts", query={"state": state, "limit": str(limit) if limit is not None else None})

    def get_alert(self, alert_id: str) -> Json:
        return self.request("GET", f"/v1/ops/alerts/{_seg(alert_id)}")

    def acknowledge_alert(self, alert_id: str, *, by: Optional[str] = None, note: Optional[str] = None, idempotency_key: Optional[str] = None) -> Json:
        """Records AlertAcknowledged once; again answers the first acknowledgement (already: True)."""
        body = {k: v for k, v in {"by": by, "note": note}.items() if v is not None}
        return self.request("POST", f"/v1/ops/alerts/{_seg(alert_id)}/ack", body=body, idempotency_key=idempotency_key)

    # ---- ZK-TX ----
    def commit_set(self, set_id: str, pepper_version: int, leaves: Sequence[str], *, idempotency_key: Optional[str] = None) -> Json:
        """Commit a set of leaves (computed with leaves_of; raw selectors never leave the caller)."""
        return self.request("POST", "/v1/zk/sets", body={"setId": set_id, "pepperVersion": pepper_version, "leaves": list(leaves)}, idempotency_key=idempotency_key)

    def get_set(self, set_id: str) -> Json:
        return self.request("GET", f"/v1/zk/sets/{_seg(set_id)}")

    def list_sets(self, *, limit: Optional[int] = None, cursor: Optional[str] = None, tenant: Optional[str] = None) -> Json:
        """The tenant's committed sets, a page at a time."""
        return self.request("GET", "/v1/zk/sets", query={"limit": limit, "cursor": cursor, "tenant": tenant})

    def list_proof_jobs(self, *, limit: Optional[int] = None, cursor: Optional[str] = None, tenant: Optional[str] = None) -> Json:
        """The tenant's proof jobs, newest first, with status, latency and answer (no proofs: get_proof_job has them)."""
        return self.request("GET", "/v1/zk/jobs", query={"limit": limit, "cursor": cursor, "tenant": tenant})

    def submit_proof_job(self, set_id: str, query: str, pepper_version: int, *, counterparty: Optional[str] = None,
                         budget_ms: Optional[int] = None, idempotency_key: Optional[str] = None) -> Json:
        """Ask whether ``query`` (a leaf from leaf_of) is in the counterparty's set; answered by a proof."""
        body: Dict[str, Any] = {"setId": set_id, "query": query, "pepperVersion": pepper_version}
        if counterparty is not None:
            body["counterparty"] = counterparty
        if budget_ms is not None:
            body["budgetMs"] = budget_ms
        return self.request("POST", "/v1/zk/jobs", body=body, idempotency_key=idempotency_key)

    def get_proof_job(self, job_id: str) -> Json:
        return self.request("GET", f"/v1/zk/jobs/{_seg(job_id)}")

    def get_verification_key(self, circuit: str) -> Json:
        return self.request("GET", f"/v1/zk/verification-keys/{_seg(circuit)}")

    def get_pepper_version(self) -> Json:
        return self.request("GET", "/v1/zk/pepper")

    def activate_pepper_version(self, version: int, *, idempotency_key: Optional[str] = None) -> Json:
        """Admin: activate a new pepper version (sets committed before must be re-committed)."""
        return self.request("POST", "/v1/zk/pepper", body={"version": version}, idempotency_key=idempotency_key)

    def wait_for_proof_job(self, job_id: str, *, timeout: float = 120.0, poll: float = 0.2) -> Json:
        """Polls until the job is done or failed (UnavailableError after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get_proof_job(job_id)
            if job.get("status") in ("done", "failed"):
                return job
            if time.monotonic() + poll > deadline:
                raise UnavailableError("UNAVAILABLE", f"job {job_id} still {job.get('status')} after {timeout} s", {"jobId": job_id, "status": job.get("status")}, 0)
            self._sleep(poll)
            poll = min(poll * 1.5, 2.0)

    def verify_proof(self, job: Mapping[str, Any], verification_key: Optional[Mapping[str, Any]] = None) -> bool:
        """Verifies a done job's proof locally (fetching its circuit's verification key unless given). True only for a valid proof."""
        result = job.get("result") or {}
        if not result.get("proof") or result.get("publicSignals") is None:
            return False
        vk = verification_key if verification_key is not None else _unwrap_vk(self.get_verification_key(result["circuit"]))
        return verify_groth16(vk, result["publicSignals"], result["proof"])


def _seg(s: str) -> str:
    return urllib.parse.quote(str(s), safe="")


def _unwrap_vk(res: Json) -> Json:
    if isinstance(res, Mapping):
        for k in ("verificationKey", "vk", "key"):
            if isinstance(res.get(k), Mapping):
                return res[k]
    return res
