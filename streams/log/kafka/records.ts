/**
 * The Kafka records of a group commit, built in one place so the adapter and bench-kafka's
 * like-for-like ceiling send exactly the same bytes. Each event becomes two records with the same
 * key (its stream) and envelope header: one on the journal (whose offset becomes its position) and
 * one on its catalog topic (the payload in the Confluent wire format, or bare Avro without a
 * registry). Chunks keep each produce request under the broker's default message.max.bytes (1 MB),
 * however many appends a group commit merged.
 */
import type { Message } from 'kafkajs';
import type { StoredEnvelope } from '../../../schemas/envelope';
import type { StoredEvent } from '../hash-chain';
import { ENVELOPE_HEADER, envelopeHeaders } from './headers';

/** An event ready to send: its stored form (position 0 until the journal assigns it) and its catalog topic. */
export type StoredEventDraft = StoredEvent & { topic: string };

/**
 * A draft with every field present from the start, in one order: the hot path creates one per
 * event and later sets its position, which a spread-then-extend object would make slow to access.
 */
export function newDraft(f: StoredEnvelope, prevHash: string, hash: string, payloadBytes: Buffer, topic: string): StoredEventDraft {
  return {
    position: 0,
    id: f.id,
    type: f.type,
    stream: f.stream,
    streamVersion: f.streamVersion,
    tenant: f.tenant,
    occurredAt: f.occurredAt,
    recordedAt: f.recordedAt,
    correlationId: f.correlationId,
    causationId: f.causationId,
    schemaVersion: f.schemaVersion,
    prevHash,
    hash,
    payloadBytes,
    topic,
  };
}

/** Catalog-topic value of a draft, synchronously (the registry's schema ids are resolved beforehand). */
export type CatalogValue = (d: StoredEventDraft) => Buffer;

export interface RecordChunk {
  drafts: StoredEventDraft[];
  /** One produce request: the journal first, then each catalog topic. */
  topicMessages: { topic: string; messages: Message[] }[];
}

/** Produce requests stay well under the broker's 1 MB default record-batch limit. */
export const MAX_CHUNK_BYTES = 512 * 1024;

/**
 * `log` is the writer's deployment (its topic prefix), stamped in every envelope header. Without a
 * journal (the relay of the PostgreSQL store) each event is one record, on its catalog topic only.
 */
export function recordChunks(drafts: readonly StoredEventDraft[], journal: string | undefined, catalogValue: CatalogValue, log: string): RecordChunk[] {
  const withHeaders = drafts.map((d) => ({ d, headers: envelopeHeaders(d, log) }));
  const size = ({ d, headers }: (typeof withHeaders)[number]) => d.payloadBytes.length + (headers[ENVELOPE_HEADER] as string).length + d.stream.length + 64;
  return chunkBySize(withHeaders, size, MAX_CHUNK_BYTES).map((chunk) => {
    const byTopic = new Map<string, Message[]>(journal === undefined ? [] : [[journal, []]]);
    const journalMessages = journal === undefined ? undefined : byTopic.get(journal)!;
    for (const { d, headers } of chunk) {
      journalMessages?.push({ key: d.stream, value: d.payloadBytes, headers });
      let list = byTopic.get(d.topic);
      if (!list) byTopic.set(d.topic, (list = []));
      list.push({ key: d.stream, value: catalogValue(d), headers });
    }
    return { drafts: chunk.map((c) => c.d), topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) };
  });
}

/** Splits items into runs whose estimated sizes add up to at most `max` (an item larger than `max` goes alone). */
export function chunkBySize<T>(items: readonly T[], size: (t: T) => number, max: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length && bytes + n > max) (chunks.push(current), (current = []), (bytes = 0));
    current.push(item);
    bytes += n;
  }
  if (current.length) chunks.push(current);
  return chunks;
}
