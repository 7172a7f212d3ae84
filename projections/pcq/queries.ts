/** Reads of the PCQ read models, shaped for the API, the timeline page and the bench. */
import type { ReadModelQueries, SqlValue } from '../store/port';
import type { FixtureRegistered, MetricDelta } from '../../streams/pcq/events/types';
import { clusterAnomalies, type Cluster } from '../../streams/pcq/clustering';
import type { AgreementView, AnomalyView } from './view-types';

export type { AgreementView, AnomalyView } from './view-types';

export const AGREEMENT_TARGET = 0.95;

export async function getManifest(db: ReadModelQueries, tenant: string, fixtureId: string): Promise<FixtureRegistered | undefined> {
  const row = await db.get<{ manifest: string }>('SELECT manifest FROM pcq_fixtures WHERE tenant = ? AND fixture_id = ?', [tenant, fixtureId]);
  return row ? (JSON.parse(row.manifest) as FixtureRegistered) : undefined;
}

/** The fixture ids among `ids` that are registered (one query per call, for batches). */
export async function knownFixtures(db: ReadModelQueries, tenant: string, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  const known = new Set<string>();
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const rows = await db.all<{ fixture_id: string }>(`SELECT fixture_id FROM pcq_fixtures WHERE tenant = ? AND fixture_id IN (${chunk.map(() => '?').join(',')})`, [tenant, ...chunk]);
    for (const r of rows) known.add(r.fixture_id);
  }
  return known;
}

export interface ReleaseRow {
  release: string;
  taggedAt: string;
}
export function releases(db: ReadModelQueries, tenant: string): Promise<ReleaseRow[]> {
  return db.all<ReleaseRow>('SELECT release, tagged_at AS "taggedAt" FROM pcq_releases WHERE tenant = ? ORDER BY tagged_at, release', [tenant]);
}

export interface ListedRelease {
  release: string;
  /** When it was tagged (POST /v1/pcq/releases); null for a release that has replays but no tag yet. */
  taggedAt: string | null;
}
/**
 * The releases the workbench and the SDKs list: tagged ones in tag order, then releases that have
 * replays but no tag, in the order their first replay arrived.
 */
export async function releaseList(db: ReadModelQueries, tenant: string): Promise<ListedRelease[]> {
  const tagged = await releases(db, tenant);
  const known = new Set(tagged.map((r) => r.release));
  const replayed = await db.all<{ release: string }>('SELECT release, MIN(position) AS p FROM pcq_replays WHERE tenant = ? GROUP BY release ORDER BY p, release', [tenant]);
  return [...tagged, ...replayed.filter((r) => !known.has(r.release)).map((r) => ({ release: r.release, taggedAt: null }))];
}


interface AnomalyRow {
  anomaly_id: string; fixture_id: string; release: string; kind: string; runtimes: string; diff: string; features: string; detected_at: string;
  label: string | null; auto_label: string | null; confidence: number | null; runbook: string | null; needs_review: number | null; model_version: string | null;
  trigger: string | null; supersedes_label: string | null; evidence: string | null; overridden_by: string | null; override_reason: string | null;
}

const toView = (r: AnomalyRow): AnomalyView => ({
  anomalyId: r.anomaly_id,
  fixtureId: r.fixture_id,
  release: r.release,
  kind: r.kind,
  runtimes: JSON.parse(r.runtimes),
  label: r.label,
  autoLabel: r.auto_label,
  confidence: r.confidence,
  runbook: r.runbook,
  needsReview: r.needs_review === 1,
  modelVersion: r.model_version,
  trigger: r.trigger,
  supersedesLabel: r.supersedes_label,
  evidence: r.evidence ? JSON.parse(r.evidence) : [],
  override: r.overridden_by ? { by: r.overridden_by, reason: r.override_reason ?? '' } : null,
  diff: JSON.parse(r.diff),
  features: JSON.parse(r.features),
  detectedAt: r.detected_at,
});

export interface AnomalyFilter {
  fixtureId?: string;
  release?: string;
  label?: string;
  limit?: number;
}

export async function listAnomalies(db: ReadModelQueries, tenant: string, f: AnomalyFilter = {}): Promise<AnomalyView[]> {
  const where = ['tenant = ?'];
  const args: SqlValue[] = [tenant];
  if (f.fixtureId) (where.push('fixture_id = ?'), args.push(f.fixtureId));
  if (f.release) (where.push('release = ?'), args.push(f.release));
  if (f.label) (where.push('label = ?'), args.push(f.label));
  const rows = await db.all<AnomalyRow>(`SELECT * FROM pcq_anomalies WHERE ${where.join(' AND ')} ORDER BY detected_at, anomaly_id LIMIT ?`, [...args, f.limit ?? 1000]);
  return rows.map(toView);
}

