import { startPcqHarness, type PcqHarness } from '../../connectors/http/harness/pcq-harness';
import { pcqDemo } from './demo';

describe('PCQ demo data', () => {
  let h: PcqHarness;
  beforeAll(async () => {
    h = await startPcqHarness();
  });
  afterAll(() => h.stop());

  test('loads through the HTTP API and shows each kind of story: a library bump cluster, a gpu reduction, a regression', async () => {
    const key = h.keyFor('demo');
    const lines = await pcqDemo({ tenant: 'demo', request: (method, path, body) => h.request(method, path, key, body) });
    expect(lines).toEqual(['12 PCQ fixtures, 5 releases, 120 replays (see /ui/pcq/timeline?tenant=demo)']);
    const all = (await h.request('GET', '/v1/pcq/anomalies', key)).body as { fixtureId: string; release: string; kind: string; label: string }[];
    const summary = [...new Set(all.map((a) => `${a.fixtureId} ${a.release} ${a.kind} ${a.label}`))].sort();
    expect(summary).toEqual(
      expect.arrayContaining([
        'revenue-01 1.7.0 cross_runtime lib_pin_drift',
        'revenue-07 1.3.0 cross_runtime nondeterministic_reduction',
        'revenue-10 1.6.0 cross_release regression',
      ]),
    );
    const clusters = (await h.request('GET', '/v1/pcq/clusters?release=1.7.0', key)).body.clusters;
    expect(clusters[0]).toMatchObject({ label: 'lib_pin_drift', count: 4, inputs: ['libs.numpy: 1.26.4 → 2.0.0', 'runtime: cpu/linux → gpu/linux'] });
  });
});
