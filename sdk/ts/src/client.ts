/**
 * TrustClient: one method per operation of sdk/spec/openapi.yaml (named by its operationId), plus
 * waitForProofJob and verifyProof. Retries 429 and 503 (and lost connections) with exponential
 * backoff and full jitter, honouring Retry-After; every write carries an Idempotency-Key that stays
 * the same across its retries (events without an id get one derived from it, since event ids are
 * the log's idempotency keys).
 */
import { randomUUID } from 'node:crypto';
import { errorFromResponse, RateLimitedError, TrustFabricError, UnavailableError } from './errors';
import { verifyGroth16, type Groth16Proof } from './zk';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** tf_<keyId>_<secret> (trust tenant add) */
  apiKey?: string;
  /** Per attempt, in milliseconds (default 30,000). */
  timeoutMs?: number;
  /** Retries after the first attempt on 429/503/connection failures (default 3). */
  maxRetries?: number;
  /** First backoff in ms (default 200), doubled each retry, capped at maxBackoffMs (default 5,000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Injected for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

export interface RequestOptions {
  /** Idempotency key of a write (default: a fresh UUID, the same for every retry of this call). */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export interface NewEvent {
  id?: string;
  type: string;
  stream: string;
  tenant?: string;
  expectedVersion?: number;
  correlationId?: string;
  causationId?: string;
  occurredAt?: string;
  payload: Record<string, unknown>;
}

export type JobStatus = 'queued' | 'planned' | 'proving' | 'done' | 'failed';
export interface ZkJob {
  jobId: string;
  status: JobStatus;
  result?: { overlap: boolean; check?: number; proof: Groth16Proof; publicSignals: string[]; circuit: string; vkHash?: string } | null;
  error?: string | null;
  timings?: Record<string, unknown>;
  [k: string]: unknown;
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After: seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, (t - now) / 1000);
}

/** A page of a list: `limit` items (1–200, default 50) after `cursor` (the previous page's nextCursor); auditors and admins may name another `tenant`. */
export type PageQuery = {
  limit?: number;
  cursor?: string;
  tenant?: string;
};

export class TrustClient {
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly userAgent: string;

  constructor(opts: ClientOptions) {
    if (!opts?.baseUrl) throw new TypeError('baseUrl is required, e.g. http://127.0.0.1:8080');
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxRetries = opts.maxRetries ?? 3;
    this.backoffMs = opts.backoffMs ?? 200;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5_000;
    this.fetchImpl = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? sleepMs;
    this.userAgent = opts.userAgent ?? 'trust-fabric-sdk-ts/1.1.0';
  }

