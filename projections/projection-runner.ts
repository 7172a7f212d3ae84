/**
 * Folds the log into one projection's tables. The tables and the projection's checkpoint live
 * in the same read-model database, so each batch and its checkpoint commit together. A changed
 * projection version drops the tables and rebuilds from position zero.
 */
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../schemas/envelope';
import type { SqliteEventLog } from '../streams/log/sqlite/sqlite-event-log';
import { CatchUpLoop } from '../streams/runtime/catch-up-loop';
import { processedEvents, processorLag } from '../streams/metrics';
import type { ProjectionDefinition } from './projection';

const META_DDL = `
CREATE TABLE IF NOT EXISTS projection_meta (
  name     TEXT PRIMARY KEY,
  version  INTEGER NOT NULL,
  position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS projection_errors (
  name     TEXT NOT NULL,
  position INTEGER NOT NULL,
  error    TEXT NOT NULL,
  PRIMARY KEY (name, position)
);`;

/** Where a projection reads its events from: the embedded log synchronously (fast path) or any EventLog. */
export interface ProjectionSource {
  readSync(opts: { from: number; types: readonly string[]; limit: number }): ReturnType<SqliteEventLog['readSync']>;
  headSync(): number;
}

export class ProjectionRunner extends CatchUpLoop {
  protected readonly batchSize: number;

  constructor(
    protected readonly db: Database.Database,
    private readonly source: ProjectionSource,
    readonly def: ProjectionDefinition,
    opts: { batchSize?: number } = {},
  ) {
    super(`projection:${def.name}`, prepareProjection(db, def));
    this.batchSize = opts.batchSize ?? 1000;
  }

  /** Position up to which this projection has folded the log. */
  position(): number {
    return positionOf(this.db, this.def.name);
  }

  /** Fold up to `until` (inclusive) at most; returns events handled in this batch. */
  runBatch(until = Number.MAX_SAFE_INTEGER): number {
    const head = this.source.headSync();
    return this.applyBatch(head, until, (from) => this.source.readSync({ from, types: this.def.inputs, limit: this.batchSize }));
  }

  /**
   * One batch in one read-model transaction: the events after the projection's position (read by
   * `readFrom`, at most one batch), each applied in a savepoint, then the new position.
   */
  protected applyBatch(head: number, until: number, readFrom: (from: number) => RecordedEvent[]): number {
    let handled = 0;
    let checkpoint = 0;
    this.db
      .transaction(() => {
        checkpoint = positionOf(this.db, this.def.name);
        if (checkpoint >= until) return;
        const events = readFrom(checkpoint + 1).filter((e) => e.position <= until);
        for (const e of events) {
          try {
            this.db.transaction(() => this.def.apply(this.db, e))();
          } catch (err) {
            // Deterministic: a rebuild skips the same event the same way, so digests still agree.
            this.db.prepare('INSERT OR REPLACE INTO projection_errors (name, position, error) VALUES (?, ?, ?)').run(this.def.name, e.position, String((err as Error)?.message ?? err));
          }
          checkpoint = e.position;
        }
        if (events.length < this.batchSize) checkpoint = Math.max(checkpoint, Math.min(head, until));
        this.db.prepare('UPDATE projection_meta SET position = ? WHERE name = ?').run(checkpoint, this.def.name);
        handled = events.length;
      })
      .immediate();
    if (handled) processedEvents.inc({ processor: this.name }, handled);
    processorLag.set({ processor: this.name }, Math.max(0, head - checkpoint));
    this.progress$.next(checkpoint);
    return handled;
  }

  /** Fold what is on the log now (a key issued elsewhere, say) before answering from the model. */
  async refresh(): Promise<void> {
    this.catchUp();
  }

  /** Fold synchronously until caught up with the head (or `until`). */
  catchUp(until?: number): void {
    while (this.runBatch(until) > 0);
  }
}

/** Create meta tables; drop and recreate the projection's tables when its version changed. Returns its position. */
export function prepareProjection(db: Database.Database, def: ProjectionDefinition): number {
  db.exec(META_DDL);
  const meta = db.prepare('SELECT version, position FROM projection_meta WHERE name = ?').get(def.name) as
    | { version: number; position: number }
    | undefined;
  if (meta && meta.version === def.version) {
    db.exec(def.setup);
    return meta.position;
  }
  db.transaction(() => {
    for (const t of def.tables) db.exec(`DROP TABLE IF EXISTS "${t}"`);
    db.prepare('DELETE FROM projection_errors WHERE name = ?').run(def.name);
    db.exec(def.setup);
    db.prepare('INSERT OR REPLACE INTO projection_meta (name, version, position) VALUES (?, ?, 0)').run(def.name, def.version);
  })();
  return 0;
}

export function positionOf(db: Database.Database, name: string): number {
  return (db.prepare('SELECT position FROM projection_meta WHERE name = ?').get(name) as { position: number } | undefined)?.position ?? 0;
}

