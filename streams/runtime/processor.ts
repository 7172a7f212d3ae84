/**
 * A stream processor, as domain code writes it: pure functions, no I/O.
 * The runtime (embedded or Kafka) feeds it events in log order and commits its new state,
 * the events it emits and its input position atomically, so an effect happens exactly once.
 */
import type { NewEvent, RecordedEvent } from '../../schemas/envelope';

/** An event a processor asks the runtime to append. Its id is derived by the runtime from the input, so a redo is idempotent. */
export type EmittedEvent<P = unknown> = Omit<NewEvent<P>, 'id' | 'correlationId' | 'causationId'> & {
  /** Optional suffix making the derived id unique when one input emits several events of one type on one stream. */
  idSuffix?: string;
};

export interface Decision<S> {
  state: S;
  emit: EmittedEvent[];
}

export interface ProcessorDefinition<S = unknown> {
  /** Stable name: the checkpoint, the state and the dead-letter stream are keyed by it. */
  name: string;
  /** Event types this processor consumes; others are never shown to it. */
  inputs: readonly string[];
  /**
   * State is partitioned by key (like a Kafka Streams state store keyed by the record key):
   * only the state of `keyOf(event)` is loaded for an event. Default: one key for everything.
   */
  keyOf?: (event: RecordedEvent) => string;
  initialState: () => S;
  /** (state, event) → (new state, events to emit). Must be deterministic; throwing dead-letters the event. */
  handle: (state: S, event: RecordedEvent) => Decision<S>;
}

export const defineProcessor = <S>(def: ProcessorDefinition<S>): ProcessorDefinition<S> => def;

/**
 * State per stream: the key the catalog topics are partitioned by. A processor keyed so can run as a
 * consumer group in distributed mode (its partitions spread over the instances); any other keying
 * (one global state, say) keeps one owner reading the log in order.
 */
export const byStream = (event: RecordedEvent): string => event.stream;

/** Helpers for domain code: keep state unchanged and emit nothing, or emit. */
export const noChange = <S>(state: S): Decision<S> => ({ state, emit: [] });

/** A processor of any state type, for lists of processors (state types differ per processor). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProcessorDefinition = ProcessorDefinition<any>;
