/**
 * Runs one processor on the PostgreSQL store with exactly-once effects, once per deployment:
 * the instance holding the processor's lease reads the inputs after its checkpoint, runs the shared
 * processor step per input, and commits the emitted events, the changed states and the checkpoint
 * in ONE transaction on the lease's connection. A crash before the commit leaves nothing; a zombie
 * that lost its lease (its session) cannot commit. Another instance takes the lease over and
 * resumes from the committed checkpoint; derived event ids make any redo a no-op on the log.
 *
 * Pinning each processor to one owner keeps processors whose state is global (the ZK planner
 * keys everything on one key) correct with any number of instances; the processors spread over the
 * instances, one lease each.
 */
import type pg from 'pg';
import type { PgEventLog } from '../../log/postgres/pg-event-log';
import type { ProcessorDefinition } from '../processor';
import { checkpointName } from '../processor-runner';
import { commitProcessorBatch } from './commit-batch';
import { LeasedLoop } from './leased-loop';

export interface PgProcessorOptions {
  batchSize?: number;
  maxAttempts?: number;
}

export class PgProcessorRunner<S> extends LeasedLoop {
  constructor(
    private readonly log: PgEventLog,
    readonly def: ProcessorDefinition<S>,
    private readonly opts: PgProcessorOptions = {},
  ) {
    super(checkpointName(def.name), log.connectionString, log.changes$, { lagLabel: def.name });
  }

  protected async round(session: pg.Client): Promise<number> {
    const cp = await session.query('SELECT position FROM checkpoints WHERE name = $1', [this.name]);
    let checkpoint = cp.rows.length ? Number(cp.rows[0].position) : 0;
    this.resumeFrom(checkpoint);
    const head = await this.log.head();
    this.observeHead(head);
    const batchSize = this.opts.batchSize ?? 500;
    const events = await this.log.read({ from: checkpoint + 1, types: this.def.inputs, limit: batchSize });
    if (events.length) checkpoint = events[events.length - 1].position;
    // Nothing of interest up to the head: move the checkpoint there so lag reads true.
    if (events.length < batchSize) checkpoint = Math.max(checkpoint, head);
    await commitProcessorBatch(this.log, session, this.def, events, this.opts, (s) => this.log.setCheckpoint(this.name, checkpoint, s));
    this.progress$.next(checkpoint);
    return events.length;
  }

  /** Committed state of a key (tests, diagnostics). */
  async stateOf(key = '*'): Promise<S> {
    const res = await this.log.pool.query('SELECT state FROM processor_state WHERE processor = $1 AND key = $2', [this.def.name, key]);
    return res.rows.length ? (res.rows[0].state as S) : this.def.initialState();
  }
}
