import { given } from '../runtime/testing';
import type { AnomalyDetected, ReproducibilityChecked } from './events/types';
import { reproducibility } from './reproducibility';
import { CPU, GPU, MAC, manifest, registered, replay, replayed } from './testing';

const payloads = <T>(emitted: { type: string; payload: unknown }[], type: string) => emitted.filter((e) => e.type === type).map((e) => e.payload as T);

describe('pcq.reproducibility (given the fixture stream, when a replay, then checks and anomalies)', () => {
  test('given a manifest and the baseline replay, when a gpu replay within tolerance, then one passing cross-runtime check and no anomaly', () => {
    const t = given(reproducibility, [registered(), replayed(replay())]);
    const out = t.when(replayed(replay({ runId: 'run-2', runtime: GPU, metrics: { accuracy: 0.9015, mean_revenue: 120.6, rows: 1000 } })));
    const checks = payloads<ReproducibilityChecked>(out, 'ReproducibilityChecked');
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ kind: 'cross_runtime', passed: true, subject: { runId: 'run-2' }, reference: { runId: 'run-1' } });
    expect(checks[0].deltas.map((d) => [d.metric, d.within, d.toleranceSource])).toEqual([
      ['accuracy', true, 'metric:accuracy'],
      ['mean_revenue', true, 'default'],
      ['rows', true, 'metric:rows'],
    ]);
    expect(payloads(out, 'AnomalyDetected')).toEqual([]);
  });

  test('given a gpu replay first, when the baseline arrives, then the gpu replay is checked against it', () => {
    const t = given(reproducibility, [registered(), replayed(replay({ runId: 'g', runtime: GPU, metrics: { accuracy: 0.95, mean_revenue: 120.5, rows: 1000 } }))]);
    const out = t.when(replayed(replay({ runId: 'c' })));
    const [a] = payloads<AnomalyDetected>(out, 'AnomalyDetected');
    expect(a).toMatchObject({ kind: 'cross_runtime', runtimes: ['gpu/linux', 'cpu/linux'], subject: { runId: 'g' }, reference: { runId: 'c' } });
    expect(a.metricsMoved).toEqual([expect.objectContaining({ metric: 'accuracy', reference: 0.9, subject: 0.95, tolRel: 0.002, tolAbs: 0.0005, within: false })]);
    expect(a.metricsMoved[0].relDelta).toBeCloseTo(0.0556, 3);
    expect(a.inputDiffs).toEqual([{ field: 'runtime', subject: 'gpu/linux', reference: 'cpu/linux', manifest: null, pinned: false, offManifest: false }]);
    expect(a.summary).toContain('accuracy 0.9 → 0.95 (5.56%), allowed ±0.2% / 0.0005 [metric:accuracy]');
    expect(a.features).toMatchObject({ runtime_only: 1, inputs_as_pinned: 1, device_diff: 1, release_diff: 0 });
  });

  test('given a seed-drifted replay, when it is compared, then the diff names the seed against the manifest and every other input difference', () => {
    const t = given(reproducibility, [registered(), replayed(replay())]);
    const out = t.when(
      replayed(replay({ runId: 'm', runtime: MAC, seed: '999', libs: { numpy: '1.26.4', torch: '2.3.1', tqdm: '4.66.0' }, metrics: { accuracy: 0.88, mean_revenue: 118, rows: 1000 } })),
    );
    const [a] = payloads<AnomalyDetected>(out, 'AnomalyDetected');
    expect(a.inputDiffs).toEqual([
      { field: 'seed', subject: '999', reference: '1234', manifest: '1234', pinned: true, offManifest: true },
      { field: 'libs.tqdm', subject: '4.66.0', reference: null, manifest: null, pinned: false, offManifest: false },
      { field: 'runtime', subject: 'cpu/macos', reference: 'cpu/linux', manifest: null, pinned: false, offManifest: false },
    ]);
    expect(a.features).toMatchObject({ seed_off: 1, unpinned_lib_diff: 1, os_diff: 1, inputs_as_pinned: 0 });
  });

  test('given release 1.6 on cpu, when 1.7 arrives on cpu, then a cross-release check against 1.6; releases order by taggedAt, not arrival', () => {
    const t = given(reproducibility, [
      registered(),
      replayed(replay({ runId: 'r17', release: '1.7.0', releaseTaggedAt: '2026-11-20T00:00:00Z' })),
    ]);
    const out = t.when(replayed(replay({ runId: 'r16', release: '1.6.0', releaseTaggedAt: '2026-10-01T00:00:00Z', metrics: { accuracy: 0.92, mean_revenue: 120.5, rows: 1000 } })));
    const [c] = payloads<ReproducibilityChecked>(out, 'ReproducibilityChecked');
    // 1.6 arrived late: 1.7 (the next release) is the subject, 1.6 the reference.
    expect(c).toMatchObject({ kind: 'cross_release', release: '1.7.0', subject: { runId: 'r17' }, reference: { runId: 'r16' }, passed: false });
    const [a] = payloads<AnomalyDetected>(out, 'AnomalyDetected');
    expect(a.inputDiffs).toEqual([{ field: 'release', subject: '1.7.0', reference: '1.6.0', manifest: null, pinned: false, offManifest: false }]);
    expect(a.features).toMatchObject({ release_only: 1 });
  });

  test('given a fixture override of the tolerance, when a move inside it, then the check passes and names the fixture as the source', () => {
    const t = given(reproducibility, [registered(manifest({ tolerances: { accuracy: { rel: 0.1, abs: null } } })), replayed(replay())]);
    const [c] = payloads<ReproducibilityChecked>(t.when(replayed(replay({ runId: 'g', runtime: GPU, metrics: { accuracy: 0.95, mean_revenue: 120.5, rows: 1000 } }))), 'ReproducibilityChecked');
    expect(c.passed).toBe(true);
    expect(c.deltas[0]).toMatchObject({ metric: 'accuracy', tolRel: 0.1, tolAbs: 0.0005, toleranceSource: 'fixture:fx-revenue' });
  });

  test('given values near zero, when they move by less than the absolute floor, then within; non-finite and missing metrics fail', () => {
    const t = given(reproducibility, [registered(), replayed(replay({ metrics: { bias: 0.0001, rows: 10, loss: 0.3 } }))]);
    const [c] = payloads<ReproducibilityChecked>(t.when(replayed(replay({ runId: 'g', runtime: GPU, metrics: { bias: 0.0009, rows: 10, loss: null } }))), 'ReproducibilityChecked');
    expect(c.deltas).toEqual([
      expect.objectContaining({ metric: 'bias', within: true, problem: null }),
      expect.objectContaining({ metric: 'loss', within: false, problem: 'non_finite', subject: null, reference: 0.3 }),
      expect.objectContaining({ metric: 'rows', within: true }),
    ]);
    const out = t.when(replayed(replay({ runId: 'g2', runtime: GPU, metrics: { bias: 0.0001, rows: 10 } })));
    expect(payloads<AnomalyDetected>(out, 'AnomalyDetected')[0].metricsMoved).toEqual([expect.objectContaining({ metric: 'loss', problem: 'missing' })]);
  });

  test('given no manifest, when a replay, then it is kept and nothing is emitted', () => {
    const t = given(reproducibility, []);
    expect(t.when(replayed(replay()))).toEqual([]);
  });

  test('the same inputs give the same anomaly id (a redo after a crash emits the same events)', () => {
    const history = [registered(), replayed(replay())];
    const g = replay({ runId: 'g', runtime: GPU, metrics: { accuracy: 0.5, mean_revenue: 1, rows: 1 } });
    const a1 = payloads<AnomalyDetected>(given(reproducibility, history).when(replayed(g)), 'AnomalyDetected')[0];
    const a2 = payloads<AnomalyDetected>(given(reproducibility, history).when(replayed(g)), 'AnomalyDetected')[0];
    expect(a1.anomalyId).toMatch(/^an-[0-9a-f]{20}$/);
    expect(a1.anomalyId).toBe(a2.anomalyId);
  });
});

describe('pcq.reproducibility state stays bounded', () => {
  test(`given more than KEEP_RELEASES releases, when another arrives, then only the newest are kept and the previous one is still compared`, () => {
    const { KEEP_RELEASES } = jest.requireActual('./reproducibility') as { KEEP_RELEASES: number };
    const history = [registered(), ...Array.from({ length: KEEP_RELEASES + 3 }, (_, i) => replayed(replay({ runId: `r${i}`, release: `1.${i}.0`, releaseTaggedAt: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z` })))];
    const t = given(reproducibility, history);
    expect(Object.keys(t.state(history[0].stream).releases)).toHaveLength(KEEP_RELEASES);
    const out = t.when(replayed(replay({ runId: 'last', release: '2.0.0', releaseTaggedAt: '2026-02-01T00:00:00Z' })));
    expect(payloads<ReproducibilityChecked>(out, 'ReproducibilityChecked')[0].reference.runId).toBe(`r${KEEP_RELEASES + 2}`);
  });
});
