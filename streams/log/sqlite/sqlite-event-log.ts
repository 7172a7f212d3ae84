/**
 * The embedded event log: one SQLite file (better-sqlite3, WAL). Appends are transactions;
 * several processes may share the file (the CLI next to a running service): SQLite serialises
 * the writers and readers poll the head for what others appended.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Observable, Subject } from 'rxjs';
import { codec as sharedCodec, type Codec } from '../../../schemas/codec';
import type { AppendResult, NewEvent, RecordedEvent } from '../../../schemas/envelope';
import { IdempotencyConflictError, VersionConflictError } from '../../../schemas/errors';
import { countAppended } from '../../metrics';
import { eventHash, storedEnvelope, type StoredEvent } from '../hash-chain';
import type { EventLog, ReadOptions, SubscribeOptions } from '../port';
import { decodeStored, storedFromRow, type StoredRow } from '../stored-row';
import { EVENT_COLUMNS, INSERT_EVENT, INSERT_EVENT_IF_NEW, LOG_DDL, pragmas, type SyncMode } from './ddl';

export interface SqliteLogOptions {
  /** File path, or ':memory:'. */
  path: string;
  sync?: SyncMode;
  codec?: Codec;
  /** How often to look for events appended by other processes (ms). */
  pollMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

interface StreamHead {
  version: number;
  hash: string;
}


export class SqliteEventLog implements EventLog {
  readonly db: Database.Database;
  readonly codec: Codec;
  /** Emits the new head after each append made through this instance, or seen by polling. */
  readonly changes$ = new Subject<number>();
  private readonly pollMs: number;
  private readonly now: () => Date;
  private readonly stmts = new Map<string, Database.Statement>();
  /** Last (version, hash) per stream as committed through this connection; see append(). */
  private readonly headCache = new Map<string, StreamHead>();
  private dataVersion = -1;
  private pollTimer: NodeJS.Timeout | undefined;
  private subscribers = 0;
  private lastSeenHead = 0;
  private closed = false;

