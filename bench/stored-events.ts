/**
 * The stored form of new events as an empty log would store them (positions from 1, versions,
 * hash chains), computed by the store's own append plan: the benches' ceilings send or insert
 * exactly what the product would, without the product's I/O.
 */
import { randomUUID } from 'node:crypto';
import { codec as sharedCodec } from '../schemas/codec';
import type { NewEvent } from '../schemas/envelope';
import type { StoredEvent } from '../streams/log/hash-chain';
import { planAppend } from '../streams/log/postgres/append-plan';

export function storedEvents(events: readonly NewEvent[], recordedAt = new Date().toISOString()): StoredEvent[] {
  const c = sharedCodec();
  const prepared = events.map((event) => ({ event, id: event.id ?? randomUUID(), ...c.encode(event.type, event.payload) }));
  return planAppend({ position: 0, heads: new Map(), ids: new Map() }, prepared, recordedAt).rows;
}