export async function getAnomaly(db: ReadModelQueries, tenant: string, anomalyId: string): Promise<AnomalyView | undefined> {
  const row = await db.get<AnomalyRow>('SELECT * FROM pcq_anomalies WHERE tenant = ? AND anomaly_id = ?', [tenant, anomalyId]);
  return row ? toView(row) : undefined;
}

export async function clustersOf(db: ReadModelQueries, tenant: string, release: string): Promise<Cluster[]> {
  const anomalies = (await listAnomalies(db, tenant, { release, limit: 1_000_000 })).filter((a) => a.label !== null);
  return clusterAnomalies(anomalies.map((a) => ({ ...a, label: a.label!, inputDiffs: (a.diff as { inputDiffs: never[] }).inputDiffs })));
}

export interface Verdict {
  kind: string;
  release: string;
  subjectRuntime: string;
  referenceRelease: string;
  referenceRuntime: string;
  checkId: string;
  passed: boolean;
  deltas: MetricDelta[];
}

export async function verdictsOf(db: ReadModelQueries, tenant: string, fixtureId: string): Promise<Verdict[]> {
  const rows = await db.all<{ kind: string; release: string; subject_runtime: string; reference_release: string; reference_runtime: string; check_id: string; passed: number; deltas: string }>(
    'SELECT * FROM pcq_verdicts WHERE tenant = ? AND fixture_id = ? ORDER BY position DESC',
    [tenant, fixtureId],
  );
  return rows.map((r) => ({
    kind: r.kind,
    release: r.release,
    subjectRuntime: r.subject_runtime,
    referenceRelease: r.reference_release,
    referenceRuntime: r.reference_runtime,
    checkId: r.check_id,
    passed: r.passed === 1,
    deltas: JSON.parse(r.deltas),
  }));
}

export async function fixtureDetail(db: ReadModelQueries, tenant: string, fixtureId: string) {
  const manifest = await getManifest(db, tenant, fixtureId);
  if (!manifest) return undefined;
  const checks = await verdictsOf(db, tenant, fixtureId);
  const missing = await db.all<{ release: string; runtime: string; shard: string; reason: string }>(
    'SELECT release, runtime, shard, reason FROM pcq_missing WHERE tenant = ? AND fixture_id = ? ORDER BY release, runtime',
    [tenant, fixtureId],
  );
  const order = new Map((await releases(db, tenant)).map((r, i) => [r.release, i]));
  const seen = [...new Set([...checks.map((c) => c.release), ...missing.map((m) => m.release)])];
  seen.sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b));
  const latestRelease = seen[seen.length - 1] ?? null;
  const latest = checks.filter((c) => c.release === latestRelease);
  const status =
    latestRelease === null ? 'no_checks' : missing.some((m) => m.release === latestRelease) ? 'missing_replays' : latest.every((c) => c.passed) ? 'reproducible' : 'anomalous';
  const anomalies = (await listAnomalies(db, tenant, { fixtureId })).map(({ anomalyId, release, label, confidence, needsReview, runtimes }) => ({ anomalyId, release, label, confidence, needsReview, runtimes }));
  return { fixtureId, manifest, status, latestRelease, latestChecks: latest, missing, anomalies };
}

/** Dashboard figure: share of fixtures whose replays agree across runtimes within tolerance. */
export async function agreement(db: ReadModelQueries, tenant: string, release?: string): Promise<AgreementView> {
  const rel =
    release ??
    (await releases(db, tenant)).at(-1)?.release ??
    (await db.get<{ release: string }>('SELECT release FROM pcq_verdicts WHERE tenant = ? ORDER BY position DESC LIMIT 1', [tenant]))?.release;
  if (!rel) return { release: null, fixtures: 0, agreeing: 0, missing: 0, share: null, target: AGREEMENT_TARGET, meetsTarget: false };
  const rows = await db.all<{ fixture_id: string; ok: number }>(
    "SELECT fixture_id, MIN(passed) AS ok FROM pcq_verdicts WHERE tenant = ? AND release = ? AND kind = 'cross_runtime' GROUP BY fixture_id",
    [tenant, rel],
  );
  const missing = new Set((await db.all<{ fixture_id: string }>('SELECT DISTINCT fixture_id FROM pcq_missing WHERE tenant = ? AND release = ?', [tenant, rel])).map((r) => r.fixture_id));
  // A fixture with missing replays is not agreeing: a timed-out shard never counts as passing.
  const fixtures = new Set([...rows.map((r) => r.fixture_id), ...missing]);
  const agreeing = rows.filter((r) => r.ok === 1 && !missing.has(r.fixture_id)).length;
  const share = fixtures.size ? agreeing / fixtures.size : null;
  return { release: rel, fixtures: fixtures.size, agreeing, missing: missing.size, share, target: AGREEMENT_TARGET, meetsTarget: share !== null && share >= AGREEMENT_TARGET };
}
