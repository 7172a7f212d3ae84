/**
 * The ZK provers' batch claims in PostgreSQL (distributed mode): one row per planned batch in
 * `zk_batch_claims` (migration 4), with its claimant instance and a lease expiry on the server's clock
 * (so the instances' clocks never matter). A claim is one INSERT … ON CONFLICT DO UPDATE that takes
 * the row only when it is new, already this instance's, or expired and unfinished: PostgreSQL's row
 * lock makes two instances racing for a batch see one winner. The holder renews its rows while it
 * proves; a crashed instance stops renewing, and after the lease another instance takes the batch
 * over (attempt n+1). Finished rows are kept a while (a late instance skips the batch) and pruned.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { BatchClaims, ClaimAnswer } from '../../streams/zk/batch-claims';

export interface PgBatchClaimsOptions {
  connectionString: string;
  /** This instance's id (default: host, pid and a random suffix). */
  claimant?: string;
  /** Lease of a claim without renewal (ms; TRUST_ZK_CLAIM_LEASE_MS, default 15 s). */
  leaseMs?: number;
  /** Finished claims older than this are deleted (ms, default one hour). */
  keepFinishedMs?: number;
}

export const defaultClaimant = () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export class PgBatchClaims implements BatchClaims {
  readonly claimant: string;
  readonly leaseMs: number;
  private readonly keepFinishedMs: number;
  private readonly pool: pg.Pool;
  private finishedSincePrune = 0;

  constructor(opts: PgBatchClaimsOptions) {
    this.claimant = opts.claimant ?? defaultClaimant();
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.keepFinishedMs = opts.keepFinishedMs ?? 3_600_000;
    this.pool = new pg.Pool({ connectionString: opts.connectionString, max: 2, connectionTimeoutMillis: 5000 });
    this.pool.on('error', () => undefined); // an idle connection lost: the next query opens another
  }

  async claim(batchId: string): Promise<ClaimAnswer> {
    const won = await this.pool.query(
      `INSERT INTO zk_batch_claims AS c (batch_id, claimant, attempt, claimed_at, expires_at)
       VALUES ($1, $2, 1, now(), now() + $3 * interval '1 millisecond')
       ON CONFLICT (batch_id) DO UPDATE
         SET claimant = EXCLUDED.claimant,
             attempt = CASE WHEN c.claimant = EXCLUDED.claimant THEN c.attempt ELSE c.attempt + 1 END,
             claimed_at = CASE WHEN c.claimant = EXCLUDED.claimant THEN c.claimed_at ELSE now() END,
             expires_at = EXCLUDED.expires_at
         WHERE c.finished_at IS NULL AND (c.claimant = EXCLUDED.claimant OR c.expires_at <= now())
       RETURNING attempt`,
      [batchId, this.claimant, this.leaseMs],
    );
    if (won.rowCount) return { held: true, attempt: Number(won.rows[0].attempt) };
    const r = await this.pool.query(
      `SELECT claimant, finished_at IS NOT NULL AS finished,
              GREATEST(0, ceil(extract(epoch FROM expires_at - now()) * 1000))::bigint AS expires_in_ms
         FROM zk_batch_claims WHERE batch_id = $1`,
      [batchId],
    );
    if (!r.rowCount) return this.claim(batchId); // pruned between the two statements
    const row = r.rows[0];
    return row.finished ? { held: false, finished: true, holder: row.claimant } : { held: false, finished: false, holder: row.claimant, expiresInMs: Number(row.expires_in_ms) };
  }

  async renew(batchIds: readonly string[]): Promise<string[]> {
    if (batchIds.length === 0) return [];
    const r = await this.pool.query(
      `UPDATE zk_batch_claims SET expires_at = now() + $3 * interval '1 millisecond'
        WHERE batch_id = ANY($1::text[]) AND claimant = $2 AND finished_at IS NULL
        RETURNING batch_id`,
      [batchIds, this.claimant, this.leaseMs],
    );
    return r.rows.map((x) => x.batch_id as string);
  }

  async finish(batchId: string): Promise<void> {
    // Whoever appended the outcome: the batch is finished for every instance.
    await this.pool.query(
      `INSERT INTO zk_batch_claims AS c (batch_id, claimant, attempt, claimed_at, expires_at, finished_at)
       VALUES ($1, $2, 1, now(), now(), now())
       ON CONFLICT (batch_id) DO UPDATE SET finished_at = COALESCE(c.finished_at, now())`,
      [batchId, this.claimant],
    );
    if (++this.finishedSincePrune >= 500) {
      this.finishedSincePrune = 0;
      await this.prune();
    }
  }

  async release(batchId: string): Promise<void> {
    await this.pool.query(`UPDATE zk_batch_claims SET expires_at = now() WHERE batch_id = $1 AND claimant = $2 AND finished_at IS NULL`, [batchId, this.claimant]);
  }

  /** Delete finished claims older than keepFinishedMs (their outcome is on the log). */
  async prune(): Promise<number> {
    const r = await this.pool.query(`DELETE FROM zk_batch_claims WHERE finished_at < now() - $1 * interval '1 millisecond'`, [this.keepFinishedMs]);
    return r.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
