/**
 * The release timeline as data: for each fixture and metric, the baseline runtime's values over the
 * last N releases, the delta of each release against the previous one, and whether it drifted
 * (outside the tolerance window of the one table, with the fixture's overrides).
 */
import type { ReadModelQueries } from '../../store/port';
import type { FixtureRegistered } from '../../../streams/pcq/events/types';
import { allowedDelta, resolveTolerance } from '../../../streams/pcq/tolerance';
import { agreement, releases } from '../queries';

export interface TimelineStep {
  value: number | null;
  /** Against the previous release shown (null for the first, or when a side is missing). */
  absDelta: number | null;
  relDelta: number | null;
  drift: boolean;
  present: boolean;
}
export interface TimelineRow {
  anchor: string;
  fixtureId: string;
  metric: string;
  runtime: string;
  steps: TimelineStep[];
  drift: boolean;
  tolerance: { rel: number; abs: number; source: string };
}
export interface Timeline {
  tenant: string;
  releases: { release: string; taggedAt: string | null }[];
  rows: TimelineRow[];
  agreement: Awaited<ReturnType<typeof agreement>>;
  anomalies: { label: string; count: number; needsReview: number }[];
  missing: number;
}

/** `#<fixtureId>--<metric>`; whitespace in a metric name becomes `_` (ids cannot hold spaces). */
export const anchorOf = (fixtureId: string, metric: string) => `${fixtureId}--${metric.replace(/\s+/g, '_')}`;

async function lastReleases(db: ReadModelQueries, tenant: string, n: number): Promise<{ release: string; taggedAt: string | null }[]> {
  const tagged = await releases(db, tenant);
  if (tagged.length) return tagged.slice(-n);
  // Nothing tagged yet: releases in the order their replays arrived.
  const rows = await db.all<{ release: string }>('SELECT release, MIN(position) AS p FROM pcq_replays WHERE tenant = ? GROUP BY release ORDER BY p', [tenant]);
  return rows.slice(-n).map((r) => ({ release: r.release, taggedAt: null }));
}

export async function timelineOf(db: ReadModelQueries, tenant: string, n = 5): Promise<Timeline> {
  const rels = await lastReleases(db, tenant, n);
  const index = new Map(rels.map((r, i) => [r.release, i]));
  const fixtures = await db.all<{ fixture_id: string; manifest: string; baseline_runtime: string }>(
    'SELECT fixture_id, manifest, baseline_runtime FROM pcq_fixtures WHERE tenant = ? ORDER BY fixture_id',
    [tenant],
  );
  const values = new Map<string, (Record<string, number | null> | undefined)[]>();
  if (rels.length) {
    const rows = await db.all<{ fixture_id: string; release: string; metrics: string }>(
      `SELECT r.fixture_id, r.release, r.metrics FROM pcq_replays r JOIN pcq_fixtures f ON f.tenant = r.tenant AND f.fixture_id = r.fixture_id AND f.baseline_runtime = r.runtime
       WHERE r.tenant = ? AND r.release IN (${rels.map(() => '?').join(',')})`,
      [tenant, ...rels.map((r) => r.release)],
    );
    for (const r of rows) {
      const list = values.get(r.fixture_id) ?? Array.from({ length: rels.length }, () => undefined);
      list[index.get(r.release)!] = JSON.parse(r.metrics);
      values.set(r.fixture_id, list);
    }
  }
  const out: TimelineRow[] = [];
  for (const f of fixtures) {
    const perRelease = values.get(f.fixture_id);
    if (!perRelease) continue;
    const manifest = JSON.parse(f.manifest) as FixtureRegistered;
    const metrics = [...new Set(perRelease.flatMap((m) => (m ? Object.keys(m) : [])))].sort();
    for (const metric of metrics) {
      const tol = resolveTolerance(metric, f.fixture_id, manifest.tolerances);
      let prev: number | null = null;
      const steps = perRelease.map((m, i): TimelineStep => {
        const present = !!m && metric in m;
        const raw = present ? m![metric] : null;
        const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
        let absDelta: number | null = null;
        let relDelta: number | null = null;
        let drift = false;
        if (i > 0 && prev !== null && value !== null) {
          absDelta = value - prev;
          relDelta = prev === 0 ? null : absDelta / Math.abs(prev);
          drift = Math.abs(absDelta) > allowedDelta(prev, tol) * (1 + 1e-9);
        } else if (i > 0 && present && value === null) drift = true; // a broken value is a drift a person must see
        if (present) prev = value;
        return { value, absDelta, relDelta, drift, present };
      });
      out.push({ anchor: anchorOf(f.fixture_id, metric), fixtureId: f.fixture_id, metric, runtime: f.baseline_runtime, steps, drift: steps.some((s) => s.drift), tolerance: tol });
    }
  }
  const latest = rels.at(-1)?.release;
  const anomalies = latest
    ? await db.all<{ label: string; count: number; needsReview: number }>(
        'SELECT label, COUNT(*) AS count, SUM(needs_review) AS "needsReview" FROM pcq_anomalies WHERE tenant = ? AND release = ? AND label IS NOT NULL GROUP BY label ORDER BY count DESC, label',
        [tenant, latest],
      )
    : [];
  const missing = latest ? (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM pcq_missing WHERE tenant = ? AND release = ?', [tenant, latest]))!.n : 0;
  return { tenant, releases: rels, rows: out, agreement: await agreement(db, tenant, latest), anomalies, missing };
}
