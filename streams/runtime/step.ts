/**
 * One processor step, the same on every runtime (embedded, PostgreSQL, Kafka): hand one input to
 * the processor, retry a transient failure, check what it emits against the event schemas, and
 * turn a failure into a dead letter. The state is deep-frozen first: a handler returns a new state
 * and never changes the one it was given (a failed step leaves the runner's state intact). It
 * decides; the runtime commits (state, emitted events and
 * input position together) — so an emitted event that breaks its schema dead-letters its input
 * instead of failing the whole batch.
 */
import type { Codec } from '../../schemas/codec';
import type { NewEvent, RecordedEvent } from '../../schemas/envelope';
import { isTransient } from '../../schemas/errors';
import { deadLetters, transientRetries } from '../metrics';
import { deadLetterEvent, emittedEvents } from './effects';
import { deepFreeze } from './freeze';
import type { ProcessorDefinition } from './processor';

export interface StepOutcome<S> {
  /** The state after the input (unchanged when it was dead-lettered). */
  state: S;
  /** Events to append: the emitted ones with derived ids, or the input's dead letter. */
  append: NewEvent[];
  deadLettered: boolean;
}

export function processorStep<S>(def: ProcessorDefinition<S>, codec: Codec, state: S, input: RecordedEvent, maxAttempts = 3): StepOutcome<S> {
  deepFreeze(state);
  for (let attempts = 1; ; attempts++) {
    try {
      const decision = def.handle(state, input);
      const events = emittedEvents(def.name, input, decision.emit);
      for (const [i, ev] of events.entries()) codec.encode(ev.type, ev.payload, `${def.name}.emit[${i}].payload`);
      return { state: decision.state, append: events, deadLettered: false };
    } catch (err) {
      if (isTransient(err) && attempts < maxAttempts) {
        transientRetries.inc({ processor: def.name });
        continue;
      }
      deadLetters.inc({ processor: def.name });
      return { state, append: [deadLetterEvent(def.name, input, err, attempts)], deadLettered: true };
    }
  }
}
