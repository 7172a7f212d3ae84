/**
 * The read-model store: where projections fold their tables and where routes, pages and reports
 * read them. Two adapters behind one port: SQLite (embedded mode, one file beside the log) and
 * PostgreSQL (distributed mode, shared by every instance). SQL is written once, in the subset both
 * speak: `?` placeholders, `INSERT … ON CONFLICT (…) DO UPDATE/NOTHING` with the target named,
 * upsert arithmetic qualified by the table's name, INTEGER/REAL/TEXT columns (dialect.ts maps the
 * DDL). Every call is asynchronous because PostgreSQL is a network away.
 */
export type SqlValue = string | number | bigint | null | Buffer;
export type Dialect = 'sqlite' | 'postgres';

/** Statements, inside or outside a transaction. */
export interface ReadModelQueries {
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Rows as arrays of column values, in select order (large scans: no object per row). */
  rows(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]>;
  /** A write; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** What a projection's `apply` and a batch's bookkeeping work with: one open transaction. */
export interface ReadModelTx extends ReadModelQueries {
  /**
   * Run `work` in a savepoint: its writes are kept if it resolves and undone if it throws (the
   * error is rethrown; the enclosing transaction goes on).
   */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
  /** DDL (several statements) inside this transaction. */
  exec(ddl: string): Promise<void>;
  /** Serialize with every other transaction taking the same key (PostgreSQL: an advisory lock; SQLite: already exclusive). */
  lock(key: string): Promise<void>;
}

export interface ReadModelStore extends ReadModelQueries {
  readonly dialect: Dialect;
  /** DDL (several statements), written for SQLite; the PostgreSQL adapter maps the types. */
  exec(ddl: string): Promise<void>;
  /** One transaction: others see all of `work`'s writes or none; rolled back if it throws. */
  transaction<T>(work: (tx: ReadModelTx) => Promise<T>): Promise<T>;
  /** Reads from one consistent snapshot (an auditor's digest next to a running folder); never writes. */
  snapshot<T>(work: (q: ReadModelQueries) => Promise<T>): Promise<T>;
  /**
   * A row lock for a transaction's claim on one row: `FOR UPDATE` (waits for the holder),
   * `FOR UPDATE SKIP LOCKED` when `wait` is false (no row if another transaction holds it).
   * Empty on SQLite, where a write transaction is already exclusive.
   */
  forUpdate(wait: boolean): string;
  /** Column names of a table, in declaration order (digests). */
  columns(table: string): Promise<string[]>;
  close(): Promise<void>;
}
