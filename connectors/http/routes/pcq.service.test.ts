/**
 * PCQ on the real service (auth by hashed keys, the shipped catalog, background runners). Runs once
 * the PCQ events are in the catalog (see streams/pcq/events/README.md); until then it is reported
 * as skipped, not passed — the harness-based tests cover the same routes meanwhile.
 */
import { catalog } from '../../../schemas/catalog';
import { allProjections } from '../../registry';
import { startTestService } from '../testing';
import { pcqDomain } from './pcq';

const wired = catalog().entries.has('ReplayRecorded');

(wired ? test : test.skip)('replays over HTTP on the real service become checks, labelled anomalies and the demo loads', async () => {
  const svc = await startTestService({ processors: pcqDomain.processors, projections: [...allProjections(), ...pcqDomain.projections], routes: pcqDomain.routes });
  try {
    const key = await svc.keyFor('demo', 'producer');
    const lines = await pcqDomain.demo!({ tenant: 'demo', request: (method, path, body) => svc.request(method, path, key, body) });
    expect(lines[0]).toMatch(/12 PCQ fixtures/);
    const anomalies = (await svc.request('GET', '/v1/pcq/anomalies?release=1.7.0', key)).body as { label: string; fixtureId: string }[];
    expect(anomalies.filter((a) => a.label === 'lib_pin_drift').map((a) => a.fixtureId).sort()).toEqual(['revenue-01', 'revenue-02', 'revenue-03', 'revenue-04']);
    const clusters = (await svc.request('GET', '/v1/pcq/clusters?release=1.7.0', key)).body.clusters;
    expect(clusters[0]).toMatchObject({ label: 'lib_pin_drift', count: 4 });
    const { seed: _s, ...noSeed } = { runId: 'x', fixtureId: 'revenue-01', release: '1.7.0', runtime: { device: 'cpu', os: 'linux' }, seed: 1, libs: {}, dataChecksum: 'd', metrics: { a: 1 } };
    expect((await svc.request('POST', '/v1/pcq/replays', key, noSeed)).status).toBe(422);
  } finally {
    await svc.stop();
  }
});
