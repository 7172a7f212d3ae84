/**
 * The rows of GET /v1/zk/jobs and /v1/zk/sets, with no imports: the console type-checks against
 * these same declarations (an `import type`, erased from its bundle), so the two cannot drift.
 */
export interface ListedJob {
  jobId: string;
  status: string;
  counterparty: string;
  setId: string;
  pepperVersion: number;
  requestedAt: string;
  completedAt: string | null;
  /** Requested → proof done or failed, in ms; null until then. */
  latencyMs: number | null;
  proveMs: number | null;
  circuit: string | null;
  /** The overlap answer once proved; null before (or on failure). */
  overlap: boolean | null;
  error: string | null;
}

export interface ListedSet {
  setId: string;
  root: string;
  size: number;
  depth: number;
  pepperVersion: number;
  stale: boolean;
  commits: number;
  committedAt: string;
}
