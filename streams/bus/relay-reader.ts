/**
 * Where the relay's rounds come from: the stored events from a position on, as the records of one
 * produce call per round (catalog topic, key = stream, the value in the registry's wire format,
 * the envelope header PostgreSQL built for it, see relay-rows.ts).
 *
 * Measured and dropped: reading and encoding on a worker thread, rounds handed over as transferred
 * buffers. On this 2-core machine the broker, PostgreSQL and librdkafka's threads already use the
 * second core, so the thread added packing and copying and the relay got slower (0.47 of a plain
 * producer vs 0.65–0.72 on one thread). What paid was doing less per event (relay-rows.ts).
 */
import type { Catalog } from '../../schemas/catalog';
import type { Message } from '../log/kafka/client';
import { ENVELOPE_HEADER } from '../log/kafka/headers';
import { RegistryWire } from '../log/kafka/wire';
import type { PgEventLog } from '../log/postgres/pg-event-log';
import { relayRows, type RelayRow } from '../log/postgres/relay-rows';

export interface PreparedRound {
  records: { topic: string; messages: Message[] }[];
  /** Position of its last event: the checkpoint once Kafka acknowledged it. */
  last: number;
  count: number;
}

export interface ReaderSource {
  log: PgEventLog;
  cat: Catalog;
  registryUrl?: string;
  /** The deployment (topic prefix), stamped in every envelope header. */
  prefix: string;
}

/** Reads a round: the records of the events from `from` on (at most `limit`), or undefined when there are none yet. */
export function roundReader(src: ReaderSource): (from: number, limit: number) => Promise<PreparedRound | undefined> {
  const wire = src.registryUrl ? new RegistryWire(src.registryUrl, src.cat, src.log.codec) : undefined;
  const topicOf = (r: RelayRow) => src.cat.entries.get(r.type)!.topic;
  return async (from, limit) => {
    const rows = await relayRows(src.log.pool, from, limit, src.prefix);
    if (rows.length === 0) return undefined;
    if (wire) await wire.prepare(rows.map(topicOf));
    // The round's values written end to end into one buffer (prefix, record): one allocation per round, not per event.
    const prefixes = wire ? rows.map((r) => wire.prefixSync(topicOf(r), r.type)) : undefined;
    let size = 0;
    for (let i = 0; i < rows.length; i++) size += (prefixes ? prefixes[i].length : 0) + rows[i].payload.length;
    const values = Buffer.allocUnsafe(size);
    let at = 0;
    // Per catalog topic, in store order: one produce call takes them all.
    const byTopic = new Map<string, Message[]>();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const start = at;
      if (prefixes) at += prefixes[i].copy(values, at);
      at += r.payload.copy(values, at);
      const topic = topicOf(r);
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({ key: r.stream, value: values.subarray(start, at), headers: { [ENVELOPE_HEADER]: r.header } });
    }
    return { records: [...byTopic].map(([topic, messages]) => ({ topic, messages })), last: rows[rows.length - 1].position, count: rows.length };
  };
}
