/**
 * The events a processor's decision turns into, the same on every runtime (embedded or Kafka):
 * emitted events get ids derived from (processor, input id), so a redo after a crash or a
 * rebalance appends the same ids (a no-op on the log); a failed input becomes a DeadLettered event.
 */
import { createHash } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../../schemas/envelope';
import { TrustError } from '../../schemas/errors';
import type { EmittedEvent } from './processor';

export const deadLetterStream = (processor: string) => `deadletter-${processor}`;

/** Deterministic id of the n-th event emitted for an input: a redo after a crash appends the same ids. */
export function derivedEventId(processor: string, inputId: string, discriminator: string): string {
  const h = createHash('sha256').update(`${processor}\u0000${inputId}\u0000${discriminator}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A decision's emitted events, ready to append: derived ids, the input's correlation, the input as cause. */
export function emittedEvents(processor: string, input: Pick<RecordedEvent, 'id' | 'correlationId'>, emit: readonly EmittedEvent[]): NewEvent[] {
  return emit.map((em, i) => {
    const { idSuffix, ...rest } = em;
    return { ...rest, id: derivedEventId(processor, input.id, idSuffix ?? `#${i}`), correlationId: input.correlationId, causationId: input.id };
  });
}

/** What an input that could not be handled becomes: a DeadLettered event on the processor's dead-letter stream. */
export function deadLetterEvent(
  processor: string,
  input: { id: string; type: string; stream: string; position: number; tenant: string; correlationId?: string },
  err: unknown,
  attempts: number,
): NewEvent {
  return {
    id: derivedEventId(processor, input.id, 'dead-letter'),
    type: 'DeadLettered',
    stream: deadLetterStream(processor),
    tenant: input.tenant,
    correlationId: input.correlationId,
    // An input without a correlation id never reached the log (a foreign record): nothing to point at.
    causationId: input.correlationId === undefined ? undefined : input.id,
    payload: {
      processor,
      eventId: input.id,
      eventType: input.type,
      eventStream: input.stream,
      eventPosition: input.position,
      error: String((err as Error)?.message ?? err).slice(0, 2000),
      errorCode: err instanceof TrustError ? err.code : null,
      attempts,
    },
  };
}

/**
 * The dead letter of a broker record that never became a log event (unreadable, or a foreign record
 * that cannot be taken): named by where it sits, `topic/partition/offset`, so a redo of its batch
 * derives the same id. `inputId` defaults to that place.
 */
export function recordDeadLetter(processor: string, at: string, err: unknown, inputId = at): NewEvent {
  return deadLetterEvent(processor, { id: inputId, type: 'unknown', stream: at, position: 0, tenant: 'system' }, err, 1);
}