  /** Low-level call: JSON in and out, typed errors, retries. Operations below use it. */
  async request(method: string, path: string, args: { query?: Record<string, unknown>; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string>; idempotencyKey?: string; accept?: 'json' | 'text' } = {}): Promise<Json> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(args.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const write = method !== 'GET' && method !== 'HEAD';
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent, ...args.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (write) headers['idempotency-key'] = args.idempotencyKey ?? randomUUID();
    let body: string | undefined;
    if (args.rawBody !== undefined) {
      body = args.rawBody;
      headers['content-type'] = args.contentType ?? 'text/plain';
    } else if (args.body !== undefined) {
      body = JSON.stringify(args.body);
      headers['content-type'] = 'application/json';
    }
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), this.timeoutMs);
      try {
        res = await this.fetchImpl(url, { method, headers, body, signal: ctl.signal });
        const text = await res.text();
        clearTimeout(timer);
        let parsed: unknown = text;
        if (args.accept !== 'text' || !res.ok) {
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            /* not JSON */
          }
        }
        if (res.ok) return parsed;
        const err = errorFromResponse(res.status, parsed);
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        if (err instanceof RateLimitedError) err.retryAfter = retryAfter;
        if ((res.status === 429 || res.status === 503) && attempt < this.maxRetries) {
          await this.sleep(this.delay(attempt, retryAfter));
          continue;
        }
        throw err;
      } catch (e) {
        clearTimeout(timer);
        if (e instanceof TrustFabricError) throw e;
        const timedOut = ctl.signal.aborted;
        if (attempt < this.maxRetries) {
          await this.sleep(this.delay(attempt));
          continue;
        }
        throw new UnavailableError('UNAVAILABLE', timedOut ? `no answer from ${this.baseUrl} within ${this.timeoutMs} ms` : `cannot reach ${this.baseUrl}: ${(e as Error).message}`, { cause: String((e as Error)?.message ?? e), timeout: timedOut }, 0);
      }
    }
  }

  /** Backoff before retry `attempt` (0-based): Retry-After when given (capped at 60 s), else capped exponential with full jitter. */
  delay(attempt: number, retryAfterSeconds?: number): number {
    if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, 60_000);
    const cap = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt);
    return cap / 2 + Math.random() * (cap / 2);
  }

  // ---- health and events ----
  health(): Promise<Json> {
    return this.request('GET', '/healthz');
  }
  /** One event or a batch (all or nothing). Events without an id get `<idempotencyKey>-<i>`, so a retried call is stored once. */
  publishEvents(events: NewEvent | NewEvent[], opts: RequestOptions = {}): Promise<{ positions: number[]; ids: string[]; duplicates: boolean[] }> {
    const key = opts.idempotencyKey ?? randomUUID();
    const list = Array.isArray(events) ? events : [events];
    const withIds = list.map((e, i) => ({ ...e, id: e.id ?? `${key}-${i}` }));
    return this.request('POST', '/v1/events', { body: Array.isArray(events) ? { events: withIds } : withIds[0], idempotencyKey: key, headers: opts.headers });
  }
  listEvents(query: { stream?: string; type?: string; tenant?: string; from?: number; limit?: number } = {}): Promise<{ events: Json[]; next: number }> {
    return this.request('GET', '/v1/events', { query });
  }
  listSchemas(): Promise<{ schemas: Json[] }> {
    return this.request('GET', '/v1/schemas');
  }

  // ---- PCQ ----
  registerFixtures(fixtures: Json | Json[], opts: RequestOptions = {}): Promise<{ registered: string[] }> {
    return this.request('POST', '/v1/pcq/fixtures', { body: Array.isArray(fixtures) ? { fixtures } : fixtures, ...opts });
  }
  recordReplays(replays: Json | Json[], opts: RequestOptions & { wait?: boolean } = {}): Promise<{ recorded: number; duplicates: number; runIds: string[]; position: number }> {
    return this.request('POST', '/v1/pcq/replays', { query: { wait: opts.wait ? 'true' : undefined }, body: Array.isArray(replays) ? { replays } : replays, idempotencyKey: opts.idempotencyKey, headers: opts.headers });
  }
  reportMissingReplays(report: { release: string; runtime: { device: string; os: string }; shard: string; fixtureIds: string[]; reason?: string; runner?: string }, opts: RequestOptions = {}): Promise<Json> {
    return this.request('POST', '/v1/pcq/replays/missing', { body: report, ...opts });
  }
  tagRelease(release: { release: string; taggedAt: string }, opts: RequestOptions = {}): Promise<Json> {
    return this.request('POST', '/v1/pcq/releases', { body: release, ...opts });
  }
  /** Tagged releases in tag order, then releases with replays but no tag (taggedAt null). `tenant`: auditors and admins. */
  listPcqReleases(query: { tenant?: string } = {}): Promise<{ tenant: string; releases: { release: string; taggedAt: string | null }[] }> {
    return this.request('GET', '/v1/pcq/releases', { query });
  }
  listAnomalies(query: { fixtureId?: string; release?: string; label?: string; tenant?: string } = {}): Promise<Json[]> {
    return this.request('GET', '/v1/pcq/anomalies', { query });
  }
  overrideAnomalyLabel(anomalyId: string, override: { label: string; by: string; reason: string }, opts: RequestOptions = {}): Promise<Json> {
    return this.request('POST', `/v1/pcq/anomalies/${encodeURIComponent(anomalyId)}/label`, { body: override, ...opts });
  }
  getFixture(fixtureId: string): Promise<Json> {
    return this.request('GET', `/v1/pcq/fixtures/${encodeURIComponent(fixtureId)}`);
  }
  listClusters(release: string, query: { tenant?: string } = {}): Promise<Json> {
    return this.request('GET', '/v1/pcq/clusters', { query: { release, ...query } });
  }
  getAgreement(query: { release?: string; tenant?: string } = {}): Promise<Json> {
    return this.request('GET', '/v1/pcq/agreement', { query });
  }
  /** TriageOverridden payloads as JSON lines (the raw text). */
  exportOverrides(): Promise<string> {
    return this.request('GET', '/v1/pcq/overrides', { accept: 'text' });
  }

  // ---- LAC ----
  listLacBundles(opts: { locale?: string } = {}): Promise<Json> {
    return this.request('GET', '/v1/lac/bundles', { headers: opts.locale ? { 'accept-language': opts.locale } : {} });
  }
  /** A policy document (object), or its YAML text. */
  draftLacPolicy(document: Json | string, opts: RequestOptions & { author?: string; session?: string; locale?: string } = {}): Promise<Json> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.author) headers['x-lac-author'] = opts.author;
    if (opts.session) headers['x-lac-session'] = opts.session;
    if (opts.locale) headers['accept-language'] = opts.locale;
    return typeof document === 'string'
      ? this.request('POST', '/v1/lac/policies', { rawBody: document, contentType: 'application/yaml', headers, idempotencyKey: opts.idempotencyKey })
      : this.request('POST', '/v1/lac/policies', { body: document, headers, idempotencyKey: opts.idempotencyKey });
  }
  lacDecide(decide: { policy: string | { id: string; version: string } | Json; request: Json }, opts: RequestOptions & { locale?: string } = {}): Promise<Json> {
    return this.request('POST', '/v1/lac/decide', { body: decide, idempotencyKey: opts.idempotencyKey, headers: { ...opts.headers, ...(opts.locale ? { 'accept-language': opts.locale } : {}) } });
  }
  previewLacPolicyVersion(policyId: string, version: string, body: { windowDays?: number } = {}, opts: RequestOptions = {}): Promise<Json> {
    return this.request('POST', `/v1/lac/policies/${encodeURIComponent(policyId)}/versions/${encodeURIComponent(version)}/preview`, { body, ...opts });
  }
  /** Without an acknowledgment a medium-or-higher risk answers PreconditionFailedError (details.reason ACK_REQUIRED, details.preview). */
  promoteLacPolicyVersion(policyId: string, version: string, acknowledgment?: { by: string; reason: string; previewId: string }, opts: RequestOptions = {}): Promise<Json> {
    return this.request('POST', `/v1/lac/policies/${encodeURIComponent(policyId)}/versions/${encodeURIComponent(version)}/promote`, { body: acknowledgment, ...opts });
  }
  /** The semantic diff of two policy versions (each an id, {id, version} or a document): widenings and narrowings with counterexamples. Records nothing. */
  lacDiff(diff: { from: string | { id: string; version: string } | Json; to: string | { id: string; version: string } | Json }, opts: RequestOptions = {}): Promise<Json> {
    return this.request('POST', '/v1/lac/diff', { body: diff, ...opts });
  }
  getLacPreview(previewId: string): Promise<Json> {
    return this.request('GET', `/v1/lac/previews/${encodeURIComponent(previewId)}`);
  }
  getLacAnalytics(query: { from?: string; to?: string } = {}): Promise<Json> {
    return this.request('GET', '/v1/lac/analytics', { query });
  }
  /** The tenant's policies with their versions' states, a page at a time: pass `nextCursor` back as `cursor`. */
  listLacPolicies(query: PageQuery = {}): Promise<{ items: Json[]; nextCursor: string | null }> {
    return this.request('GET', '/v1/lac/policies', { query });
  }
  /** One policy: versions with state and document, the active version, its newest changes. */
  getLacPolicy(policyId: string, query: { tenant?: string } = {}): Promise<Json> {
    return this.request('GET', `/v1/lac/policies/${encodeURIComponent(policyId)}`, { query });
  }
  /** Time-to-author telemetry: an author opened an editor. Send the answer's sessionId as `session` on the drafts that follow. */
  openLacAuthoringSession(session: { sessionId?: string; client?: string } = {}, opts: RequestOptions & { author?: string } = {}): Promise<{ sessionId: string; author: string; openedAt: string; duplicate: boolean }> {
    return this.request('POST', '/v1/lac/sessions', { body: session, idempotencyKey: opts.idempotencyKey, headers: { ...opts.headers, ...(opts.author ? { 'x-lac-author': opts.author } : {}) } });
  }

  // ---- ops ----
  getSloReport(query: { slo?: string } = {}): Promise<Json> {
    return this.request('GET', '/v1/ops/slo', { query });
  }
  /** Alertmanager's webhook payload (what infra/observe/alertmanager.yml posts); records AlertFired / AlertResolved once per occurrence. */
  receiveAlertmanagerWebhook(payload: Json, opts: RequestOptions = {}): Promise<{ recorded: number; repeated: number; alerts: string[] }> {
    return this.request('POST', '/v1/ops/alertmanager', { body: payload, ...opts });
  }
  /** Alerts delivered by Alertmanager with time to detect / acknowledge / resolve, and the timings over the pages. */
  listAlerts(query: { state?: 'firing' | 'acknowledged' | 'resolved' | 'open' | 'all'; limit?: number } = {}): Promise<Json> {
    return this.request('GET', '/v1/ops/alerts', { query: { state: query.state, limit: query.limit === undefined ? undefined : String(query.limit) } });
  }
  getAlert(alertId: string): Promise<Json> {
    return this.request('GET', `/v1/ops/alerts/${encodeURIComponent(alertId)}`);
  }
  /** Records AlertAcknowledged once; again answers the first acknowledgement (already: true). */
  acknowledgeAlert(alertId: string, ack: { by?: string; note?: string } = {}, opts: RequestOptions = {}): Promise<Json> {
    return this.request('POST', `/v1/ops/alerts/${encodeURIComponent(alertId)}/ack`, { body: ack, ...opts });
  }

  // ---- ZK-TX ----
  /** Commit a set of leaves (computed with leavesOf; raw selectors never leave the caller). */
  commitSet(set: { setId: string; pepperVersion: number; leaves: string[] }, opts: RequestOptions = {}): Promise<{ setId: string; root: string; size: number; [k: string]: unknown }> {
    return this.request('POST', '/v1/zk/sets', { body: set, ...opts });
  }
  getSet(setId: string): Promise<Json> {
    return this.request('GET', `/v1/zk/sets/${encodeURIComponent(setId)}`);
  }
  /** Ask whether `query` (a leaf computed with leafOf) is in the counterparty's set; answered by a proof. */
  submitProofJob(job: { counterparty?: string; setId: string; query: string; pepperVersion: number; budgetMs?: number }, opts: RequestOptions = {}): Promise<{ jobId: string; [k: string]: unknown }> {
    return this.request('POST', '/v1/zk/jobs', { body: job, ...opts });
  }
  /** The tenant's committed sets, a page at a time. */
  listSets(query: PageQuery = {}): Promise<{ items: Json[]; nextCursor: string | null }> {
    return this.request('GET', '/v1/zk/sets', { query });
  }
  /** The tenant's proof jobs, newest first, with status, latency and answer (no proofs: getProofJob has them). */
  listProofJobs(query: PageQuery = {}): Promise<{ items: Json[]; nextCursor: string | null }> {
    return this.request('GET', '/v1/zk/jobs', { query });
  }
  getProofJob(jobId: string): Promise<ZkJob> {
    return this.request('GET', `/v1/zk/jobs/${encodeURIComponent(jobId)}`);
  }
  getVerificationKey(circuit: string): Promise<Json> {
    return this.request('GET', `/v1/zk/verification-keys/${encodeURIComponent(circuit)}`);
  }
  getPepperVersion(): Promise<{ version: number }> {
    return this.request('GET', '/v1/zk/pepper');
  }
  /** Admin: activate a new pepper version (sets committed before must be re-committed). */
  activatePepperVersion(version: number, opts: RequestOptions = {}): Promise<{ version: number; previous: number }> {
    return this.request('POST', '/v1/zk/pepper', { body: { version }, ...opts });
  }
  /** Polls until the job is done or failed (UnavailableError after timeoutMs, default 120 s). */
  async waitForProofJob(jobId: string, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<ZkJob> {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    let poll = opts.pollMs ?? 200;
    for (;;) {
      const job = await this.getProofJob(jobId);
      if (job.status === 'done' || job.status === 'failed') return job;
      if (Date.now() + poll > deadline) throw new UnavailableError('UNAVAILABLE', `job ${jobId} still ${job.status} after ${opts.timeoutMs ?? 120_000} ms`, { jobId, status: job.status }, 0);
      await this.sleep(poll);
      poll = Math.min(poll * 1.5, 2_000);
    }
  }
  /**
   * Verifies a done job's proof locally: fetches the verification key of its circuit (or takes the
   * one given) and runs Groth16 verification. True only for a valid proof.
   */
  async verifyProof(job: ZkJob, verificationKey?: object): Promise<boolean> {
    if (!job.result?.proof || !job.result.publicSignals) return false;
    const vk = verificationKey ?? unwrapVk(await this.getVerificationKey(job.result.circuit));
    return verifyGroth16(vk, job.result.publicSignals, job.result.proof);
  }
}

/** The verification key out of GET /v1/zk/verification-keys/{circuit} (the key itself, or wrapped). */
export function unwrapVk(res: Json): object {
  return res?.verificationKey ?? res?.vk ?? res?.key ?? res;
}
