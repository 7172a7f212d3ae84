/** Runtime metrics (prom-client default registry): one definition each, shared by every runner. */
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
