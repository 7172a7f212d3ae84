/**
 * GET /v1/pcq/releases (the workbench's release list, from the read model) and the workbench's
 * reads under ?tenant=: auditors and admins read another tenant, a producer naming one gets 403.
 */
import { startPcqHarness, type PcqHarness } from '../harness/pcq-harness';

const fixture = { fixtureId: 'fx-a', seed: 1, libs: { numpy: '1.26.4' }, dataChecksum: 'sha256:a', baselineRuntime: { device: 'cpu', os: 'linux' } };
const replay = (runId: string, release: string, device: string, accuracy: number) => ({
  runId,
  fixtureId: 'fx-a',
  release,
  runtime: { device, os: 'linux' },
  seed: 1,
  libs: { numpy: '1.26.4' },
  dataChecksum: 'sha256:a',
  metrics: { accuracy },
});

describe('GET /v1/pcq/releases and the workbench reads of another tenant', () => {
  let h: PcqHarness;
  let acme: string;
  beforeAll(async () => {
    h = await startPcqHarness();
    acme = h.keyFor('acme');
    expect((await h.request('POST', '/v1/pcq/fixtures', acme, fixture)).status).toBe(201);
    // Tagged out of arrival order: the list follows taggedAt.
    expect((await h.request('POST', '/v1/pcq/releases', acme, { release: '2.0.0', taggedAt: '2026-10-01T00:00:00Z' })).status).toBe(201);
    expect((await h.request('POST', '/v1/pcq/releases', acme, { release: '1.0.0', taggedAt: '2026-09-01T00:00:00Z' })).status).toBe(201);
    // 3.0.0 has replays (an anomaly across runtimes) but no tag yet.
    expect((await h.request('POST', '/v1/pcq/replays', acme, { replays: [replay('c', '3.0.0', 'cpu', 0.9), replay('g', '3.0.0', 'gpu', 0.2)] })).status).toBe(202);
    await h.drain();
  });
  afterAll(() => h.stop());

  test('given two tagged releases and one only replayed, the list is the tagged ones by taggedAt, then the untagged one with taggedAt null', async () => {
    const res = await h.request('GET', '/v1/pcq/releases', acme);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant: 'acme',
      releases: [
        { release: '1.0.0', taggedAt: '2026-09-01T00:00:00.000Z' },
        { release: '2.0.0', taggedAt: '2026-10-01T00:00:00.000Z' },
        { release: '3.0.0', taggedAt: null },
      ],
    });
  });

  test('given a tenant with no release, its list is empty; another tenant’s releases never show', async () => {
    expect((await h.request('GET', '/v1/pcq/releases', h.keyFor('globex'))).body).toEqual({ tenant: 'globex', releases: [] });
  });

  test('an auditor or admin naming a tenant reads its releases, anomalies, clusters and agreement; a producer naming another tenant gets 403', async () => {
    const auditor = h.keyFor('audit', 'auditor');
    const releases = await h.request('GET', '/v1/pcq/releases?tenant=acme', auditor);
    expect(releases.body.releases.map((r: { release: string }) => r.release)).toEqual(['1.0.0', '2.0.0', '3.0.0']);
    expect((await h.request('GET', '/v1/pcq/releases?tenant=acme', h.keyFor('ops', 'admin'))).body.tenant).toBe('acme');
    const anomalies = await h.request('GET', '/v1/pcq/anomalies?release=3.0.0&tenant=acme', auditor);
    expect(anomalies.body.length).toBeGreaterThan(0);
    expect((await h.request('GET', '/v1/pcq/anomalies?release=3.0.0', auditor)).body).toEqual([]); // its own tenant has none
    expect((await h.request('GET', '/v1/pcq/clusters?release=3.0.0&tenant=acme', auditor)).body.clusters.length).toBeGreaterThan(0);
    expect((await h.request('GET', '/v1/pcq/agreement?release=3.0.0&tenant=acme', auditor)).body).toMatchObject({ release: '3.0.0', fixtures: 1, agreeing: 0 });
    for (const path of ['/v1/pcq/releases', '/v1/pcq/anomalies', '/v1/pcq/clusters?release=3.0.0&', '/v1/pcq/agreement']) {
      const url = path.endsWith('&') ? `${path}tenant=acme` : `${path}?tenant=acme`;
      expect([url, (await h.request('GET', url, h.keyFor('globex'))).status]).toEqual([url, 403]);
    }
  });
});
