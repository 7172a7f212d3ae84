/**
 * A projection folded into this instance's SQLite read models from a log it reads asynchronously
 * (the PostgreSQL store of distributed mode): each batch is fetched first, then applied in one
 * read-model transaction exactly as the embedded runner applies it.
 */
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../schemas/envelope';
import type { EventLog } from '../streams/log/port';
import type { ProjectionDefinition } from './projection';
import { ProjectionRunner, positionOf } from './projection-runner';

export class RemoteProjectionRunner extends ProjectionRunner {
  constructor(
    db: Database.Database,
    private readonly log: EventLog,
    def: ProjectionDefinition,
    opts: { batchSize?: number } = {},
  ) {
    super(db, { readSync: () => [], headSync: () => 0 }, def, opts);
  }

  /** Nothing synchronously: this runner's batches are fetched first (runBatchAsync, or `drain`). */
  override runBatch(): number {
    return 0;
  }

  async runBatchAsync(): Promise<number> {
    const head = await this.log.head();
    const from = positionOf(this.db, this.def.name) + 1;
    const events: RecordedEvent[] = await this.log.read({ from, types: this.def.inputs, limit: this.batchSize });
    // Only this runner writes its position, so the batch read above still starts where applyBatch does.
    return this.applyBatch(head, Number.MAX_SAFE_INTEGER, () => events);
  }

  override async refresh(): Promise<void> {
    await this.drain();
  }

  override async drain(): Promise<void> {
    await this.drainWith(() => this.runBatchAsync());
  }
}
