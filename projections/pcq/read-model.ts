/**
 * PCQ read models, folded from the PCQ events:
 *   pcq_fixtures   manifest per fixture (the "unknown fixture" check at ingest reads it)
 *   pcq_releases   tagged releases (ordered by tagged_at)
 *   pcq_replays    latest replay per fixture, release and runtime (timeline values)
 *   pcq_verdicts   latest verdict per comparison (fixture, kind, release, runtime pair): status, agreement
 *   pcq_missing    fixtures a CI shard did not deliver, until a replay arrives
 *   pcq_anomalies  anomalies with their diff, the latest model label, and a person's override
 */
import type { RecordedEvent } from '../../schemas/envelope';
import { runtimeName } from '../../streams/pcq/events/types';
import type {
  AnomalyDetected,
  AnomalyTriaged,
  FixtureRegistered,
  ReleaseTagged,
  ReplayRecorded,
  ReplaysMissing,
  ReproducibilityChecked,
  TriageOverridden,
} from '../../streams/pcq/events/types';
import type { ReadModelTx } from '../store/port';

export const FIXTURES_DDL = `
CREATE TABLE IF NOT EXISTS pcq_fixtures (
  tenant TEXT NOT NULL, fixture_id TEXT NOT NULL, manifest TEXT NOT NULL, baseline_runtime TEXT NOT NULL, registered_at TEXT NOT NULL,
  PRIMARY KEY (tenant, fixture_id)
);
CREATE TABLE IF NOT EXISTS pcq_releases (
  tenant TEXT NOT NULL, release TEXT NOT NULL, tagged_at TEXT NOT NULL,
  PRIMARY KEY (tenant, release)
);
CREATE TABLE IF NOT EXISTS pcq_replays (
  tenant TEXT NOT NULL, fixture_id TEXT NOT NULL, release TEXT NOT NULL, runtime TEXT NOT NULL,
  run_id TEXT NOT NULL, metrics TEXT NOT NULL, recorded_at TEXT NOT NULL, position INTEGER NOT NULL,
  PRIMARY KEY (tenant, fixture_id, release, runtime)
);
CREATE TABLE IF NOT EXISTS pcq_verdicts (
  tenant TEXT NOT NULL, fixture_id TEXT NOT NULL, kind TEXT NOT NULL, release TEXT NOT NULL,
  subject_runtime TEXT NOT NULL, reference_release TEXT NOT NULL, reference_runtime TEXT NOT NULL,
  check_id TEXT NOT NULL, passed INTEGER NOT NULL, deltas TEXT NOT NULL, position INTEGER NOT NULL,
  PRIMARY KEY (tenant, fixture_id, kind, release, subject_runtime, reference_release, reference_runtime)
);
CREATE INDEX IF NOT EXISTS pcq_verdicts_release ON pcq_verdicts (tenant, release, kind);
CREATE TABLE IF NOT EXISTS pcq_missing (
  tenant TEXT NOT NULL, release TEXT NOT NULL, runtime TEXT NOT NULL, fixture_id TEXT NOT NULL,
  shard TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (tenant, release, runtime, fixture_id)
);`;
export const FIXTURES_TABLES = ['pcq_fixtures', 'pcq_releases', 'pcq_replays', 'pcq_verdicts', 'pcq_missing'] as const;
export const FIXTURES_INPUTS = ['FixtureRegistered', 'ReleaseTagged', 'ReplayRecorded', 'ReplaysMissing', 'ReproducibilityChecked'] as const;

export const ANOMALIES_DDL = `
CREATE TABLE IF NOT EXISTS pcq_anomalies (
  tenant TEXT NOT NULL, anomaly_id TEXT NOT NULL, fixture_id TEXT NOT NULL, release TEXT NOT NULL, kind TEXT NOT NULL,
  runtimes TEXT NOT NULL, diff TEXT NOT NULL, features TEXT NOT NULL, detected_at TEXT NOT NULL,
  label TEXT, auto_label TEXT, confidence REAL, runbook TEXT, needs_review INTEGER, model_version TEXT,
  trigger TEXT, supersedes_label TEXT, evidence TEXT,
  overridden_by TEXT, override_reason TEXT,
  PRIMARY KEY (tenant, anomaly_id)
);
CREATE INDEX IF NOT EXISTS pcq_anomalies_release ON pcq_anomalies (tenant, release, label);
CREATE INDEX IF NOT EXISTS pcq_anomalies_fixture ON pcq_anomalies (tenant, fixture_id);`;
export const ANOMALIES_TABLES = ['pcq_anomalies'] as const;
export const ANOMALIES_INPUTS = ['AnomalyDetected', 'AnomalyTriaged', 'TriageOverridden'] as const;

/** JSON without losing non-finite metrics: NaN/Infinity become null (the "non-finite" marker). */
const json = (v: unknown) => JSON.stringify(v);

