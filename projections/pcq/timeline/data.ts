/**
 * The release timeline as data: for each fixture and metric, the baseline runtime's values over the
 * last N releases, the delta of each release against the previous one, and whether it drifted
 * (outside the tolerance window of the one table, with the fixture's overrides).
 */
import type Database from 'better-sqlite3';
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
  agreement: ReturnType<typeof agreement>;
  anomalies: { label: string; count: number; needsReview: number }[];
  missing: number;
}

/** `#<fixtureId>--<metric>`; whitespace in a metric name becomes `_` (ids cannot hold spaces). */
export const anchorOf = (fixtureId: string, metric: string) => `${fixtureId}--${metric.replace(/\s+/g, '_')}`;

function lastReleases(db: Database.Database, tenant: string, n: number): { release: string; taggedAt: string | null }[] {
  const tagged = releases(db, tenant);
  if (tagged.length) return tagged.slice(-n);
  // Nothing tagged yet: releases in the order their replays arrived.
  const rows = db.prepare('SELECT release, MIN(position) AS p FROM pcq_replays WHERE tenant = ? GROUP BY release ORDER BY p').all(tenant) as { release: string }[];
  return rows.slice(-n).map((r) => ({ release: r.release, taggedAt: null }));
}

export function timelineOf(db: Database.Database, tenant: string, n = 5): Timeline {
  const rels = lastReleases(db, tenant, n);
  const index = new Map(rels.map((r, i) => [r.release, i]));
  const fixtures = db.prepare('SELECT fixture_id, manifest, baseline_runtime FROM pcq_fixtures WHERE tenant = ? ORDER BY fixture_id').all(tenant) as {
    fixture_id: string; manifest: string; baseline_runtime: string;
  }[];
  const values = new Map<string, (Record<string, number | null> | undefined)[]>();
  if (rels.length) {
    const rows = db
      .prepare(
        `SELECT r.fixture_id, r.release, r.metrics FROM pcq_replays r JOIN pcq_fixtures f ON f.tenant = r.tenant AND f.fixture_id = r.fixture_id AND f.baseline_runtime = r.runtime
         WHERE r.tenant = ? AND r.release IN (${rels.map(() => '?').join(',')})`,
      )
      .all(tenant, ...rels.map((r) => r.release)) as { fixture_id: string; release: string; metrics: string }[];
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
    ? (db.prepare('SELECT label, COUNT(*) AS count, SUM(needs_review) AS needsReview FROM pcq_anomalies WHERE tenant = ? AND release = ? AND label IS NOT NULL GROUP BY label ORDER BY count DESC').all(tenant, latest) as {
        label: string; count: number; needsReview: number;
      }[])
    : [];
  const missing = latest ? (db.prepare('SELECT COUNT(*) AS n FROM pcq_missing WHERE tenant = ? AND release = ?').get(tenant, latest) as { n: number }).n : 0;
  return { tenant, releases: rels, rows: out, agreement: agreement(db, tenant, latest), anomalies, missing };
}
