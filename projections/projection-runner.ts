/**
 * Folds the log into one projection's tables. The tables and the projection's checkpoint live in
 * the same read-model store, so each batch and its checkpoint commit together. A changed
 * projection version drops the tables and rebuilds from position zero.
 *
 * Shared stores (PostgreSQL, several instances): a batch first locks the projection's checkpoint
 * row. The background loop skips a projection another instance is folding (SKIP LOCKED), so each
 * projection runs once across the deployment and any instance takes over when its folder stops;
 * `settle` waits for the lock instead, then folds from wherever the other instance left off.
 */
import type { RecordedEvent } from '../schemas/envelope';
import { CatchUpLoop } from '../streams/runtime/catch-up-loop';
import { processedEvents, processorLag } from '../streams/metrics';
import type { ProjectionDefinition } from './projection';
import type { ReadModelStore, ReadModelTx } from './store/port';

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

/** Where a projection reads its events from: any EventLog. */
export interface ProjectionSource {
  read(opts: { from: number; types: readonly string[]; limit: number }): Promise<RecordedEvent[]>;
  head(): Promise<number>;
}

/** An event's apply failed on the fast path: the batch is redone with one savepoint per event. */
class ApplyFailed extends Error {}

export class ProjectionRunner extends CatchUpLoop {
  protected readonly batchSize: number;
  private prepared: Promise<void> | undefined;
  private settling: Promise<number> | undefined;

  constructor(
    readonly store: ReadModelStore,
    private readonly source: ProjectionSource,
    readonly def: ProjectionDefinition,
    opts: { batchSize?: number } = {},
  ) {
    super(`projection:${def.name}`, 0);
    this.batchSize = opts.batchSize ?? 1000;
  }

  /** Create the tables (or rebuild them for a new version) once; the first batch waits for it. */
  prepare(): Promise<void> {
    return (this.prepared ??= prepareProjection(this.store, this.def).then(
      (position) => this.progress$.next(Math.max(this.progress$.value, position)),
      (err) => {
        this.prepared = undefined;
        throw err;
      },
    ));
  }

  /** Position up to which this projection has folded the log. */
  async position(): Promise<number> {
    await this.prepare();
    return positionOf(this.store, this.def.name);
  }

  /**
   * One batch: fold the events after the checkpoint (at most `until`), in one transaction. `wait`:
   * wait for another instance folding this projection rather than skip it. Returns events handled.
   */
  async runBatch(until = Number.MAX_SAFE_INTEGER, wait = false): Promise<number> {
    await this.prepare();
    const head = await this.source.head();
    let outcome: Folded;
    try {
      outcome = await this.store.transaction((tx) => this.fold(tx, head, until, wait, false));
    } catch (err) {
      if (!(err instanceof ApplyFailed)) throw err;
      // Redo with a savepoint per event so the failing one is recorded and skipped alone.
      outcome = await this.store.transaction((tx) => this.fold(tx, head, until, wait, true));
    }
    if (outcome.handled) processedEvents.inc({ processor: this.name }, outcome.handled);
    processorLag.set({ processor: this.name }, Math.max(0, head - outcome.checkpoint));
    if (outcome.checkpoint > this.progress$.value) this.progress$.next(outcome.checkpoint);
    return outcome.handled;
  }

  private async fold(tx: ReadModelTx, head: number, until: number, wait: boolean, isolate: boolean): Promise<Folded> {
    const claimed = await tx.get<{ position: number }>(`SELECT position FROM projection_meta WHERE name = ?${this.store.forUpdate(wait)}`, [this.def.name]);
    // Another instance is folding it: a plain read of the locked row still answers (and needs no second connection).
    if (!claimed) return { handled: 0, checkpoint: await positionOf(tx, this.def.name) };
    let checkpoint = claimed.position;
    if (checkpoint >= until) return { handled: 0, checkpoint };
    const events = (await this.source.read({ from: checkpoint + 1, types: this.def.inputs, limit: this.batchSize })).filter((e) => e.position <= until);
    if (!isolate && this.def.applyBatch && events.length) {
      await this.def.applyBatch(tx, events).catch((err) => {
        throw new ApplyFailed(String(err));
      });
      checkpoint = events[events.length - 1].position;
    } else for (const e of events) {
      if (isolate) {
        try {
          await tx.savepoint(() => this.def.apply(tx, e));
        } catch (err) {
          // Deterministic: a rebuild skips the same event the same way, so digests still agree.
          await tx.run(
            'INSERT INTO projection_errors (name, position, error) VALUES (?, ?, ?) ON CONFLICT (name, position) DO UPDATE SET error = excluded.error',
            [this.def.name, e.position, String((err as Error)?.message ?? err)],
          );
        }
      } else {
        await this.def.apply(tx, e).catch((err) => {
          throw new ApplyFailed(String(err));
        });
      }
      checkpoint = e.position;
    }
    if (events.length < this.batchSize) checkpoint = Math.max(checkpoint, Math.min(head, until));
    await tx.run('UPDATE projection_meta SET position = ? WHERE name = ?', [checkpoint, this.def.name]);
    return { handled: events.length, checkpoint };
  }

  /** Fold what is on the log now (a key issued elsewhere, say) before answering from the model. */
  async refresh(): Promise<void> {
    await this.settle(await this.source.head());
  }

  /**
   * Fold until this projection has reached `position` (or the head, if lower), whoever folds it.
   * Concurrent callers share one waiting batch, so read-your-writes under load holds one
   * connection per projection, not one per request.
   */
  async settle(position: number): Promise<void> {
    for (;;) {
      const target = Math.min(position, await this.source.head());
      if ((await this.position()) >= target) return;
      this.settling ??= this.runBatch(Number.MAX_SAFE_INTEGER, true).finally(() => (this.settling = undefined));
      await this.settling;
    }
  }

  /** Fold until caught up with the head (or `until`). */
  async catchUp(until?: number): Promise<void> {
    while ((await this.runBatch(until)) > 0);
  }
}

interface Folded {
  handled: number;
  checkpoint: number;
}

/** Create meta tables; drop and recreate the projection's tables when its version changed. Returns its position. */
export async function prepareProjection(store: ReadModelStore, def: ProjectionDefinition): Promise<number> {
  return store.transaction(async (tx) => {
    // Instances (and runners) starting together: one creates or rebuilds at a time, the others then
    // find it done. One lock for all DDL: PostgreSQL's CREATE … IF NOT EXISTS is not safe to race.
    await tx.lock('read-models:ddl');
    await tx.exec(META_DDL);
    const meta = await tx.get<{ version: number; position: number }>('SELECT version, position FROM projection_meta WHERE name = ?', [def.name]);
    if (meta && meta.version === def.version) {
      await tx.exec(def.setup);
      return meta.position;
    }
    for (const t of def.tables) await tx.run(`DROP TABLE IF EXISTS "${t}"`);
    await tx.run('DELETE FROM projection_errors WHERE name = ?', [def.name]);
    await tx.exec(def.setup);
    await tx.run(
      'INSERT INTO projection_meta (name, version, position) VALUES (?, ?, 0) ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0',
      [def.name, def.version],
    );
    return 0;
  });
}

export async function positionOf(store: Pick<ReadModelStore, 'get'>, name: string): Promise<number> {
  return (await store.get<{ position: number }>('SELECT position FROM projection_meta WHERE name = ?', [name]))?.position ?? 0;
}
