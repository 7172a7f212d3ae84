/**
 * The event store of record in distributed mode: PostgreSQL, shared by every instance.
 *
 * Positions are gap-free and handed out in commit order: an append locks the one row of
 * `log_head`, inserts its events after the head, moves the head and commits, and only then can
 * the next appender (of any instance) take the lock. So a reader that has seen position p has
 * seen every position below p: no event can commit later at a lower position (the in-flight
 * sequence problem of sequences plus concurrent transactions, which Marten fixed in 9.16.1, is designed out).
 * The lock makes appends one at a time across the deployment, so each instance commits in groups
 * (`appender.ts`).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Observable, Subject } from 'rxjs';
import { codec as sharedCodec, type Codec } from '../../../schemas/codec';
import type { AppendResult, NewEvent, RecordedEvent } from '../../../schemas/envelope';
import { isTransient } from '../../../schemas/errors';
import { countAppended } from '../../metrics';
import type { StoredEvent } from '../hash-chain';
import type { EventLog, ReadOptions, SubscribeOptions } from '../port';
import { decodeStored, storedFromRow, type StoredRow } from '../stored-row';
import type { PreparedEvent } from './append-plan';
import { PgAppender } from './appender';
import { migrate } from './migrations';
import { asTransient } from './pg-errors';
import { HeadWatcher } from './head-watcher';
import { COLUMNS, insertRows, lockHead } from './statements';

export interface PgLogOptions {
  /** libpq connection URL (DATABASE_URL). */
  connectionString: string;
  codec?: Codec;
  /** Connections in this instance's pool (default 10). */
  poolSize?: number;
  /** Most events one group commit carries (default 5000). */
  maxGroupEvents?: number;
  /** Never write, never migrate (an auditor's replay next to a running deployment). */
  readOnly?: boolean;
  /** How often to look at the head when no notification arrives (ms, default 250). */
  pollMs?: number;
  now?: () => Date;
}

/** The channel every append notifies (payload: the new head), so tailing instances wake at once. */
export const HEAD_CHANNEL = 'trust_log_head';

/** A transaction of the store that a caller (a processor runner) extends with its own statements. */
export interface PgLogTransaction {
  client: pg.PoolClient | pg.Client;
  /** Append within this transaction (takes the head lock until it commits). */
  append(events: readonly NewEvent[], fieldPrefix?: string): Promise<AppendResult[]>;
}

export class PgEventLog implements EventLog {
  readonly pool: pg.Pool;
  readonly codec: Codec;
  readonly connectionString: string;
  /** Emits the head whenever this instance or another one appended. */
  readonly changes$ = new Subject<number>();
  private readonly appender: PgAppender;
  private readonly watcher: HeadWatcher;
  private closed = false;