export async function applyFixtureEvent(tx: ReadModelTx, e: RecordedEvent): Promise<void> {
  switch (e.type) {
    case 'FixtureRegistered': {
      const p = e.payload as FixtureRegistered;
      await tx.run(
        'INSERT INTO pcq_fixtures VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, fixture_id) DO UPDATE SET manifest = excluded.manifest, baseline_runtime = excluded.baseline_runtime, registered_at = excluded.registered_at',
        [e.tenant, p.fixtureId, json(p), runtimeName(p.baselineRuntime), e.occurredAt],
      );
      return;
    }
    case 'ReleaseTagged': {
      const p = e.payload as ReleaseTagged;
      await tx.run('INSERT INTO pcq_releases VALUES (?, ?, ?) ON CONFLICT (tenant, release) DO UPDATE SET tagged_at = excluded.tagged_at', [e.tenant, p.release, p.taggedAt]);
      return;
    }
    case 'ReplayRecorded': {
      const p = e.payload as ReplayRecorded;
      const rt = runtimeName(p.runtime);
      await tx.run(
        `INSERT INTO pcq_replays VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, fixture_id, release, runtime)
         DO UPDATE SET run_id = excluded.run_id, metrics = excluded.metrics, recorded_at = excluded.recorded_at, position = excluded.position`,
        [e.tenant, p.fixtureId, p.release, rt, p.runId, json(p.metrics), p.recordedAt ?? e.occurredAt, e.position],
      );
      await tx.run('DELETE FROM pcq_missing WHERE tenant = ? AND release = ? AND runtime = ? AND fixture_id = ?', [e.tenant, p.release, rt, p.fixtureId]);
      return;
    }
    case 'ReplaysMissing': {
      const p = e.payload as ReplaysMissing;
      const rt = runtimeName(p.runtime);
      for (const f of p.fixtureIds) {
        if (await tx.get('SELECT 1 AS one FROM pcq_replays WHERE tenant = ? AND fixture_id = ? AND release = ? AND runtime = ?', [e.tenant, f, p.release, rt])) continue;
        await tx.run(
          'INSERT INTO pcq_missing VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, release, runtime, fixture_id) DO UPDATE SET shard = excluded.shard, reason = excluded.reason',
          [e.tenant, p.release, rt, f, p.shard, p.reason],
        );
      }
      return;
    }
    case 'ReproducibilityChecked': {
      const p = e.payload as ReproducibilityChecked;
      await tx.run(
        `INSERT INTO pcq_verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, fixture_id, kind, release, subject_runtime, reference_release, reference_runtime)
         DO UPDATE SET check_id = excluded.check_id, passed = excluded.passed, deltas = excluded.deltas, position = excluded.position`,
        [e.tenant, p.fixtureId, p.kind, p.release, runtimeName(p.subject.runtime), p.reference.release, runtimeName(p.reference.runtime), p.checkId, p.passed ? 1 : 0, json(p.deltas), e.position],
      );
      return;
    }
  }
}

export async function applyAnomalyEvent(tx: ReadModelTx, e: RecordedEvent): Promise<void> {
  switch (e.type) {
    case 'AnomalyDetected': {
      const p = e.payload as AnomalyDetected;
      const diff = { summary: p.summary, metricsMoved: p.metricsMoved, inputDiffs: p.inputDiffs, subject: p.subject, reference: p.reference, checkId: p.checkId };
      await tx.run(
        `INSERT INTO pcq_anomalies (tenant, anomaly_id, fixture_id, release, kind, runtimes, diff, features, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [e.tenant, p.anomalyId, p.fixtureId, p.release, p.kind, json(p.runtimes), json(diff), json(p.features), e.occurredAt],
      );
      return;
    }
    case 'AnomalyTriaged': {
      const p = e.payload as AnomalyTriaged;
      // A later triage supersedes the earlier one; a person's override keeps the effective label.
      await tx.run(
        `UPDATE pcq_anomalies SET auto_label = ?, label = CASE WHEN overridden_by IS NULL THEN ? ELSE label END, confidence = ?, runbook = ?, needs_review = CASE WHEN overridden_by IS NULL THEN ? ELSE 0 END,
         model_version = ?, trigger = ?, supersedes_label = ?, evidence = ? WHERE tenant = ? AND anomaly_id = ?`,
        [p.label, p.label, p.confidence, p.runbook, p.needsReview ? 1 : 0, p.modelVersion, p.trigger, p.supersedesLabel, json(p.evidence), e.tenant, p.anomalyId],
      );
      return;
    }
    case 'TriageOverridden': {
      const p = e.payload as TriageOverridden;
      await tx.run('UPDATE pcq_anomalies SET label = ?, runbook = ?, needs_review = 0, overridden_by = ?, override_reason = ? WHERE tenant = ? AND anomaly_id = ?', [
        p.label, `docs/runbooks/${p.label}.md`, p.by, p.reason, e.tenant, p.anomalyId,
      ]);
      return;
    }
  }
}
