/**
 * The read-model store on SQLite (embedded mode). Two connections to one WAL file: transactions
 * (projection batches) write on one, queries read on the other, so a query never sees a batch
 * half-applied even while the batch awaits between statements. Transactions are serialized by a
 * queue (SQLite has one writer), and statements are prepared once per connection.
 */
import Database from 'better-sqlite3';
import type { ReadModelQueries, ReadModelStore, ReadModelTx, SqlValue } from './port';

export interface SqliteStoreOptions {
  /** PRAGMA synchronous for the file (read models are rebuildable from the log: NORMAL is enough). */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL';
  readonly?: boolean;
}

class Statements implements ReadModelQueries {
  private readonly cache = new Map<string, Database.Statement>();
  private readonly rawCache = new Map<string, Database.Statement>();
  constructor(readonly db: Database.Database) {}

  prepared(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.prepared(sql).get(...params) as T | undefined;
  }
  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.prepared(sql).all(...params) as T[];
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.prepared(sql).run(...params).changes;
  }
  async rows(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    let s = this.rawCache.get(sql);
    if (!s) this.rawCache.set(sql, (s = this.db.prepare(sql).raw(true)));
    return s.all(...params) as unknown[][];
  }
}

let savepoints = 0;

export class SqliteReadModels implements ReadModelStore {
  readonly dialect = 'sqlite' as const;
  private readonly writer: Statements;
  private readonly reader: Statements;
  private queue: Promise<unknown> = Promise.resolve();

  /** A file path (two connections), ':memory:' (one connection: a scratch model), or an open database. */
  constructor(target: string | Database.Database, opts: SqliteStoreOptions = {}) {
    const open = (path: string, readonly: boolean) => {
      const db = new Database(path, { readonly, fileMustExist: readonly });
      if (!readonly) db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
      db.pragma('busy_timeout = 10000');
      return db;
    };
    if (typeof target !== 'string') {
      this.writer = this.reader = new Statements(target);
    } else if (target === ':memory:') {
      this.writer = this.reader = new Statements(new Database(':memory:'));
    } else {
      this.writer = new Statements(open(target, !!opts.readonly));
      this.reader = opts.readonly ? this.writer : new Statements(open(target, true));
    }
  }

  /** The writing connection (benches that load a model directly, and the auditor's snapshot). */
  get database(): Database.Database {
    return this.writer.db;
  }

  get<T>(sql: string, params?: readonly SqlValue[]) {
    return this.reader.get<T>(sql, params);
  }
  all<T>(sql: string, params?: readonly SqlValue[]) {
    return this.reader.all<T>(sql, params);
  }
  rows(sql: string, params?: readonly SqlValue[]) {
    return this.reader.rows(sql, params);
  }
  run(sql: string, params?: readonly SqlValue[]) {
    return this.transaction((tx) => tx.run(sql, params));
  }
  async exec(ddl: string): Promise<void> {
    await this.transaction(async () => void this.writer.db.exec(ddl));
  }
  forUpdate(): string {
    return '';
  }
  async columns(table: string): Promise<string[]> {
    return (this.writer.db.prepare(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).all() as { name: string }[]).map((c) => c.name);
  }

  async snapshot<T>(work: (q: ReadModelQueries) => Promise<T>): Promise<T> {
    // A deferred read transaction on the reading connection: WAL keeps its snapshot until COMMIT.
    const r = this.reader;
    if (r === this.writer) return this.transaction(work);
    r.db.exec('BEGIN');
    try {
      return await work(r);
    } finally {
      r.db.exec('COMMIT');
    }
  }

  transaction<T>(work: (tx: ReadModelTx) => Promise<T>): Promise<T> {
    const run = async () => {
      const w = this.writer;
      w.db.exec('BEGIN IMMEDIATE');
      const tx: ReadModelTx = {
        get: (sql, params) => w.get(sql, params),
        all: (sql, params) => w.all(sql, params),
        rows: (sql, params) => w.rows(sql, params),
        run: (sql, params) => w.run(sql, params),
        exec: async (ddl) => void w.db.exec(ddl),
        lock: async () => undefined,
        async savepoint(inner) {
          const name = `sp${++savepoints}`;
          w.db.exec(`SAVEPOINT ${name}`);
          try {
            const out = await inner();
            w.db.exec(`RELEASE ${name}`);
            return out;
          } catch (err) {
            w.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
            throw err;
          }
        },
      };
      try {
        const out = await work(tx);
        w.db.exec('COMMIT');
        return out;
      } catch (err) {
        if (w.db.inTransaction) w.db.exec('ROLLBACK');
        throw err;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.reader !== this.writer) this.reader.db.close();
    this.writer.db.close();
  }
}
