import { clusterAnomalies } from './clustering';
import type { InputDiff } from './events/types';

const lib = (from: string, to: string): InputDiff => ({ field: 'libs.numpy', subject: to, reference: from, manifest: from, pinned: true, offManifest: true });
const rt: InputDiff = { field: 'runtime', subject: 'gpu/linux', reference: 'cpu/linux', manifest: null, pinned: false, offManifest: false };
const tqdm = (v: string): InputDiff => ({ field: 'libs.tqdm', subject: v, reference: '4.0.0', manifest: null, pinned: false, offManifest: false });

describe('clusters of anomalies', () => {
  test('given 200 fixtures moved by one numpy bump (with unrelated unpinned noise) and 3 others, then one cluster of 200 with examples', () => {
    const bump = Array.from({ length: 200 }, (_, i) => ({
      anomalyId: `a${i}`,
      fixtureId: `fx-${i}`,
      release: '1.7.0',
      label: 'lib_pin_drift',
      runtimes: ['gpu/linux', 'cpu/linux'],
      inputDiffs: i % 3 ? [lib('1.26.4', '2.0.0'), rt] : [lib('1.26.4', '2.0.0'), rt, tqdm(`4.${i}.0`)],
    }));
    const others = [
      { anomalyId: 'o1', fixtureId: 'fx-1', release: '1.7.0', label: 'lib_pin_drift', runtimes: ['gpu/linux', 'cpu/linux'], inputDiffs: [lib('1.26.4', '1.26.5'), rt] },
      { anomalyId: 'o2', fixtureId: 'fx-2', release: '1.7.0', label: 'nondeterministic_reduction', runtimes: ['gpu/linux', 'cpu/linux'], inputDiffs: [rt] },
      { anomalyId: 'o3', fixtureId: 'fx-3', release: '1.6.0', label: 'lib_pin_drift', runtimes: ['gpu/linux', 'cpu/linux'], inputDiffs: [lib('1.26.4', '2.0.0'), rt] },
    ];
    const clusters = clusterAnomalies([...bump, ...others]);
    expect(clusters.map((c) => [c.release, c.label, c.count])).toEqual([
      ['1.7.0', 'lib_pin_drift', 200],
      ...clusters.slice(1).map((c) => [c.release, c.label, 1]),
    ]);
    expect(clusters).toHaveLength(4);
    expect(clusters[0]).toMatchObject({ inputs: ['libs.numpy: 1.26.4 → 2.0.0', 'runtime: cpu/linux → gpu/linux'], fixtures: 200 });
    expect(clusters[0].examples).toHaveLength(5);
    expect(clusters[0].clusterId).toMatch(/^cl-[0-9a-f]{8}$/);
  });
});
