/**
 * The Kafka records of stored events, built in one place so the relay and bench-kafka's ceiling send
 * exactly the same bytes: each event is one record on its catalog topic, key = its stream, the
 * payload in the Confluent wire format (or bare Avro without a registry), the envelope header.
 */
import type { Message } from './client';
import type { StoredEnvelope } from '../../../schemas/envelope';
import type { StoredEvent } from '../hash-chain';
import { envelopeHeaders } from './headers';

/** An event ready to send: its stored form and its catalog topic. */
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

/**
 * The records of `drafts` per catalog topic, in store order within each topic. `log` is the
 * deployment (its topic prefix), stamped in every envelope header. One produce call takes them all:
 * librdkafka splits them into requests under the broker's size limits by itself.
 */
export function catalogRecords(drafts: readonly StoredEventDraft[], catalogValue: CatalogValue, log: string): { topic: string; messages: Message[] }[] {
  return recordsOf(drafts, (d) => d.topic, (d, topic) => catalogValue({ ...d, topic }), log);
}

/**
 * The same records straight from stored events and their topics (the relay's hot path: no draft
 * copy per event).
 */
export function recordsOf<E extends StoredEvent>(events: readonly E[], topicOf: (e: E) => string, value: (e: E, topic: string) => Buffer, log: string): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const e of events) {
    const topic = topicOf(e);
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push({ key: e.stream, value: value(e, topic), headers: envelopeHeaders(e, log) });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
