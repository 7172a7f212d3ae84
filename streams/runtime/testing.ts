/**
 * Given/when/then for pure processors, with no log and no I/O:
 *   const t = given(processor, [e1, e2]);   // fold the history
 *   expect(t.when(e3)).toEqual([...]);      // the events e3 emits
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type { EmittedEvent, ProcessorDefinition } from './processor';

let position = 0;

/** A recorded event with plausible envelope defaults; only type and payload matter to most processors. */
export function recorded<P>(type: string, payload: P, envelope: Partial<RecordedEvent> = {}): RecordedEvent<P> {
  position += 1;
  const at = envelope.occurredAt ?? new Date(Date.UTC(2026, 0, 1) + position * 1000).toISOString();
  return {
    position,
    id: `evt-${position}`,
    type,
    stream: `${type}-stream`,
    streamVersion: 1,
    tenant: 'acme',
    occurredAt: at,
    recordedAt: at,
    correlationId: `corr-${position}`,
    causationId: null,
    schemaVersion: 1,
    prevHash: '',
    hash: '',
    ...envelope,
    payload,
  };
}

export interface Scenario<S> {
  /** Handle one more event; returns what it emitted. */
  when(event: RecordedEvent): EmittedEvent[];
  /** State of a key (default: the single key). */
  state(key?: string): S;
  /** Everything emitted so far, in order. */
  emitted: EmittedEvent[];
}

export function given<S>(def: ProcessorDefinition<S>, history: readonly RecordedEvent[] = []): Scenario<S> {
  const states = new Map<string, S>();
  const keyOf = def.keyOf ?? (() => '*');
  const emitted: EmittedEvent[] = [];
  const when = (event: RecordedEvent): EmittedEvent[] => {
    if (!def.inputs.includes(event.type)) return [];
    const key = keyOf(event);
    // Round-trip through JSON as the runtime persists state: catches state that would not survive a restart.
    const before = states.has(key) ? states.get(key)! : def.initialState();
    const decision = def.handle(JSON.parse(JSON.stringify(before)) as S, event);
    states.set(key, JSON.parse(JSON.stringify(decision.state)) as S);
    emitted.push(...decision.emit);
    return decision.emit;
  };
  for (const e of history) when(e);
  return { when, state: (key = '*') => states.get(key) ?? def.initialState(), emitted };
}
