/** PCQ on the real service: auth by hashed keys, the shipped catalog, every domain registered, background runners. */
import { startTestService } from '../testing';
import { pcqDomain } from './pcq';

test('replays over HTTP on the real service become checks, labelled anomalies and the demo loads', async () => {
  const svc = await startTestService();
  try {
    const key = await svc.keyFor('demo', 'producer');
    const lines = await pcqDomain.demo!({ tenant: 'demo', request: (method, path, body) => svc.request(method, path, key, body) });
    expect(lines[0]).toMatch(/12 PCQ fixtures/);
    const anomalies = (await svc.request('GET', '/v1/pcq/anomalies?release=1.7.0', key)).body as { label: string; fixtureId: string; kind: string }[];
    // The demo's 1.7.0 bumps an unpinned library on the GPU runners of four fixtures: each shows against the CPU baseline and against 1.6.
    const drift = anomalies.filter((a) => a.label === 'lib_pin_drift');
    for (const kind of ['cross_runtime', 'cross_release']) {
      expect(drift.filter((a) => a.kind === kind).map((a) => a.fixtureId).sort()).toEqual(['revenue-01', 'revenue-02', 'revenue-03', 'revenue-04']);
    }
    const clusters = (await svc.request('GET', '/v1/pcq/clusters?release=1.7.0', key)).body.clusters;
    expect(clusters[0]).toMatchObject({ label: 'lib_pin_drift', count: 4 });
    const { seed: _s, ...noSeed } = { runId: 'x', fixtureId: 'revenue-01', release: '1.7.0', runtime: { device: 'cpu', os: 'linux' }, seed: 1, libs: {}, dataChecksum: 'd', metrics: { a: 1 } };
    expect((await svc.request('POST', '/v1/pcq/replays', key, noSeed)).status).toBe(422);
  } finally {
    await svc.stop();
  }
});
