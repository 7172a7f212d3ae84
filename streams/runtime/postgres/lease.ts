/**
 * A lease on a named job across every instance of a deployment: a session-level advisory lock on
 * a connection of the holder's own. The holder runs its transactions on that same connection, so a
 * holder whose session died (crash, network, server restart) can no longer commit anything, and
 * the lock is free for a standby: zombies are fenced by PostgreSQL itself, without timers.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

/** A 64-bit advisory-lock key from a name, the same in every instance. */
export function lockKey(name: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 16)}`)).toString();
}

export class Lease {
  /** This instance's connection for the lease: kept while standing by, so a retry is one query. */
  private client: pg.Client | undefined;
  private holding = false;

  constructor(
    private readonly connectionString: string,
    readonly name: string,
  ) {}

  /** The connection holding the lease, or undefined while another instance holds it. Throws when the server is away. */
  async acquire(): Promise<pg.Client | undefined> {
    if (this.holding && this.client) return this.client;
    if (!this.client) {
      const client = new pg.Client({ connectionString: this.connectionString });
      client.on('error', () => this.client === client && this.release());
      this.client = client;
      try {
        await client.connect();
      } catch (err) {
        this.release();
        throw err;
      }
    }
    const got = (await this.client.query('SELECT pg_try_advisory_lock($1::bigint) AS got', [lockKey(this.name)])).rows[0].got as boolean;
    this.holding = got;
    return got ? this.client : undefined;
  }

  get held(): boolean {
    return this.holding && this.client !== undefined;
  }

  /** Give the lease up: closing the session releases the lock (and ends a broken connection). */
  release(): void {
    const c = this.client;
    this.client = undefined;
    this.holding = false;
    c?.end().catch(() => undefined);
  }
}
