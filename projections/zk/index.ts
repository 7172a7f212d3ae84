/**
 * ZK-TX read models: the current pepper version, committed sets, job status and batch outcomes.
 * Deterministic (times come from the events). Queries stay sealed here (see streams/zk/sealing.ts).
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type { BatchPlanned, ProofCompleted, ProofFailed, ProofRequested, ProvingStarted, ZkPepperActivated, ZkSetCommitted } from '../../schemas/generated/payloads';
import { defineProjection, type ProjectionDefinition } from '../projection';
import type { ReadModelQueries, ReadModelTx } from '../store/port';

export const ZK_DDL = `
CREATE TABLE IF NOT EXISTS zk_pepper (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, activated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS zk_sets (
  tenant TEXT NOT NULL, set_id TEXT NOT NULL, stream TEXT NOT NULL, pepper_version INTEGER NOT NULL,
  root TEXT NOT NULL, size INTEGER NOT NULL, depth INTEGER NOT NULL, commits INTEGER NOT NULL, committed_at TEXT NOT NULL,
  PRIMARY KEY (tenant, set_id));
CREATE TABLE IF NOT EXISTS zk_jobs (
  job_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, counterparty TEXT NOT NULL, set_id TEXT NOT NULL, root TEXT NOT NULL,
  pepper_version INTEGER NOT NULL, query_sealed TEXT NOT NULL, status TEXT NOT NULL, batch_id TEXT, check_index INTEGER,
  reasons TEXT, requested_at TEXT NOT NULL, planned_at TEXT);
CREATE INDEX IF NOT EXISTS zk_jobs_batch ON zk_jobs (batch_id);
CREATE INDEX IF NOT EXISTS zk_jobs_by_tenant ON zk_jobs (tenant, requested_at, job_id); -- GET /v1/zk/jobs pages
CREATE TABLE IF NOT EXISTS zk_batches (
  batch_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, circuit TEXT NOT NULL, root TEXT NOT NULL, cached_from TEXT,
  checks TEXT NOT NULL, status TEXT NOT NULL, proof TEXT, "overlaps" TEXT, -- quoted: OVERLAPS is an SQL operator (reserved in PostgreSQL)
  vk_hash TEXT, prove_ms REAL, verify_ms REAL,
  attempts INTEGER, worker INTEGER, reason TEXT, planned_at TEXT NOT NULL, proving_at TEXT, completed_at TEXT);
`;

export const ZK_TABLES = ['zk_pepper', 'zk_sets', 'zk_jobs', 'zk_batches'] as const;
export const ZK_INPUTS = ['ZkPepperActivated', 'ZkSetCommitted', 'ProofRequested', 'BatchPlanned', 'ProvingStarted', 'ProofCompleted', 'ProofFailed'] as const;

export async function applyZkEvent(tx: ReadModelTx, e: RecordedEvent): Promise<void> {
  switch (e.type) {
    case 'ZkPepperActivated': {
      const p = e.payload as ZkPepperActivated;
      await tx.run('INSERT INTO zk_pepper (id, version, activated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, activated_at = excluded.activated_at', [p.version, e.occurredAt]);
      return;
    }
    case 'ZkSetCommitted': {
      const p = e.payload as ZkSetCommitted;
      await tx.run(
        `INSERT INTO zk_sets (tenant, set_id, stream, pepper_version, root, size, depth, commits, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
         ON CONFLICT (tenant, set_id) DO UPDATE SET pepper_version = excluded.pepper_version, root = excluded.root, size = excluded.size,
           depth = excluded.depth, commits = zk_sets.commits + 1, committed_at = excluded.committed_at`,
        [e.tenant, p.setId, e.stream, p.pepperVersion, p.root, p.size, p.depth, e.occurredAt],
      );
      return;
    }
    case 'ProofRequested': {
      const p = e.payload as ProofRequested;
      await tx.run(
        `INSERT INTO zk_jobs (job_id, tenant, counterparty, set_id, root, pepper_version, query_sealed, status, requested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (job_id) DO NOTHING`,
        [p.jobId, e.tenant, p.counterparty, p.setId, p.root, p.pepperVersion, p.querySealed, e.occurredAt],
      );
      return;
    }
    case 'BatchPlanned': {
      const p = e.payload as BatchPlanned;
      const source = p.cachedFrom ? await tx.get<{ status: string }>('SELECT status FROM zk_batches WHERE batch_id = ?', [p.cachedFrom]) : undefined;
      await tx.run(
        `INSERT INTO zk_batches (batch_id, tenant, circuit, root, cached_from, checks, status, planned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_id) DO NOTHING`,
        [p.batchId, p.tenant, p.circuit, p.root, p.cachedFrom, JSON.stringify(p.checks.map((c) => c.querySealed)), p.cachedFrom ? 'cached' : 'planned', e.occurredAt],
      );
      const jobStatus = source ? (source.status === 'done' ? 'done' : source.status === 'failed' ? 'failed' : source.status === 'proving' ? 'proving' : 'planned') : 'planned';
      for (const j of p.jobs) {
        await tx.run('UPDATE zk_jobs SET status = ?, batch_id = ?, check_index = ?, reasons = ?, planned_at = ? WHERE job_id = ?', [
          jobStatus, p.cachedFrom ?? p.batchId, j.check, JSON.stringify(p.reasons), e.occurredAt, j.jobId,
        ]);
      }
      return;
    }
    case 'ProvingStarted': {
      const p = e.payload as ProvingStarted;
      await tx.run("UPDATE zk_batches SET status = 'proving', proving_at = ?, worker = ? WHERE batch_id = ?", [e.occurredAt, p.worker, p.batchId]);
      await tx.run("UPDATE zk_jobs SET status = 'proving' WHERE batch_id = ? AND status = 'planned'", [p.batchId]);
      return;
    }
    case 'ProofCompleted': {
      const p = e.payload as ProofCompleted;
      await tx.run(
        `UPDATE zk_batches SET status = 'done', proof = ?, "overlaps" = ?, vk_hash = ?, prove_ms = ?, verify_ms = ?, attempts = ?, worker = ?, completed_at = ? WHERE batch_id = ?`,
        [p.proof, JSON.stringify(p.overlaps), p.vkHash, p.proveMs, p.verifyMs, p.attempts, p.worker, e.occurredAt, p.batchId],
      );
      await tx.run("UPDATE zk_jobs SET status = 'done' WHERE batch_id = ?", [p.batchId]);
      return;
    }
    case 'ProofFailed': {
      const p = e.payload as ProofFailed;
      await tx.run("UPDATE zk_batches SET status = 'failed', reason = ?, attempts = ?, completed_at = ? WHERE batch_id = ?", [p.reason, p.attempts, e.occurredAt, p.batchId]);
      await tx.run("UPDATE zk_jobs SET status = 'failed' WHERE batch_id = ?", [p.batchId]);
      return;
    }
  }
}

export const zkReadModel = defineProjection({
  name: 'zk',
  version: 1,
  inputs: ZK_INPUTS,
  tables: ZK_TABLES,
  setup: ZK_DDL,
  apply: applyZkEvent,
});

export const projections: ProjectionDefinition[] = [zkReadModel];

export interface SetRow {
  tenant: string;
  set_id: string;
  stream: string;
  pepper_version: number;
  root: string;
  size: number;
  depth: number;
  commits: number;
  committed_at: string;
}
export interface JobRow {
  job_id: string;
  tenant: string;
  counterparty: string;
  set_id: string;
  root: string;
  pepper_version: number;
  query_sealed: string;
  status: string;
  batch_id: string | null;
  check_index: number | null;
  reasons: string | null;
  requested_at: string;
  planned_at: string | null;
}
export interface BatchRow {
  batch_id: string;
  tenant: string;
  circuit: string;
  root: string;
  cached_from: string | null;
  checks: string;
  status: string;
  proof: string | null;
  overlaps: string | null;
  vk_hash: string | null;
  prove_ms: number | null;
  verify_ms: number | null;
  attempts: number | null;
  worker: number | null;
  reason: string | null;
  planned_at: string;
  proving_at: string | null;
  completed_at: string | null;
}

export const currentPepper = async (db: ReadModelQueries): Promise<number> => (await db.get<{ version: number }>('SELECT version FROM zk_pepper WHERE id = 1'))?.version ?? 1;
export const setOf = (db: ReadModelQueries, tenant: string, setId: string) => db.get<SetRow>('SELECT * FROM zk_sets WHERE tenant = ? AND set_id = ?', [tenant, setId]);
export const jobOf = (db: ReadModelQueries, jobId: string) => db.get<JobRow>('SELECT * FROM zk_jobs WHERE job_id = ?', [jobId]);
export const batchOf = (db: ReadModelQueries, batchId: string) => db.get<BatchRow>('SELECT * FROM zk_batches WHERE batch_id = ?', [batchId]);
