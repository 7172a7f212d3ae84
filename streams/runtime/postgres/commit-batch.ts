/**
 * One batch of a processor on the PostgreSQL store, in one transaction on the caller's connection:
 * load the states the batch touches, run the shared processor step per input, append what it
 * emitted, save the states, and whatever position the runner keeps (`more`). Both runners use it:
 * the leased one (a checkpoint on the store's positions) and the consumer-group one (positions per
 * input partition).
 */
import type pg from 'pg';
import type { NewEvent, RecordedEvent } from '../../../schemas/envelope';
import type { PgEventLog } from '../../log/postgres/pg-event-log';
import { countAppended, processedEvents } from '../../metrics';
import type { ProcessorDefinition } from '../processor';
import { processorStep } from '../step';

export interface BatchOptions {
  maxAttempts?: number;
  /** Lock the states' rows: instances working on other partitions may touch the same keys. */
  lockStates?: boolean;
  /** Events to append besides the step's (dead letters of inputs that could not be read). */
  alsoAppend?: readonly NewEvent[];
}

export async function commitProcessorBatch<S>(
  log: PgEventLog,
  session: pg.Client,
  def: ProcessorDefinition<S>,
  events: readonly RecordedEvent[],
  opts: BatchOptions,
  more: (session: pg.Client) => Promise<void>,
): Promise<void> {
  const keyOf = def.keyOf ?? (() => '*');
  const appendedTypes: string[] = [];
  await log.transaction(async (tx) => {
    const states = await loadStates<S>(session, def.name, [...new Set(events.map(keyOf))], opts.lockStates ?? false);
    const dirty = new Set<string>();
    const append: NewEvent[] = [...(opts.alsoAppend ?? [])];
    for (const e of events) {
      const key = keyOf(e);
      const step = processorStep(def, log.codec, states.get(key) ?? def.initialState(), e, opts.maxAttempts);
      append.push(...step.append);
      if (!step.deadLettered) (states.set(key, step.state), dirty.add(key));
    }
    if (append.length) {
      const results = await tx.append(append, `${def.name}.emit`);
      results.forEach((r, i) => r.duplicate || appendedTypes.push(append[i].type));
    }
    if (dirty.size) {
      const keys = [...dirty];
      await session.query(
        `INSERT INTO processor_state (processor, key, state) SELECT $1, k, s FROM unnest($2::text[], $3::jsonb[]) AS t(k, s)
         ON CONFLICT (processor, key) DO UPDATE SET state = excluded.state`,
        [def.name, keys, keys.map((k) => JSON.stringify(states.get(k)))],
      );
    }
    await more(session);
  }, session);
  countAppended(appendedTypes);
  if (events.length) processedEvents.inc({ processor: def.name }, events.length);
}

async function loadStates<S>(session: pg.Client, processor: string, keys: string[], lock: boolean): Promise<Map<string, S>> {
  if (keys.length === 0) return new Map();
  // Sorted, so two instances locking overlapping keys take them in the same order (no deadlock).
  const res = await session.query(
    `SELECT key, state FROM processor_state WHERE processor = $1 AND key = ANY($2::text[]) ORDER BY key${lock ? ' FOR UPDATE' : ''}`,
    [processor, [...keys].sort()],
  );
  return new Map(res.rows.map((r) => [r.key as string, r.state as S]));
}
