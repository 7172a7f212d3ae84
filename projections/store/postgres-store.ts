/**
 * The read-model store on PostgreSQL (distributed mode): one set of read models shared by every
 * instance, beside the event store. Statements are the SQLite ones with their placeholders mapped
 * (dialect.ts); 64-bit integers and sums come back as numbers, as SQLite returns them.
 */
import pg from 'pg';
import { asTransient } from '../../streams/log/postgres/pg-errors';
import { toPgDdl, toPgPlaceholders } from './dialect';
import type { ReadModelQueries, ReadModelStore, ReadModelTx, SqlValue } from './port';

const INT8 = 20;
const NUMERIC = 1700;
/** Positions, counts and sums stay below 2^53: numbers, as on SQLite. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

const mapped = new Map<string, string>();
function pgSql(sql: string): string {
  let s = mapped.get(sql);
  if (s === undefined) mapped.set(sql, (s = toPgPlaceholders(sql)));
  return s;
}

class PgQueries implements ReadModelQueries {
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }
  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }
  async rows(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    return (await this.query(sql, params, 'array')).rows as unknown[][];
  }
  private async query(sql: string, params: readonly SqlValue[], rowMode?: 'array') {
    try {
      if (rowMode) return await this.client.query({ text: pgSql(sql), values: params as unknown[], rowMode });
      return params.length ? await this.client.query(pgSql(sql), params as unknown[]) : await this.client.query(sql);
    } catch (err) {
      throw asTransient(err, 'reading the read models');
    }
  }
}

let savepoints = 0;

export class PgReadModels extends PgQueries implements ReadModelStore {
  readonly dialect = 'postgres' as const;

  private constructor(readonly pool: pg.Pool) {
    super(pool);
  }

  static open(opts: { connectionString: string; poolSize?: number; connectTimeoutMs?: number }): PgReadModels {
    const pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolSize ?? 16, // each projection's batch holds one while it folds; requests read beside them
      // Waiting for a connection longer than this is an outage to report (503), not a queue to join forever.
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      types,
      application_name: 'trust-read-models',
    });
    // A client's error (the server stopped or restarted), idle or checked out, must not crash the
    // process: the query in flight fails with it (a TransientError) and the next one reconnects.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return new PgReadModels(pool);
  }

  async exec(ddl: string): Promise<void> {
    try {
      await this.pool.query(toPgDdl(ddl));
    } catch (err) {
      throw asTransient(err, 'creating the read models');
    }
  }

  forUpdate(wait: boolean): string {
    return wait ? ' FOR UPDATE' : ' FOR UPDATE SKIP LOCKED';
  }

  async columns(table: string): Promise<string[]> {
    const rows = await this.all<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position',
      [table],
    );
    return rows.map((r) => r.column_name);
  }

  async snapshot<T>(work: (q: ReadModelQueries) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', 'reading the read models', (client) => work(new PgQueries(client)));
  }

  async transaction<T>(work: (tx: ReadModelTx) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN', 'updating the read models', (client) => {
      const q = new PgQueries(client);
      return work({
        get: (sql, params) => q.get(sql, params),
        all: (sql, params) => q.all(sql, params),
        rows: (sql, params) => q.rows(sql, params),
        run: (sql, params) => q.run(sql, params),
        exec: async (ddl) => void (await q.run(toPgDdl(ddl))),
        lock: async (key) => void (await q.run('SELECT pg_advisory_xact_lock(hashtext(?))', [key])),
        async savepoint(inner) {
          const name = `sp${++savepoints}`;
          await q.run(`SAVEPOINT ${name}`);
          try {
            const out = await inner();
            await q.run(`RELEASE SAVEPOINT ${name}`);
            return out;
          } catch (err) {
            await q.run(`ROLLBACK TO SAVEPOINT ${name}`);
            throw err;
          }
        },
      });
    });
  }

  /** One pooled connection, `begin` … COMMIT around `work`, ROLLBACK if it throws. */
  private async inTransaction<T>(begin: string, what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw asTransient(err, what);
    }
    let broken: unknown;
    try {
      await client.query(begin);
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch((e) => (broken = e));
      throw asTransient(err, what);
    } finally {
      // A client whose connection failed goes away instead of back to the pool.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
