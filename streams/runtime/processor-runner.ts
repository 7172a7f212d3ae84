/**
 * Runs one processor on the embedded log with exactly-once effects: for each batch, the new
 * states, the emitted events and the checkpoint are written in one SQLite transaction, so a
 * crash at any point leaves either all of a batch's effects or none of them.
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type { SqliteEventLog } from '../log/sqlite/sqlite-event-log';
import { CatchUpLoop } from './catch-up-loop';
import { countAppended, processedEvents, processorLag } from '../metrics';
import type { ProcessorDefinition } from './processor';
import { processorStep } from './step';

export { deadLetterStream, derivedEventId } from './effects';

export const PROCESSOR_STATE_DDL = `
CREATE TABLE IF NOT EXISTS processor_state (
  processor TEXT NOT NULL,
  key       TEXT NOT NULL,
  state     TEXT NOT NULL,
  PRIMARY KEY (processor, key)
);`;

export interface ProcessorRunnerOptions {
  batchSize?: number;
  /** Attempts for a handler failing with a transient error before the event is dead-lettered. */
  maxAttempts?: number;
}

export const checkpointName = (processor: string) => `processor:${processor}`;

export class ProcessorRunner<S> extends CatchUpLoop {
  private readonly cache = new Map<string, S>();
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly keyOf: (e: RecordedEvent) => string;
  /** Types appended by the batch in flight, counted once it commits. */
  private appendedTypes: string[] = [];
  /** Checkpoint this runner last committed: if another process moved it, the cache is stale. */
  private lastCommitted = -1;

  constructor(
    private readonly log: SqliteEventLog,
    readonly def: ProcessorDefinition<S>,
    opts: ProcessorRunnerOptions = {},
  ) {
    log.db.exec(PROCESSOR_STATE_DDL);
    super(def.name, log.getCheckpointSync(checkpointName(def.name)));
    this.batchSize = opts.batchSize ?? 500;
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.keyOf = def.keyOf ?? (() => '*');
  }

  runBatch(): number {
    const cpName = checkpointName(this.def.name);
    let handled = 0;
    let checkpoint = 0;
    let head = 0;
    try {
      this.log.db
        .transaction(() => {
          checkpoint = this.log.getCheckpointSync(cpName);
          if (checkpoint !== this.lastCommitted) this.cache.clear();
          head = this.log.headSync();
          const events = this.log.readSync({ from: checkpoint + 1, types: this.def.inputs, limit: this.batchSize });
          const dirty = new Set<string>();
          for (const e of events) {
            this.handleOne(e, dirty);
            checkpoint = e.position;
          }
          // Nothing of interest up to the head: move the checkpoint there so lag reads true.
          if (events.length < this.batchSize) checkpoint = Math.max(checkpoint, head);
          const save = this.log.db.prepare('INSERT INTO processor_state (processor, key, state) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET state = excluded.state');
          for (const key of dirty) save.run(this.def.name, key, JSON.stringify(this.cache.get(key)));
          this.log.setCheckpointSync(cpName, checkpoint);
          handled = events.length;
        })
        .immediate();
    } catch (err) {
      this.cache.clear(); // states in the cache may be ahead of what was committed
      this.appendedTypes = [];
      this.lastCommitted = -1;
      throw err;
    }
    this.lastCommitted = checkpoint;
    countAppended(this.appendedTypes.splice(0));
    if (handled > 0) {
      processedEvents.inc({ processor: this.def.name }, handled);
      this.log.notify();
    }
    processorLag.set({ processor: this.def.name }, Math.max(0, this.log.headSync() - checkpoint));
    this.progress$.next(checkpoint);
    return handled;
  }

  /** Current state of a key as committed (for tests and read-side diagnostics). */
  stateOf(key = '*'): S {
    return this.load(key);
  }

  private handleOne(e: RecordedEvent, dirty: Set<string>): void {
    const key = this.keyOf(e);
    const step = processorStep(this.def, this.log.codec, this.cache.get(key) ?? this.load(key), e, this.maxAttempts);
    if (step.append.length) {
      const results = this.log.appendInTransaction(step.append, `${this.def.name}.emit`);
      results.forEach((r, i) => r.duplicate || this.appendedTypes.push(step.append[i].type));
    }
    if (!step.deadLettered) {
      this.cache.set(key, step.state);
      dirty.add(key);
    }
  }

  private load(key: string): S {
    const row = this.log.db.prepare('SELECT state FROM processor_state WHERE processor = ? AND key = ?').get(this.def.name, key) as
      | { state: string }
      | undefined;
    return row ? (JSON.parse(row.state) as S) : this.def.initialState();
  }
}