  constructor(opts: SqliteLogOptions) {
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path);
    for (const p of pragmas(opts.sync ?? 'FULL')) this.db.pragma(p);
    this.db.exec(LOG_DDL);
    this.codec = opts.codec ?? sharedCodec();
    this.pollMs = opts.pollMs ?? 100;
    this.now = opts.now ?? (() => new Date());
    this.lastSeenHead = this.headSync();
  }

  // ---- writes -------------------------------------------------------------------------------

  async append(events: readonly NewEvent[]): Promise<AppendResult[]> {
    let heads!: Map<string, StreamHead>;
    const results = this.db
      .transaction(() => {
        // Another connection committed since we last looked: our cached stream heads may be stale.
        const dataVersion = this.stmt('PRAGMA data_version').pluck().get() as number;
        if (dataVersion !== this.dataVersion) (this.headCache.clear(), (this.dataVersion = dataVersion));
        const out = this.appendCore(events, 'events', true);
        heads = out.heads;
        return out.results;
      })
      .immediate();
    if (this.headCache.size > 100_000) this.headCache.clear();
    for (const [stream, head] of heads) this.headCache.set(stream, head);
    countAppended(events.filter((_, i) => !results[i].duplicate).map((e) => e.type));
    this.notify();
    return results;
  }

  /**
   * The append itself, for callers that already hold a transaction (the processor runtime
   * commits state, emitted events and its checkpoint together). It cannot know whether that
   * transaction commits, so it bypasses the stream-head cache and evicts what it touches.
   */
  appendInTransaction(events: readonly NewEvent[], fieldPrefix = 'events'): AppendResult[] {
    const { results, heads } = this.appendCore(events, fieldPrefix, false);
    for (const stream of heads.keys()) this.headCache.delete(stream);
    return results;
  }

  private appendCore(events: readonly NewEvent[], fieldPrefix: string, useCache: boolean): { results: AppendResult[]; heads: Map<string, StreamHead> } {
    const recordedAt = this.now().toISOString();
    const heads = new Map<string, StreamHead>();
    const results: AppendResult[] = [];
    const insert = this.stmt(INSERT_EVENT_IF_NEW);
    let position = this.headSync();
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const id = e.id ?? randomUUID();
      const { schemaVersion, bytes } = this.codec.encode(e.type, e.payload, `${fieldPrefix}[${i}].payload`);
      const head = heads.get(e.stream) ?? (useCache ? this.headCache.get(e.stream) : undefined) ?? this.streamHead(e.stream);
      if (e.expectedVersion !== undefined && e.expectedVersion !== head.version) {
        // A retried append of an event that already landed is a duplicate, not a conflict.
        const dup = this.duplicateOf(id, e, bytes);
        if (!dup) throw new VersionConflictError(e.stream, e.expectedVersion, head.version);
        results.push(dup);
        continue;
      }
      const fields = storedEnvelope(e, id, head.version + 1, recordedAt, schemaVersion);
      const hash = eventHash(head.hash, fields, bytes);
      const inserted = insert.run(
        position + 1, id, fields.type, fields.stream, fields.streamVersion, fields.tenant, fields.occurredAt, recordedAt,
        fields.correlationId, fields.causationId, schemaVersion, bytes, head.hash, hash,
      );
      if (inserted.changes === 0) {
        // The id is already on the log (ON CONFLICT(id) DO NOTHING): idempotent replay or a conflict.
        results.push(this.duplicateOf(id, e, bytes)!);
        continue;
      }
      position += 1;
      heads.set(e.stream, { version: fields.streamVersion, hash });
      results.push({ id, position, stream: e.stream, streamVersion: fields.streamVersion, duplicate: false });
    }
    return { results, heads };
  }

  /** The stored event with this id as a duplicate result; a conflict if its content differs; undefined if absent. */
  private duplicateOf(id: string, e: NewEvent, bytes: Buffer): AppendResult | undefined {
    const existing = this.stmt('SELECT position, type, stream, stream_version, tenant, payload FROM events WHERE id = ?').get(id) as
      | { position: number; type: string; stream: string; stream_version: number; tenant: string; payload: Buffer }
      | undefined;
    if (!existing) return undefined;
    if (existing.type !== e.type || existing.stream !== e.stream || existing.tenant !== e.tenant || !existing.payload.equals(bytes)) {
      throw new IdempotencyConflictError(id);
    }
    return { id, position: existing.position, stream: existing.stream, streamVersion: existing.stream_version, duplicate: true };
  }

  /** Insert an already-hashed event exactly as exported (used by `trust events import`). */
  insertStored(e: StoredEvent): void {
    this.headCache.delete(e.stream);
    this.stmt(INSERT_EVENT).run(
      e.position, e.id, e.type, e.stream, e.streamVersion, e.tenant, e.occurredAt, e.recordedAt, e.correlationId,
      e.causationId, e.schemaVersion, e.payloadBytes, e.prevHash, e.hash,
    );
  }

  // ---- reads --------------------------------------------------------------------------------

  async read(options: ReadOptions = {}): Promise<RecordedEvent[]> {
    return this.readSync(options);
  }

  readSync(options: ReadOptions = {}): RecordedEvent[] {
    return this.readStoredSync(options).map((s) => this.decodeStored(s));
  }

  /** Events with their payload still encoded: the chain verifier and the exporter need the bytes. */
  readStoredSync(options: ReadOptions = {}): StoredEvent[] {
    const where: string[] = ['position >= ?'];
    const args: unknown[] = [options.from ?? 1];
    if (options.types) {
      if (options.types.length === 0) return [];
      where.push(`type IN (${options.types.map(() => '?').join(',')})`);
      args.push(...options.types);
    }
    if (options.stream !== undefined) (where.push('stream = ?'), args.push(options.stream));
    if (options.tenant !== undefined) (where.push('tenant = ?'), args.push(options.tenant));
    args.push(options.limit ?? 1000);
    const sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`;
    return (this.stmt(sql).raw(true).all(...args) as StoredRow[]).map(storedFromRow);
  }

  /** Position of the n-th last event matching the filters (1 when fewer match): where a tail starts. */
  startOfLastSync(n: number, options: Pick<ReadOptions, 'types' | 'stream'> = {}): number {
    const where: string[] = ['1 = 1'];
    const args: unknown[] = [];
    if (options.types?.length) (where.push(`type IN (${options.types.map(() => '?').join(',')})`), args.push(...options.types));
    if (options.stream !== undefined) (where.push('stream = ?'), args.push(options.stream));
    const sql = `SELECT min(position) AS p FROM (SELECT position FROM events WHERE ${where.join(' AND ')} ORDER BY position DESC LIMIT ?)`;
    return ((this.stmt(sql).get(...args, n) as { p: number | null }).p ?? 1) as number;
  }

  async readStream(stream: string, fromVersion = 1, limit = 1000): Promise<RecordedEvent[]> {
    const sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`;
    return (this.stmt(sql).raw(true).all(stream, fromVersion, limit) as StoredRow[]).map((r) => this.decodeStored(storedFromRow(r)));
  }

  async head(): Promise<number> {
    return this.headSync();
  }

  headSync(): number {
    return ((this.stmt('SELECT max(position) AS head FROM events').get() as { head: number | null }).head ?? 0) as number;
  }

  decodeStored(s: StoredEvent): RecordedEvent {
    return decodeStored(this.codec, s);
  }

  subscribe(from: number, options: SubscribeOptions = {}): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      let next = from;
      let draining = false;
      let again = false;
      // Re-entrant notifications (a subscriber that appends) set `again` instead of recursing.
      const drain = () => {
        if (draining) return void (again = true);
        draining = true;
        try {
          do {
            again = false;
            for (;;) {
              if (subscriber.closed) return;
              const page = this.readSync({ from: next, limit: 500, types: options.types });
              for (const e of page) {
                if (subscriber.closed) return;
                subscriber.next(e);
                next = e.position + 1;
              }
              if (page.length < 500) break;
            }
          } while (again);
        } catch (err) {
          subscriber.error(err);
        } finally {
          draining = false;
        }
      };
      const sub = this.changes$.subscribe(() => drain());
      this.startPolling();
      drain();
      return () => {
        sub.unsubscribe();
        this.stopPolling();
      };
    });
  }

  // ---- checkpoints ----------------------------------------------------------------------------

  async getCheckpoint(name: string): Promise<number> {
    return this.getCheckpointSync(name);
  }

  getCheckpointSync(name: string): number {
    return (this.stmt('SELECT position FROM checkpoints WHERE name = ?').get(name) as { position: number } | undefined)?.position ?? 0;
  }

  async setCheckpoint(name: string, position: number): Promise<void> {
    this.setCheckpointSync(name, position);
  }

  setCheckpointSync(name: string, position: number): void {
    this.stmt('INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position').run(name, position);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.changes$.complete();
    this.db.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Tell in-process subscribers that the head moved. */
  notify(): void {
    const head = this.headSync();
    this.lastSeenHead = head;
    this.changes$.next(head);
  }

  private streamHead(stream: string): StreamHead {
    const row = this.stmt('SELECT stream_version AS version, hash FROM events WHERE stream = ? ORDER BY stream_version DESC LIMIT 1').get(stream) as
      | { version: number; hash: string }
      | undefined;
    return row ?? { version: 0, hash: '' };
  }

  private startPolling(): void {
    this.subscribers++;
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => {
      if (this.closed) return;
      const head = this.headSync();
      if (head !== this.lastSeenHead) {
        this.lastSeenHead = head;
        this.changes$.next(head);
      }
    }, this.pollMs);
    this.pollTimer.unref();
  }

  private stopPolling(): void {
    this.subscribers--;
    if (this.subscribers <= 0 && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
      this.subscribers = 0;
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
}
