/**
 * The tenant's proof jobs and committed sets as lists (GET /v1/zk/jobs, /v1/zk/sets), read from the
 * ZK-TX read model. A listed job carries its status, latency and overlap answer but not its proof:
 * the proof's public signals hold the batch's queries, which are unsealed only for one job at a
 * time (GET /v1/zk/jobs/:id, application/zk/zk-app.ts).
 */
import type { ReadModelQueries } from '../store/port';
import { pageOf, type Page, type PageRequest } from '../paging';

export type { ListedJob, ListedSet } from './list-types';
import type { ListedJob, ListedSet } from './list-types';

interface JobListRow {
  job_id: string; status: string; counterparty: string; set_id: string; pepper_version: number; requested_at: string; check_index: number | null;
  circuit: string | null; overlaps: string | null; completed_at: string | null; prove_ms: number | null; reason: string | null; batch_status: string | null;
}

/** Newest first: (requested_at, job_id) descending; the cursor is the last row's pair. */
export async function listJobs(db: ReadModelQueries, tenant: string, page: PageRequest): Promise<Page<ListedJob>> {
  const after = page.after ? ' AND (j.requested_at < ? OR (j.requested_at = ? AND j.job_id < ?))' : '';
  const rows = await db.all<JobListRow>(
    `SELECT j.job_id, j.status, j.counterparty, j.set_id, j.pepper_version, j.requested_at, j.check_index,
            b.circuit, b."overlaps" AS overlaps, b.completed_at, b.prove_ms, b.reason, b.status AS batch_status
     FROM zk_jobs j LEFT JOIN zk_batches b ON b.batch_id = j.batch_id
     WHERE j.tenant = ?${after}
     ORDER BY j.requested_at DESC, j.job_id DESC LIMIT ?`,
    [tenant, ...(page.after ? [page.after[0], page.after[0], page.after[1]] : []), page.limit + 1],
  );
  return pageOf(rows, page.limit, (r) => [r.requested_at, r.job_id], (r): ListedJob => {
    const done = r.batch_status === 'done' && r.overlaps !== null && r.check_index !== null;
    const finished = r.batch_status === 'done' || r.batch_status === 'failed';
    return {
      jobId: r.job_id,
      status: r.status,
      counterparty: r.counterparty,
      setId: r.set_id,
      pepperVersion: r.pepper_version,
      requestedAt: r.requested_at,
      completedAt: finished ? r.completed_at : null,
      latencyMs: finished && r.completed_at ? Math.max(0, Date.parse(r.completed_at) - Date.parse(r.requested_at)) : null,
      proveMs: r.prove_ms,
      circuit: r.circuit,
      overlap: done ? (JSON.parse(r.overlaps!) as boolean[])[r.check_index!] : null,
      error: r.batch_status === 'failed' ? r.reason : null,
    };
  });
}

/** The tenant's committed sets in id order; `stale` when committed under an older pepper version than `currentPepper`. */
export async function listSets(db: ReadModelQueries, tenant: string, currentPepper: number, page: PageRequest): Promise<Page<ListedSet>> {
  const rows = await db.all<{ set_id: string; root: string; size: number; depth: number; pepper_version: number; commits: number; committed_at: string }>(
    'SELECT set_id, root, size, depth, pepper_version, commits, committed_at FROM zk_sets WHERE tenant = ? AND set_id > ? ORDER BY set_id LIMIT ?',
    [tenant, page.after?.[0] ?? '', page.limit + 1],
  );
  return pageOf(rows, page.limit, (r) => [r.set_id], (r) => ({
    setId: r.set_id, root: r.root, size: r.size, depth: r.depth, pepperVersion: r.pepper_version, stale: r.pepper_version !== currentPepper, commits: r.commits, committedAt: r.committed_at,
  }));
}
