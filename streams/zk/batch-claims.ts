/**
 * Who proves a planned batch: the port the prover service (exchange.ts) claims batches through, so
 * that every instance of a deployment can run provers and each batch is proved by one of them at a
 * time. A claim is a lease: its holder renews it while proving and marks it finished once the outcome
 * (ProofCompleted or ProofFailed) is on the log; a claim whose holder stopped renewing (a crashed
 * instance) expires and another instance takes the batch over, as attempt n+1.
 *
 * Adapters: InProcessBatchClaims below (embedded mode: one instance, claims in memory) and
 * PgBatchClaims (connectors/distributed/pg-batch-claims.ts: distributed mode, a row per batch in
 * PostgreSQL). The outcome's event ids are derived from the batch id (exchange.ts), so even a holder
 * that lost its claim without noticing (a stalled process) cannot append a batch's outcome twice.
 */
import type { EventLog } from '../log/port';

export type ClaimAnswer =
  /** This instance holds the batch now (attempt 1 first, n+1 after a takeover). */
  | { held: true; attempt: number }
  /** Another instance holds it: ask again once its lease may have run out. */
  | { held: false; finished: false; holder: string; expiresInMs: number }
  /** Its outcome is already on the log. */
  | { held: false; finished: true; holder: string };

export interface BatchClaims {
  /** This instance's id as a claimant (unique per process). */
  readonly claimant: string;
  /** How long a claim lasts without renewal (ms). */
  readonly leaseMs: number;
  /** Claim a batch, or take it over when its holder's lease ran out. */
  claim(batchId: string): Promise<ClaimAnswer>;
  /** Extend this instance's claims on these batches; returns those it still holds. */
  renew(batchIds: readonly string[]): Promise<string[]>;
  /** The batch's outcome is on the log: nobody proves it again. */
  finish(batchId: string): Promise<void>;
  /** Give a batch up unfinished (this instance stops): another instance may take it at once. */
  release(batchId: string): Promise<void>;
  close(): Promise<void>;
}

/** Embedded mode: one instance, claims in memory (the same rules, so the prover service has one code path). */
export class InProcessBatchClaims implements BatchClaims {
  private readonly claims = new Map<string, { claimant: string; attempt: number; expiresAt: number; finished: boolean }>();

  constructor(
    readonly claimant = 'embedded',
    readonly leaseMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(batchId: string): Promise<ClaimAnswer> {
    const c = this.claims.get(batchId);
    if (c?.finished) return { held: false, finished: true, holder: c.claimant };
    if (c && c.claimant !== this.claimant && c.expiresAt > this.now()) return { held: false, finished: false, holder: c.claimant, expiresInMs: c.expiresAt - this.now() };
    const attempt = c ? (c.claimant === this.claimant ? c.attempt : c.attempt + 1) : 1;
    this.claims.set(batchId, { claimant: this.claimant, attempt, expiresAt: this.now() + this.leaseMs, finished: false });
    return { held: true, attempt };
  }

  async renew(batchIds: readonly string[]): Promise<string[]> {
    return batchIds.filter((id) => {
      const c = this.claims.get(id);
      if (!c || c.claimant !== this.claimant || c.finished) return false;
      c.expiresAt = this.now() + this.leaseMs;
      return true;
    });
  }

  async finish(batchId: string): Promise<void> {
    const c = this.claims.get(batchId);
    if (c) c.finished = true;
    else this.claims.set(batchId, { claimant: this.claimant, attempt: 1, expiresAt: 0, finished: true });
    // finished batches are also known from their outcome events: keep the map small
    if (this.claims.size > 10_000) for (const [id, x] of this.claims) if (x.finished) this.claims.delete(id);
  }

  async release(batchId: string): Promise<void> {
    const c = this.claims.get(batchId);
    if (c && c.claimant === this.claimant && !c.finished) c.expiresAt = 0;
  }

  async close(): Promise<void> {}
}

/**
 * The claims a deployment's composition provides for its log (distributed mode: PgBatchClaims on the
 * same PostgreSQL). The prover service takes them from here when it is given none, so the worker that
 * builds it needs no knowledge of the mode; without any it claims in process.
 */
const provided = new WeakMap<EventLog, BatchClaims>();

export function provideBatchClaims(log: EventLog, claims: BatchClaims): void {
  provided.set(log, claims);
}

export function batchClaimsFor(log: EventLog): BatchClaims | undefined {
  return provided.get(log);
}
