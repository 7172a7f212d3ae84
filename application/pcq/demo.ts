/** `trust demo` data for PCQ: 12 fixtures over 5 releases on cpu and gpu, with a numpy bump, a gpu reduction drift and a regression. */
import type { DemoApi } from '../module';

const RELEASES = ['1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0'];

export async function pcqDemo(api: DemoApi): Promise<string[]> {
  const ids = Array.from({ length: 12 }, (_, i) => `revenue-${String(i + 1).padStart(2, '0')}`);
  const must = async (path: string, body: unknown, status: number) => {
    const res = await api.request('POST', path, body);
    if (res.status !== status) throw new Error(`demo ${path} refused: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await must('/v1/pcq/fixtures', ids.map((fixtureId) => ({ fixtureId, seed: 2026, libs: { numpy: '1.26.4', pandas: '2.2.2' }, dataChecksum: 'sha256:5be1d2', baselineRuntime: { device: 'cpu', os: 'linux' } })), 201);
  for (const [i, release] of RELEASES.entries()) await must('/v1/pcq/releases', { release, taggedAt: new Date(Date.UTC(2026, 6 + i, 1)).toISOString() }, 201);
  const replays = RELEASES.flatMap((release, r) =>
    ids.flatMap((fixtureId, f) =>
      (['cpu', 'gpu'] as const).map((device) => {
        const bump = device === 'gpu' && release === '1.7.0' && f < 4; // one numpy bump moves four fixtures
        const reduction = device === 'gpu' && f === 6; // a gpu reduction order moves one metric slightly
        const regression = release >= '1.6.0' && f === 9; // 1.6.0 changed a result on every runtime
        return {
          runId: `demo-${fixtureId}-${release}-${device}`,
          fixtureId,
          release,
          runtime: { device, os: 'linux' },
          seed: 2026,
          libs: { numpy: bump ? '2.0.0' : '1.26.4', pandas: '2.2.2' },
          dataChecksum: 'sha256:5be1d2',
          metrics: { accuracy: 0.91 + f * 0.001 + (bump ? 0.01 : 0), mean_revenue: 120 + f + (regression ? 9 : 0) + (reduction ? 0.9 : 0), rows: 48000 + f },
        };
      }),
    ),
  );
  await must('/v1/pcq/replays?wait=true', { replays }, 202);
  return [`${ids.length} PCQ fixtures, ${RELEASES.length} releases, ${replays.length} replays (see /ui/pcq/timeline?tenant=${api.tenant})`];
}
