/** The `make bench-pcq` data set (also loaded by `make bench-console`): fixtures, tagged releases and seeded replays. */
import { rng } from '../../streams/pcq/triage/corpus';

export const BENCH_RELEASES = ['1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0'];
export const BENCH_RUNTIMES = [{ device: 'cpu', os: 'linux' }, { device: 'gpu', os: 'linux' }];

export function pcqBenchSet(fixtures: number) {
  const r = rng(2026);
  const ids = Array.from({ length: fixtures }, (_, i) => `fx-${String(i).padStart(5, '0')}`);
  const manifests = ids.map((fixtureId) => ({ fixtureId, seed: 42, libs: { numpy: '1.26.4', torch: '2.3.1' }, dataChecksum: 'sha256:d', baselineRuntime: BENCH_RUNTIMES[0] }));
  const releases = BENCH_RELEASES.map((release, i) => ({ release, taggedAt: `2026-0${i + 5}-01T00:00:00Z` }));
  // Realistic mix: jitter within tolerance everywhere; ~3% gpu reduction moves, ~1% seed drifts, a numpy bump in 1.7.0 for 2% of fixtures.
  const replays = BENCH_RELEASES.flatMap((release, ri) =>
    ids.flatMap((fixtureId) =>
      BENCH_RUNTIMES.map((runtime) => {
        const gpu = runtime.device === 'gpu';
        const x = r();
        const jitter = (v: number) => v * (1 + (r() - 0.5) * 0.001);
        const drift = gpu && x < 0.03 ? 0.01 : 0;
        const seed = gpu && x > 0.99 ? 7 : 42;
        const bump = gpu && ri === 4 && x > 0.5 && x < 0.52;
        return {
          runId: `${fixtureId}-${release}-${runtime.device}`,
          fixtureId,
          release,
          runtime,
          seed,
          libs: { numpy: bump ? '2.0.0' : '1.26.4', torch: '2.3.1' },
          dataChecksum: 'sha256:d',
          metrics: { accuracy: jitter(0.9) * (1 + drift + (seed !== 42 || bump ? 0.02 : 0)), loss: jitter(0.3), rows: 100000 },
        };
      }),
    ),
  );
  return { ids, manifests, releases, replays };
}
