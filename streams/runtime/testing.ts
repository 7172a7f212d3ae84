/**
 * Given/when/then for pure processors, with no log and no I/O:
 *   const t = given(processor, [e1, e2]);   // fold the history
 *   expect(t.when(e3)).toEqual([...]);      // the events e3 emits
 *   expect(t.thenThrows(e4)).toBeInstanceOf(ValidationError); // e4 fails, the state stays
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type { EmittedEvent, ProcessorDefinition } from './processor';
import { deepFreeze } from './freeze';

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
  /** Handle one more event that must fail: returns the error; the state is left as it was. */
  thenThrows(event: RecordedEvent): unknown;
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
    // Round-trip through JSON as the runtime persists state (catches state that would not survive a
    // restart), then deep-freeze it as the runtime's step does (catches a handler changing its input).
    const before = states.has(key) ? states.get(key)! : def.initialState();
    const decision = def.handle(deepFreeze(JSON.parse(JSON.stringify(before)) as S), event);
    states.set(key, JSON.parse(JSON.stringify(decision.state)) as S);
    emitted.push(...decision.emit);
    return decision.emit;
  };
  const thenThrows = (event: RecordedEvent): unknown => {
    const key = keyOf(event);
    const before = JSON.stringify(states.get(key) ?? null);
    try {
      when(event);
    } catch (err) {
      if (JSON.stringify(states.get(key) ?? null) !== before) throw new Error(`${def.name}: a failed handle changed the state of '${key}'`);
      return err;
    }
    throw new Error(`${def.name}: expected handling ${event.type} to throw, it emitted ${emitted.length} event(s) so far without failing`);
  };
  for (const e of history) when(e);
  return { when, thenThrows, state: (key = '*') => states.get(key) ?? def.initialState(), emitted };
}
