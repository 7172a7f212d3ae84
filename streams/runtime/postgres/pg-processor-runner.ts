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
import type { NewEvent, RecordedEvent } from '../../../schemas/envelope';
import type { PgEventLog } from '../../log/postgres/pg-event-log';
import { countAppended, processedEvents, processorLag } from '../../metrics';
import type { ProcessorDefinition } from '../processor';
import { checkpointName } from '../processor-runner';
import { processorStep } from '../step';
import { LeasedLoop } from './leased-loop';

export interface PgProcessorOptions {
  batchSize?: number;
  maxAttempts?: number;
}

export class PgProcessorRunner<S> extends LeasedLoop {
  private readonly keyOf: (e: RecordedEvent) => string;

  constructor(
    private readonly log: PgEventLog,
    readonly def: ProcessorDefinition<S>,
    private readonly opts: PgProcessorOptions = {},
  ) {
    super(checkpointName(def.name), log.connectionString, log.changes$);
    this.keyOf = def.keyOf ?? (() => '*');
  }

  protected async round(session: pg.Client): Promise<number> {
    let handled = 0;
    let checkpoint = 0;
    const appendedTypes: string[] = [];
    await this.log.transaction(async (tx) => {
      const cp = await session.query('SELECT position FROM checkpoints WHERE name = $1', [this.name]);
      checkpoint = cp.rows.length ? Number(cp.rows[0].position) : 0;
      const head = await this.log.head();
      const batchSize = this.opts.batchSize ?? 500;
      const events = await this.log.read({ from: checkpoint + 1, types: this.def.inputs, limit: batchSize });
      const states = await this.loadStates(session, [...new Set(events.map((e) => this.keyOf(e)))]);
      const dirty = new Set<string>();
      const append: NewEvent[] = [];
      for (const e of events) {
        const key = this.keyOf(e);
        const step = processorStep(this.def, this.log.codec, states.get(key) ?? this.def.initialState(), e, this.opts.maxAttempts);
        append.push(...step.append);
        if (!step.deadLettered) (states.set(key, step.state), dirty.add(key));
        checkpoint = e.position;
      }
      // Nothing of interest up to the head: move the checkpoint there so lag reads true.
      if (events.length < batchSize) checkpoint = Math.max(checkpoint, head);
      if (append.length) {
        const results = await tx.append(append, `${this.def.name}.emit`);
        results.forEach((r, i) => r.duplicate || appendedTypes.push(append[i].type));
      }
      if (dirty.size) {
        const keys = [...dirty];
        await session.query(
          `INSERT INTO processor_state (processor, key, state) SELECT $1, k, s FROM unnest($2::text[], $3::jsonb[]) AS t(k, s)
           ON CONFLICT (processor, key) DO UPDATE SET state = excluded.state`,
          [this.def.name, keys, keys.map((k) => JSON.stringify(states.get(k)))],
        );
      }
      await this.log.setCheckpoint(this.name, checkpoint, session);
      handled = events.length;
      processorLag.set({ processor: this.def.name }, Math.max(0, head - checkpoint));
    }, session);
    countAppended(appendedTypes);
    if (handled) processedEvents.inc({ processor: this.def.name }, handled);
    this.progress$.next(checkpoint);
    return handled;
  }

  private async loadStates(session: pg.Client, keys: string[]): Promise<Map<string, S>> {
    if (keys.length === 0) return new Map();
    const res = await session.query('SELECT key, state FROM processor_state WHERE processor = $1 AND key = ANY($2::text[])', [this.def.name, keys]);
    return new Map(res.rows.map((r) => [r.key as string, r.state as S]));
  }

  /** Committed state of a key (tests, diagnostics). */
  async stateOf(key = '*'): Promise<S> {
    const res = await this.log.pool.query('SELECT state FROM processor_state WHERE processor = $1 AND key = $2', [this.def.name, key]);
    return res.rows.length ? (res.rows[0].state as S) : this.def.initialState();
  }
}
