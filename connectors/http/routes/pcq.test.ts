import { startPcqHarness, type PcqHarness } from '../harness/pcq-harness';

const fixture = (id: string, over: Record<string, unknown> = {}) => ({
  fixtureId: id,
  seed: 1234,
  libs: { numpy: '1.26.4', torch: '2.3.1' },
  dataChecksum: 'sha256:abc',
  baselineRuntime: { device: 'cpu', os: 'linux' },
  ...over,
});
const replay = (runId: string, fixtureId: string, over: Record<string, unknown> = {}) => ({
  runId,
  fixtureId,
  release: '1.7.0',
  runtime: { device: 'cpu', os: 'linux' },
  seed: 1234,
  libs: { numpy: '1.26.4', torch: '2.3.1' },
  dataChecksum: 'sha256:abc',
  metrics: { accuracy: 0.9, mean_revenue: 120.5, rows: 1000 },
  ...over,
});
const gpu = { device: 'gpu', os: 'linux' };

describe('PCQ routes end to end (HTTP replays → checks → labels → clusters → timeline)', () => {
  let h: PcqHarness;
  let key: string;
  beforeAll(async () => {
    h = await startPcqHarness({ now: () => new Date('2026-11-28T12:00:00Z') });
    key = h.keyFor('acme');
    expect((await h.request('POST', '/v1/pcq/fixtures', key, { fixtures: [fixture('fx-a'), fixture('fx-b'), fixture('fx-c', { tolerances: { accuracy: { rel: 0.05 } } })] })).status).toBe(201);
    for (const [release, taggedAt] of [['1.6.0', '2026-10-01T00:00:00Z'], ['1.7.0', '2026-11-01T00:00:00Z']]) {
      expect((await h.request('POST', '/v1/pcq/releases', key, { release, taggedAt })).status).toBe(201);
    }
  });
  afterAll(() => h.stop());

  test('a replay without a seed is 422 naming the field; an unknown fixture is 422; a batch is refused whole', async () => {
    const { seed: _omit, ...noSeed } = replay('r-x', 'fx-a');
    const res = await h.request('POST', '/v1/pcq/replays', key, noSeed);
    expect(res.status).toBe(422);
    expect(res.body.details.problems).toEqual([{ field: 'seed', problem: expect.stringContaining('seed enforcement') }]);
    const unknown = await h.request('POST', '/v1/pcq/replays', key, { replays: [replay('r-ok', 'fx-a'), replay('r-y', 'fx-nope')] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.details.problems).toEqual([{ field: 'replays[1].fixtureId', problem: expect.stringContaining("unknown fixture 'fx-nope'") }]);
    const bad = await h.request('POST', '/v1/pcq/replays', key, replay('r-z', 'fx-a', { runtime: { device: 'tpu', os: 'linux' }, metrics: { accuracy: 'high' } }));
    expect(bad.status).toBe(422);
    expect(bad.body.details.problems.map((p: { field: string }) => p.field).sort()).toEqual(['metrics.accuracy', 'runtime.device']);
    expect(await h.log.head()).toBe(5); // 3 fixtures + 2 releases, nothing from the refused requests
  });

  test('replays of two releases on two runtimes give checks, anomalies with labels, and the same runId is stored once', async () => {
    const batch = [
      replay('a16c', 'fx-a', { release: '1.6.0' }),
      replay('a16g', 'fx-a', { release: '1.6.0', runtime: gpu }),
      replay('a17c', 'fx-a'),
      // gpu moved a float metric, inputs as pinned: nondeterministic reduction
      replay('a17g', 'fx-a', { runtime: gpu, metrics: { accuracy: 0.907, mean_revenue: 120.5, rows: 1000 } }),
      replay('b17c', 'fx-b'),
      // a pinned library drifted on gpu
      replay('b17g', 'fx-b', { runtime: gpu, libs: { numpy: '2.0.0', torch: '2.3.1' }, metrics: { accuracy: 0.85, mean_revenue: 121, rows: 1000 } }),
      replay('c16c', 'fx-c', { release: '1.6.0', metrics: { accuracy: 0.9, mean_revenue: 120.5, rows: 1000 } }),
      // the new release moved mean_revenue on the same runtime: regression
      replay('c17c', 'fx-c', { metrics: { accuracy: 0.9, mean_revenue: 100, rows: 1000 } }),
      replay('c17g', 'fx-c', { runtime: gpu, metrics: { accuracy: 0.9, mean_revenue: 100, rows: 1000 } }),
    ];
    const res = await h.request('POST', '/v1/pcq/replays?wait=true', key, batch);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ recorded: 9, duplicates: 0 });
    const again = await h.request('POST', '/v1/pcq/replays', key, replay('a17c', 'fx-a'));
    expect(again.body).toMatchObject({ recorded: 0, duplicates: 1 });
    expect((await h.log.read({ types: ['ReplayRecorded'], limit: 100 })).length).toBe(9);

    const all = (await h.request('GET', '/v1/pcq/anomalies', key)).body;
    const labels = all.map((a: { fixtureId: string; kind: string; label: string }) => [a.fixtureId, a.kind, a.label]).sort();
    expect(labels).toEqual([
      ['fx-a', 'cross_release', 'regression'], // gpu 1.7 vs gpu 1.6: same runtime, newer release moved
      ['fx-a', 'cross_runtime', 'nondeterministic_reduction'], // gpu 1.7 vs the cpu baseline, inputs as pinned
      ['fx-b', 'cross_runtime', 'lib_pin_drift'],
      ['fx-c', 'cross_release', 'regression'],
    ]);
    const b = all.find((a: { fixtureId: string }) => a.fixtureId === 'fx-b');
    expect(b).toMatchObject({ release: '1.7.0', runtimes: ['gpu/linux', 'cpu/linux'], runbook: 'docs/runbooks/lib_pin_drift.md', needsReview: false });
    expect(b.confidence).toBeGreaterThan(0.7);
    expect(b.diff.inputDiffs).toContainEqual({ field: 'libs.numpy', subject: '2.0.0', reference: '1.26.4', manifest: '1.26.4', pinned: true, offManifest: true });
    expect(b.diff.summary).toMatch(/accuracy 0.9 → 0.85/);
    expect((await h.request('GET', '/v1/pcq/anomalies?label=regression', key)).body.map((a: { fixtureId: string }) => a.fixtureId).sort()).toEqual(['fx-a', 'fx-c']);
    expect((await h.request('GET', '/v1/pcq/anomalies?fixtureId=fx-a&release=1.7.0', key)).body).toHaveLength(2);
    expect((await h.request('GET', '/v1/pcq/anomalies?label=bogus', key)).status).toBe(400);
  });

  test('a retry on gpu that reproduces the baseline re-triages the anomaly as infra_flake', async () => {
    await h.request('POST', '/v1/pcq/replays?wait=true', key, replay('a17g-retry', 'fx-a', { runtime: gpu }));
    const a = (await h.request('GET', '/v1/pcq/anomalies?fixtureId=fx-a', key)).body.sort((x: { kind: string }, y: { kind: string }) => x.kind.localeCompare(y.kind));
    expect(a).toEqual([
      expect.objectContaining({ kind: 'cross_release', label: 'infra_flake', trigger: 'retry_reproduced', supersedesLabel: 'regression' }),
      expect.objectContaining({ kind: 'cross_runtime', label: 'infra_flake', trigger: 'retry_reproduced', supersedesLabel: 'nondeterministic_reduction', runbook: 'docs/runbooks/infra_flake.md' }),
    ]);
  });

  test('GET /v1/pcq/fixtures/:id gives the manifest, the latest checks and the status; 404 for an unknown one', async () => {
    const c = await h.request('GET', '/v1/pcq/fixtures/fx-c', key);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ fixtureId: 'fx-c', status: 'anomalous', latestRelease: '1.7.0', manifest: { seed: '1234', tolerances: { accuracy: { rel: 0.05, abs: null } } } });
    expect(c.body.latestChecks.map((x: { kind: string; passed: boolean }) => [x.kind, x.passed]).sort()).toEqual([['cross_release', false], ['cross_runtime', true]]);
    expect((await h.request('GET', '/v1/pcq/fixtures/fx-a', key)).body.status).toBe('reproducible');
    expect((await h.request('GET', '/v1/pcq/fixtures/nope', key)).status).toBe(404);
    // Tenants are apart: another tenant does not see acme's fixtures.
    expect((await h.request('GET', '/v1/pcq/fixtures/fx-a', h.keyFor('globex'))).status).toBe(404);
  });

  test('a person overrides a label: kept as TriageOverridden with the features, shown as the label, exported for training', async () => {
    const [b] = (await h.request('GET', '/v1/pcq/anomalies?fixtureId=fx-b', key)).body;
    const bad = await h.request('POST', `/v1/pcq/anomalies/${b.anomalyId}/label`, key, { label: 'flaky', by: 'ana' });
    expect(bad.status).toBe(422);
    expect(bad.body.details.problems.map((p: { field: string }) => p.field).sort()).toEqual(['label', 'reason']);
    expect((await h.request('POST', '/v1/pcq/anomalies/an-nope/label', key, { label: 'data_skew', by: 'ana', reason: 'x' })).status).toBe(404);
    const ok = await h.request('POST', `/v1/pcq/anomalies/${b.anomalyId}/label`, key, { label: 'data_skew', by: 'ana', reason: 'the numpy bump came with a new parquet reader' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ label: 'data_skew', autoLabel: 'lib_pin_drift', override: { by: 'ana' }, runbook: 'docs/runbooks/data_skew.md' });
    const lines = (await h.request('GET', '/v1/pcq/overrides', key)).text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ anomalyId: b.anomalyId, label: 'data_skew', previousLabel: 'lib_pin_drift', features: expect.objectContaining({ pinned_lib_off: 1 }) })]);
  });

  test('clusters group a release by label and differing inputs; the agreement figure counts missing replays as not agreeing', async () => {
    const fixtures = Array.from({ length: 4 }, (_, i) => fixture(`fx-bump-${i}`));
    await h.request('POST', '/v1/pcq/fixtures', key, fixtures);
    const bumped = fixtures.flatMap((f, i) => [
      replay(`bump-${i}-c`, f.fixtureId),
      replay(`bump-${i}-g`, f.fixtureId, { runtime: gpu, libs: { numpy: '1.26.4', torch: '2.4.0' }, metrics: { accuracy: 0.88, mean_revenue: 119, rows: 1000 } }),
    ]);
    await h.request('POST', '/v1/pcq/replays?wait=true', key, { replays: bumped });
    const cl = await h.request('GET', '/v1/pcq/clusters?release=1.7.0', key);
    expect(cl.body.clusters[0]).toMatchObject({ label: 'lib_pin_drift', count: 4, inputs: ['libs.torch: 2.3.1 → 2.4.0', 'runtime: cpu/linux → gpu/linux'] });
    expect((await h.request('GET', '/v1/pcq/clusters', key)).status).toBe(400);
    const before = (await h.request('GET', '/v1/pcq/agreement?release=1.7.0', key)).body;
    // fx-a (retry agrees), fx-c agree; fx-b and the 4 bumped do not.
    expect(before).toMatchObject({ release: '1.7.0', fixtures: 7, agreeing: 2, missing: 0 });
    await h.request('POST', '/v1/pcq/fixtures', key, fixture('fx-late'));
    const miss = await h.request('POST', '/v1/pcq/replays/missing', key, { release: '1.7.0', runtime: gpu, shard: '3/4', fixtureIds: ['fx-late'], reason: 'timeout' });
    expect(miss.status).toBe(202);
    expect((await h.request('GET', '/v1/pcq/agreement?release=1.7.0', key)).body).toMatchObject({ fixtures: 8, agreeing: 2, missing: 1 });
    expect((await h.request('GET', '/v1/pcq/fixtures/fx-late', key)).body).toMatchObject({ status: 'missing_replays', missing: [{ release: '1.7.0', runtime: 'gpu/linux', shard: '3/4', reason: 'timeout' }] });
  });

  test('GET /ui/pcq/timeline renders the releases, anchors per fixture and metric, drifts and the checklist', async () => {
    const res = await h.request('GET', '/ui/pcq/timeline', key);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<tr id="fx-c--mean_revenue" class="drifted">');
    expect(res.text).toContain('href="#fx-c--mean_revenue"');
    expect(res.text).toMatch(/<th>1\.6\.0<\/th><th>1\.7\.0<\/th>/);
    expect(res.text).toContain('Sign-off checklist');
    expect(res.text).toContain('generated <time datetime="2026-11-28T12:00:00.000Z">');
    expect(res.text).not.toMatch(/<script|<link|src="http/);
    expect((await h.request('GET', '/ui/pcq/timeline?releases=99', key)).status).toBe(400);
    // The page is tenant data: a key is needed, and a producer sees only its own tenant.
    expect((await h.request('GET', '/ui/pcq/timeline?tenant=acme')).status).toBe(401);
    expect((await h.request('GET', '/ui/pcq/timeline?tenant=acme', h.keyFor('globex'))).status).toBe(403);
    expect((await h.request('GET', '/ui/pcq/timeline?tenant=acme', h.keyFor('audit', 'auditor'))).text).toContain('<tr id="fx-c--mean_revenue" class="drifted">');
  });

  // Last: its replay would change the counts the tests above assert.
  test('a replay may send its optional fields as null (as the ReplayRecorded event holds them); a negative duration is 422', async () => {
    const nulls = await h.request('POST', '/v1/pcq/replays', key, replay('r-nulls', 'fx-b', { durationMs: null, recordedAt: null, shard: null }));
    expect(nulls.status).toBe(202);
    const negative = await h.request('POST', '/v1/pcq/replays', key, replay('r-neg', 'fx-b', { durationMs: -1 }));
    expect(negative.status).toBe(422);
    expect(negative.body.details.problems.map((p: { field: string }) => p.field)).toEqual(['durationMs']);
  });
});
