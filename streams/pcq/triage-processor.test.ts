import type { RecordedEvent } from '../../schemas/envelope';
import { recorded, given } from '../runtime/testing';
import type { AnomalyTriaged } from './events/types';
import { fixtureStream } from './events/types';
import { reproducibility } from './reproducibility';
import { triageProcessor } from './triage-processor';
import { CPU, GPU, manifest, registered, replay, replayed } from './testing';

/** Run the reproducibility processor and feed what it emits to the triage processor, in order. */
function pipeline() {
  const repro = given(reproducibility, []);
  const tri = given(triageProcessor, []);
  let n = 0;
  const stream = fixtureStream('acme', 'fx-revenue');
  return (e: RecordedEvent) => {
    const triaged: AnomalyTriaged[] = [];
    for (const out of repro.when(e)) {
      for (const t of tri.when(recorded(out.type, out.payload, { stream, id: `d-${++n}` }))) triaged.push(t.payload as AnomalyTriaged);
    }
    return triaged;
  };
}

const drifted = { accuracy: 0.86, mean_revenue: 131, rows: 1000 };

describe('pcq.triage (given anomalies, when a detection or a retry, then labels)', () => {
  test('given a manifest, when a replay with another seed moves metrics on gpu, then seed_drift (the input is the cause, whatever the runtime)', () => {
    const run = pipeline();
    run(registered());
    run(replayed(replay()));
    const [t] = run(replayed(replay({ runId: 'g', runtime: GPU, seed: '77', metrics: drifted })));
    expect(t).toMatchObject({ label: 'seed_drift', runbook: 'docs/runbooks/seed_drift.md', trigger: 'detected', needsReview: false, modelVersion: 'pcq-triage-v1' });
    expect(t.confidence).toBeGreaterThan(0.7);
    expect(t.confidence).toBeLessThanOrEqual(1);
    expect(t.evidence[0]).toMatch(/^seed_off=1/);
  });

  test('when a pinned library differs from the manifest, then lib_pin_drift; an unpinned library bump alone is not', () => {
    const run = pipeline();
    run(registered());
    run(replayed(replay()));
    expect(run(replayed(replay({ runId: 'g', runtime: GPU, libs: { numpy: '1.26.4', torch: '2.4.0' }, metrics: drifted })))[0].label).toBe('lib_pin_drift');
    expect(run(replayed(replay({ runId: 'g2', runtime: GPU, libs: { numpy: '1.26.4', torch: '2.3.1', tqdm: '4.0.0' }, metrics: { accuracy: 0.905, mean_revenue: 120.5, rows: 1000 } })))[0].label).toBe(
      'nondeterministic_reduction',
    );
  });

  test('when the data checksum differs, then data_skew', () => {
    const run = pipeline();
    run(registered());
    run(replayed(replay()));
    expect(run(replayed(replay({ runId: 'g', runtime: GPU, dataChecksum: 'sha256:other', metrics: { accuracy: 0.87, mean_revenue: 140, rows: 1100 } })))[0].label).toBe('data_skew');
  });

  test('when a newer release moves metrics on the same runtime with inputs as pinned, then regression', () => {
    const run = pipeline();
    run(registered());
    run(replayed(replay({ runId: 'a', release: '1.6.0', releaseTaggedAt: '2026-10-01T00:00:00Z' })));
    const [t] = run(replayed(replay({ runId: 'b', release: '1.7.0', releaseTaggedAt: '2026-11-01T00:00:00Z', metrics: { accuracy: 0.8, mean_revenue: 120.5, rows: 1000 } })));
    expect(t.label).toBe('regression');
  });

  test('when a metric is non-finite with inputs as pinned, then infra_flake', () => {
    const run = pipeline();
    run(registered());
    run(replayed(replay()));
    expect(run(replayed(replay({ runId: 'g', runtime: GPU, metrics: { accuracy: NaN, mean_revenue: 120.5, rows: 1000 } })))[0].label).toBe('infra_flake');
  });

  test('given an anomaly labelled nondeterministic_reduction, when a retry on the same runtime reproduces the baseline, then a new AnomalyTriaged infra_flake supersedes it', () => {
    const run = pipeline();
    run(registered());
    run(replayed(replay()));
    const [first] = run(replayed(replay({ runId: 'g1', runtime: GPU, metrics: { accuracy: 0.91, mean_revenue: 120.5, rows: 1000 } })));
    expect(first.label).toBe('nondeterministic_reduction');
    const [second] = run(replayed(replay({ runId: 'g2', runtime: GPU })));
    expect(second).toMatchObject({ anomalyId: first.anomalyId, label: 'infra_flake', trigger: 'retry_reproduced', supersedesLabel: 'nondeterministic_reduction', retryRunId: 'g2' });
    expect(second.features.retry_reproduced).toBe(1);
    // Settled: a third good run does not re-triage again.
    expect(run(replayed(replay({ runId: 'g3', runtime: GPU })))).toEqual([]);
  });

  test('given a human override, when a retry passes, then no re-triage', () => {
    const repro = given(reproducibility, [registered(), replayed(replay())]);
    const tri = given(triageProcessor, []);
    const stream = fixtureStream('acme', 'fx-revenue');
    const [, detected] = repro.when(replayed(replay({ runId: 'g1', runtime: GPU, metrics: { accuracy: 0.91, mean_revenue: 120.5, rows: 1000 } })));
    const [t] = tri.when(recorded('AnomalyDetected', detected.payload, { stream }));
    tri.when(recorded('TriageOverridden', { anomalyId: (t.payload as AnomalyTriaged).anomalyId, label: 'regression', by: 'ana', reason: 'known', features: {} }, { stream }));
    const [passing] = repro.when(replayed(replay({ runId: 'g2', runtime: GPU })));
    expect(tri.when(recorded('ReproducibilityChecked', passing.payload, { stream }))).toEqual([]);
    void CPU;
    void manifest;
  });
});
