/** Metrics of the log and the runtime (prom-client default registry): one definition each. */
import { Counter, Gauge } from 'prom-client';

export const processedEvents = new Counter({
  name: 'trust_processor_events_total',
  help: 'Events handled by a processor or projection',
  labelNames: ['processor'] as const,
});

export const processorLag = new Gauge({
  name: 'trust_processor_lag_events',
  help: 'Events on the log not yet handled by a processor or projection (head - checkpoint)',
  labelNames: ['processor'] as const,
});

export const deadLetters = new Counter({
  name: 'trust_dead_letters_total',
  help: 'Events a processor could not handle and sent to its dead-letter stream',
  labelNames: ['processor'] as const,
});

export const transientRetries = new Counter({
  name: 'trust_processor_retries_total',
  help: 'Transient failures retried by the runtime (bounded per event)',
  labelNames: ['processor'] as const,
});

export const eventsAppended = new Counter({
  name: 'trust_events_appended_total',
  help: 'Events appended to the log (duplicates of an existing id not counted)',
  labelNames: ['type'] as const,
});

/** Count appended events by type after their transaction committed. */
export function countAppended(types: Iterable<string>): void {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [type, n] of counts) eventsAppended.inc({ type }, n);
}
