/** Builders for PCQ tests: a manifest, replays and their recorded events on the fixture stream. */
import { recorded } from '../runtime/testing';
import { fixtureStream, type FixtureRegistered, type ReplayRecorded, type Runtime } from './events/types';

export const CPU: Runtime = { device: 'cpu', os: 'linux' };
export const GPU: Runtime = { device: 'gpu', os: 'linux' };
export const MAC: Runtime = { device: 'cpu', os: 'macos' };

export const manifest = (over: Partial<FixtureRegistered> = {}): FixtureRegistered => ({
  fixtureId: 'fx-revenue',
  seed: '1234',
  libs: { numpy: '1.26.4', torch: '2.3.1' },
  dataChecksum: 'sha256:abc',
  baselineRuntime: CPU,
  tolerances: {},
  ...over,
});

export const replay = (over: Partial<ReplayRecorded> = {}): ReplayRecorded => ({
  runId: 'run-1',
  fixtureId: 'fx-revenue',
  release: '1.7.0',
  runtime: CPU,
  seed: '1234',
  libs: { numpy: '1.26.4', torch: '2.3.1' },
  dataChecksum: 'sha256:abc',
  metrics: { accuracy: 0.9, mean_revenue: 120.5, rows: 1000 },
  durationMs: null,
  recordedAt: null,
  releaseTaggedAt: null,
  shard: null,
  ...over,
});

const stream = fixtureStream('acme', 'fx-revenue');
export const registered = (m: FixtureRegistered = manifest()) => recorded('FixtureRegistered', m, { stream, id: `fx-${m.fixtureId}` });
export const replayed = (r: ReplayRecorded) => recorded('ReplayRecorded', r, { stream, id: r.runId });
