import { startTestService, type TestService } from '../../../connectors/http/testing';
import { leafOf, leavesOf, ForbiddenError, NotFoundError, PreconditionFailedError, RateLimitedError, TrustClient, UnauthenticatedError, UnavailableError, UnknownEventTypeError, ValidationFailedError, VersionConflictError, parseRetryAfter } from '../src';

describe('against a live service', () => {
  let svc: TestService;
  let client: TrustClient;
  beforeAll(async () => {
    svc = await startTestService();
    client = new TrustClient({ baseUrl: svc.url, apiKey: await svc.keyFor('acme', 'producer'), timeoutMs: 10_000 });
  });
  afterAll(() => svc.stop());

  const note = (text: string) => ({ type: 'AnnotationAdded', stream: 'sdk-ts', payload: { subject: 's', text, author: 'sdk', tags: [] } });

  test('publishEvents: the same idempotency key stores once; listEvents reads back', async () => {
    const a = await client.publishEvents(note('one'), { idempotencyKey: 'ts-k1' });
    const b = await client.publishEvents(note('one'), { idempotencyKey: 'ts-k1' });
    expect(b.positions).toEqual(a.positions);
    expect(b.duplicates).toEqual([true]);
    const batch = await client.publishEvents([note('two'), note('three')]);
    expect(batch.ids).toHaveLength(2);
    const page = await client.listEvents({ stream: 'sdk-ts' });
    expect(page.events.map((e: { payload: { text: string } }) => e.payload.text)).toEqual(['one', 'two', 'three']);
    expect((await client.health()).status).toBe('ok');
    expect((await client.listSchemas()).schemas.length).toBeGreaterThan(0);
  });

  test('errors are typed from the taxonomy', async () => {
    await expect(new TrustClient({ baseUrl: svc.url, apiKey: 'tf_bad_key' }).listEvents()).rejects.toBeInstanceOf(UnauthenticatedError);
    const unknown = await client.publishEvents({ type: 'NoSuch', stream: 's', payload: {} }).catch((e) => e);
    expect(unknown).toBeInstanceOf(UnknownEventTypeError);
    expect(unknown).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', status: 422 });
    expect(unknown.problems[0].field).toBeDefined();
    await expect(client.publishEvents({ ...note('x'), expectedVersion: 0 })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(client.publishEvents({ ...note('x'), tenant: 'other' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(client.listEvents({ limit: 0 })).rejects.toBeInstanceOf(ValidationFailedError);
    await expect(client.getFixture('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  test('PCQ and LAC operations', async () => {
    const fixture = { fixtureId: 'ts-fx', seed: 1, libs: { numpy: '1.26.4' }, dataChecksum: 'sha256:1', baselineRuntime: { device: 'cpu', os: 'linux' } };
    expect((await client.registerFixtures([fixture])).registered).toEqual(['ts-fx']);
    await client.tagRelease({ release: '2.0.0', taggedAt: '2026-11-01T00:00:00Z' });
    const replay = (runId: string, device: string, accuracy: number) => ({ runId, fixtureId: 'ts-fx', release: '2.0.0', runtime: { device, os: 'linux' }, seed: 1, libs: { numpy: '1.26.4' }, dataChecksum: 'sha256:1', metrics: { accuracy } });
    const rec = await client.recordReplays([replay('a', 'cpu', 0.9), replay('b', 'gpu', 0.2)], { wait: true });
    expect(rec.recorded).toBe(2);
    const anomalies = await client.listAnomalies({ release: '2.0.0' });
    expect(anomalies.length).toBeGreaterThan(0);
    expect((await client.getFixture('ts-fx')).fixtureId).toBe('ts-fx');
    expect((await client.listClusters('2.0.0')).release).toBe('2.0.0');
    expect(typeof (await client.getAgreement()).fixtures).toBe('number');
    expect((await client.listPcqReleases()).releases.map((r) => r.release)).toContain('2.0.0');
    await client.overrideAnomalyLabel(anomalies[0].anomalyId, { label: 'regression', by: 'ts', reason: 'real drop' });
    expect(await client.exportOverrides()).toContain('regression');
    expect((await client.reportMissingReplays({ release: '2.0.0', runtime: { device: 'gpu', os: 'macos' }, shard: '1/1', fixtureIds: ['ts-fx'] })).missing).toBe(1);

    const policy = { id: 'ts-gate', version: '1.0.0', mode: 'enforce', default: 'allow', bundles: [{ ref: 'clearance.classification-gate@^1' }] };
    expect((await client.listLacBundles({ locale: 'en' })).bundles.length).toBeGreaterThan(0);
    expect((await client.draftLacPolicy(policy)).valid).toBe(true);
    expect((await client.draftLacPolicy('id: ts-gate\nversion: 1.1.0\nmode: enforce\ndefault: deny\n', { author: 'ts' })).valid).toBe(true);
    const request = (clearance: string) => ({ subject: { id: 'ana', tenant: 'acme', clearance }, action: 'query', resource: { dataset: 'd', tenant: 'acme', classification: 'P2', region: 'eu' } });
    expect((await client.lacDecide({ policy, request: request('P3') })).decision).toBe('deny');
    expect((await client.promoteLacPolicyVersion('ts-gate', '1.0.0')).promoted).toBe(true);
    for (const c of ['P0', 'P1', 'P3']) await client.lacDecide({ policy: 'ts-gate', request: request(c) });
    const preview = await client.previewLacPolicyVersion('ts-gate', '1.1.0', { windowDays: 7 });
    // 1.1.0 defaults to deny: the semantic diff finds narrowings only, with counterexamples.
    const diff = await client.lacDiff({ from: 'ts-gate', to: { id: 'ts-gate', version: '1.1.0' } });
    expect([diff.widenings, diff.narrowings > 0, diff.counterexamples.length > 0]).toEqual([0, true, true]);
    expect(preview.semantic.narrowings).toBe(diff.narrowings);
    expect((await client.getLacPreview(preview.previewId)).previewId).toBe(preview.previewId);
    const blocked = await client.promoteLacPolicyVersion('ts-gate', '1.1.0').catch((e) => e);
    if (blocked instanceof PreconditionFailedError) {
      const promoted = await client.promoteLacPolicyVersion('ts-gate', '1.1.0', { by: 'ana', reason: 'reviewed the blast radius', previewId: (blocked.details.preview as { previewId: string }).previewId });
      expect(promoted.promoted).toBe(true);
    } else expect(blocked.promoted).toBe(true);
    expect(typeof (await client.getLacAnalytics()).drafts).toBe('number');
    // The Studio's lists: a page of one, then the rest by cursor; one policy in full; the editor's telemetry.
    const first = await client.listLacPolicies({ limit: 1 });
    expect(first.items.map((p) => p.policyId)).toEqual(['ts-gate']);
    expect(first.nextCursor).toBeNull();
    const gate = await client.getLacPolicy('ts-gate');
    expect([gate.activeVersion, gate.versions.map((v: { state: string }) => v.state)]).toEqual(['1.1.0', ['promoted', 'promoted']]);
    const opened = await client.openLacAuthoringSession({ client: 'sdk-ts' }, { author: 'ts' });
    expect(opened).toMatchObject({ author: 'ts', duplicate: false });
    expect((await client.openLacAuthoringSession({ sessionId: opened.sessionId })).duplicate).toBe(true);
    await expect(client.listLacPolicies({ limit: 0 })).rejects.toBeInstanceOf(ValidationFailedError);
    await expect(client.getLacPolicy('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  test('alerts: the webhook records an occurrence once, the on-call acknowledges it once', async () => {
    const admin = new TrustClient({ baseUrl: svc.url, apiKey: await svc.keyFor('ops', 'admin') });
    const startsAt = '2026-12-02T10:00:00.000Z';
    const delivery = { version: '4', receiver: 'trust-pages', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'IngestAvailabilityFastBurn', severity: 'page' }, annotations: {}, startsAt, fingerprint: 'beef01' }] };
    expect(await admin.receiveAlertmanagerWebhook(delivery)).toEqual({ recorded: 1, repeated: 0, alerts: [`beef01-${Date.parse(startsAt)}`] });
    expect((await admin.receiveAlertmanagerWebhook(delivery)).recorded).toBe(0);
    const id = `beef01-${Date.parse(startsAt)}`;
    expect((await admin.listAlerts({ state: 'firing' })).alerts.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await admin.acknowledgeAlert(id, { by: 'ts' })).already).toBe(false);
    expect((await admin.acknowledgeAlert(id)).already).toBe(true);
    expect((await admin.getAlert(id)).acknowledgedBy).toBe('ts');
    await expect(client.listAlerts()).rejects.toBeInstanceOf(ForbiddenError);
    await expect(admin.getAlert('abc-1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(admin.acknowledgeAlert(id, { by: '' })).rejects.toBeInstanceOf(ValidationFailedError);
  });
});

describe('ZK-TX against a live service', () => {
  let svc: TestService;
  afterAll(async () => {
    await svc?.stop();
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
  });

  test('commit a set, submit a job as a partner, wait, verify locally; a forged answer fails', async () => {
    svc = await startTestService();
    const owner = new TrustClient({ baseUrl: svc.url, apiKey: await svc.keyFor('acme', 'producer') });
    const partner = new TrustClient({ baseUrl: svc.url, apiKey: await svc.keyFor('globex', 'producer') });
    const pepper = '5f1d3a9c0b7e24e8a1c6f09d3b2e7a4c8d1f6e0a9b3c5d7e2f4a6b8c0d1e3f5a';
    const { version } = await owner.getPepperVersion();
    const set = await owner.commitSet({ setId: 'ts-set', pepperVersion: version, leaves: await leavesOf(['alice@example.com', 'bob@example.org', 'carol@example.net'], pepper) });
    expect(set.size).toBe(3);
    expect((await owner.getSet('ts-set')).root).toBe(set.root);
    const { jobId } = await partner.submitProofJob({ counterparty: 'acme', setId: 'ts-set', query: await leafOf('  Bob@Example.ORG ', pepper), pepperVersion: version });
    const job = await partner.waitForProofJob(jobId, { timeoutMs: 120_000 });
    expect(job).toMatchObject({ status: 'done', result: { overlap: true } });
    expect(await partner.verifyProof(job)).toBe(true);
    const forged = { ...job, result: { ...job.result!, publicSignals: ['0', ...job.result!.publicSignals.slice(1)] } };
    expect(await partner.verifyProof(forged)).toBe(false);
    await expect(owner.getProofJob(jobId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await partner.listProofJobs()).items.map((j) => [j.jobId, j.status, j.overlap])).toEqual([[jobId, 'done', true]]);
    expect((await owner.listSets({ limit: 5 })).items.map((s) => s.setId)).toEqual(['ts-set']);
    await expect(partner.listSets({ tenant: 'acme' })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('retries and transport', () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  test('429 honours Retry-After, 503 backs off, the idempotency key stays the same', async () => {
    const seen: { key: string | null; id: string }[] = [];
    const replies = [answer(429, { code: 'RATE_LIMITED', message: 'slow down', details: {} }, { 'retry-after': '2' }), answer(503, { code: 'UNAVAILABLE', message: 'busy', details: {} }), answer(202, { positions: [1], ids: ['x'], duplicates: [false] })];
    const sleeps: number[] = [];
    const client = new TrustClient({
      baseUrl: 'http://sdk.invalid',
      apiKey: 'k',
      fetch: (async (_u: URL, init: RequestInit) => {
        seen.push({ key: (init.headers as Record<string, string>)['idempotency-key'], id: JSON.parse(init.body as string).id });
        return replies.shift()!;
      }) as typeof fetch,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await client.publishEvents({ type: 'T', stream: 's', payload: {} });
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(new Set(seen.map((s) => s.id)).size).toBe(1);
    expect(sleeps[0]).toBe(2000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(200);
    expect(sleeps[1]).toBeLessThanOrEqual(400);
  });

  test('gives up after maxRetries with the typed error; 4xx are not retried', async () => {
    let calls = 0;
    const client = new TrustClient({ baseUrl: 'http://sdk.invalid', maxRetries: 2, fetch: (async () => (calls++, answer(429, { code: 'RATE_LIMITED', message: 'm', details: {} }, { 'retry-after': '1' }))) as typeof fetch, sleep: async () => undefined });
    const err = await client.listEvents().catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfter).toBe(1);
    expect(calls).toBe(3);
    calls = 0;
    const c2 = new TrustClient({ baseUrl: 'http://sdk.invalid', fetch: (async () => (calls++, answer(400, { code: 'VALIDATION_FAILED', message: 'm', details: { problems: [{ field: 'a', problem: 'b' }] } }))) as typeof fetch });
    await expect(c2.listEvents()).rejects.toBeInstanceOf(ValidationFailedError);
    expect(calls).toBe(1);
  });

  test('connection failures and timeouts end as UnavailableError', async () => {
    const refused = new TrustClient({ baseUrl: 'http://127.0.0.1:1', maxRetries: 1, sleep: async () => undefined });
    await expect(refused.health()).rejects.toBeInstanceOf(UnavailableError);
    const slow = new TrustClient({ baseUrl: 'http://sdk.invalid', timeoutMs: 50, maxRetries: 0, fetch: ((_u: URL, init: RequestInit) => new Promise((_r, rej) => init.signal!.addEventListener('abort', () => rej(new Error('aborted'))))) as typeof fetch });
    const err = await slow.health().catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.details.timeout).toBe(true);
  });

  test('Retry-After in seconds or as a date; a non-taxonomy body maps by status', async () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3);
    expect(parseRetryAfter('soon')).toBeUndefined();
    const c = new TrustClient({ baseUrl: 'http://sdk.invalid', fetch: (async () => new Response('<html>bad gateway</html>', { status: 404 })) as typeof fetch });
    await expect(c.health()).rejects.toBeInstanceOf(NotFoundError);
  });
});