  private constructor(private readonly opts: PgLogOptions) {
    this.pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined)); // checked out when the server stops: the query fails, the process lives
    this.codec = opts.codec ?? sharedCodec();
    this.connectionString = opts.connectionString;
    this.appender = new PgAppender(this.pool, {
      maxGroupEvents: opts.maxGroupEvents ?? 5000,
      now: opts.now ?? (() => new Date()),
      channel: HEAD_CHANNEL,
      committed: (head) => this.changes$.next(head),
    });
    this.watcher = new HeadWatcher(opts.connectionString, HEAD_CHANNEL, () => this.head(), this.changes$, opts.pollMs ?? 250);
  }

  /** Connect and apply missing migrations (not when read-only). */
  static async open(opts: PgLogOptions): Promise<PgEventLog> {
    const log = new PgEventLog(opts);
    try {
      if (!opts.readOnly) await migrate(log.pool);
      else await log.head();
    } catch (err) {
      await log.pool.end().catch(() => undefined);
      throw asTransient(err, 'opening the event store');
    }
    return log;
  }

  // ---- writes -------------------------------------------------------------------------------

  async append(events: readonly NewEvent[]): Promise<AppendResult[]> {
    this.assertWritable();
    const prepared = this.prepare(events, 'events');
    if (prepared.length === 0) return [];
    const results = await this.appender.append(prepared);
    countAppended(events.filter((_, i) => !results[i].duplicate).map((e) => e.type));
    return results;
  }

  /**
   * Run `work` in one transaction of the store; appends made through the given transaction take
   * the head lock and commit with everything else `work` does (processor state, checkpoints).
   */
  async transaction<T>(work: (tx: PgLogTransaction) => Promise<T>, client?: pg.PoolClient | pg.Client): Promise<T> {
    this.assertWritable();
    const c: pg.PoolClient | pg.Client = client ?? (await this.connect());
    let appendedUpTo = 0;
    try {
      await c.query('BEGIN');
      const tx: PgLogTransaction = {
        client: c,
        append: async (events, fieldPrefix = 'events') => {
          const plan = await this.appender.appendWithin(c, this.prepare(events, fieldPrefix));
          for (const r of plan) if (!r.duplicate) appendedUpTo = Math.max(appendedUpTo, r.position);
          return plan;
        },
      };
      const out = await work(tx);
      await c.query('COMMIT');
      if (appendedUpTo) this.changes$.next(appendedUpTo);
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw asTransient(err, 'a transaction of the event store');
    } finally {
      if (!client) (c as pg.PoolClient).release();
    }
  }

  private prepare(events: readonly NewEvent[], fieldPrefix: string): PreparedEvent[] {
    return events.map((event, i) => {
      const { schemaVersion, bytes } = this.codec.encode(event.type, event.payload, `${fieldPrefix}[${i}].payload`);
      return { event, id: event.id ?? randomUUID(), schemaVersion, bytes };
    });
  }

  /**
   * Insert already-hashed events exactly as exported (`trust events import` into an empty store),
   * in one transaction: `fill` hands them over in chunks; if it throws, nothing is stored.
   */
  async insertStored(fill: (insert: (events: readonly StoredEvent[]) => Promise<void>) => Promise<void>): Promise<void> {
    this.assertWritable();
    await this.transaction(async ({ client }) => {
      let head = await lockHead(client, false);
      await fill(async (events) => {
        if (events.length === 0) return;
        await insertRows(client, events);
        head = Math.max(head, events[events.length - 1].position);
      });
      await client.query('UPDATE log_head SET position = greatest(position, $1)', [head]);
    });
  }

  // ---- reads --------------------------------------------------------------------------------

  async read(options: ReadOptions = {}): Promise<RecordedEvent[]> {
    return (await this.readStored(options)).map((s) => this.decodeStored(s));
  }

  /** Events with their payload still encoded: the chain verifier and the exporter need the bytes. */
  async readStored(options: ReadOptions = {}): Promise<StoredEvent[]> {
    const where = ['position >= $1'];
    const values: unknown[] = [options.from ?? 1];
    if (options.types) {
      if (options.types.length === 0) return [];
      values.push(options.types);
      where.push(`type = ANY($${values.length}::text[])`);
    }
    if (options.stream !== undefined) (values.push(options.stream), where.push(`stream = $${values.length}`));
    if (options.tenant !== undefined) (values.push(options.tenant), where.push(`tenant = $${values.length}`));
    values.push(options.limit ?? 1000);
    return this.query(`SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT $${values.length}`, values);
  }

  /** Position of the n-th last event matching the filters (1 when fewer match): where a tail starts. */
  async startOfLast(n: number, options: Pick<ReadOptions, 'types' | 'stream'> = {}): Promise<number> {
    const where = ['true'];
    const values: unknown[] = [];
    if (options.types?.length) (values.push(options.types), where.push(`type = ANY($${values.length}::text[])`));
    if (options.stream !== undefined) (values.push(options.stream), where.push(`stream = $${values.length}`));
    values.push(n);
    const res = await this.pool.query(`SELECT min(position) AS p FROM (SELECT position FROM events WHERE ${where.join(' AND ')} ORDER BY position DESC LIMIT $${values.length}) t`, values);
    return res.rows[0].p === null ? 1 : Number(res.rows[0].p);
  }

  async readStream(stream: string, fromVersion = 1, limit = 1000): Promise<RecordedEvent[]> {
    const rows = await this.query(`SELECT ${COLUMNS} FROM events WHERE stream = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`, [stream, fromVersion, limit]);
    return rows.map((s) => this.decodeStored(s));
  }

  async head(): Promise<number> {
    try {
      return Number((await this.pool.query('SELECT position FROM log_head')).rows[0].position);
    } catch (err) {
      throw asTransient(err, 'reading the head of the event store');
    }
  }

  decodeStored(s: StoredEvent): RecordedEvent {
    return decodeStored(this.codec, s);
  }

  subscribe(from: number, options: SubscribeOptions = {}): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      let next = from;
      let running: Promise<void> | undefined;
      let again = false;
      // One drain at a time; a wake-up during a drain runs one more round after it.
      const drain = (): void => {
        if (running) return void (again = true);
        running = (async () => {
          do {
            again = false;
            for (;;) {
              if (subscriber.closed) return;
              const page = await this.read({ from: next, limit: 500, types: options.types });
              for (const e of page) {
                if (subscriber.closed) return;
                subscriber.next(e);
                next = e.position + 1;
              }
              if (page.length < 500) break;
            }
          } while (again);
        })()
          .catch((err) => {
            // A store outage is waited out: the next notification or poll drains again.
            if (!isTransient(err)) subscriber.error(err);
          })
          .finally(() => (running = undefined));
      };
      const sub = this.changes$.subscribe(() => drain());
      const release = this.watcher.acquire();
      drain();
      return () => {
        sub.unsubscribe();
        release();
      };
    });
  }

  /**
   * Follow the other instances' appends (LISTEN plus a slow poll) so `changes$` moves for them too,
   * not only while someone subscribes; returns the function that stops it.
   */
  watch(): () => void {
    return this.watcher.acquire();
  }

  // ---- checkpoints ----------------------------------------------------------------------------

  async getCheckpoint(name: string): Promise<number> {
    const res = await this.pool.query('SELECT position FROM checkpoints WHERE name = $1', [name]).catch((err) => Promise.reject(asTransient(err, 'reading a checkpoint')));
    return res.rows.length ? Number(res.rows[0].position) : 0;
  }

  async setCheckpoint(name: string, position: number, client: pg.PoolClient | pg.Client | pg.Pool = this.pool): Promise<void> {
    this.assertWritable();
    await client
      .query('INSERT INTO checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position', [name, position])
      .catch((err) => Promise.reject(asTransient(err, 'writing a checkpoint')));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appender.idle();
    await this.watcher.close();
    this.changes$.complete();
    await this.pool.end().catch(() => undefined);
  }

  // ---- internals ------------------------------------------------------------------------------

  private async query(text: string, values: unknown[]): Promise<StoredEvent[]> {
    try {
      const res = await this.pool.query<StoredRow>({ text, values, rowMode: 'array' });
      return res.rows.map(storedFromRow);
    } catch (err) {
      throw asTransient(err, 'reading the event store');
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw asTransient(err, 'connecting to the event store');
    }
  }

  private assertWritable(): void {
    if (this.opts.readOnly) throw new Error('this PostgreSQL event log was opened read-only');
  }
}
