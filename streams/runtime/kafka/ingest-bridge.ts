/**
 * Events that external producers publish straight onto a catalog topic (e.g. with Confluent's
 * AvroSerializer through the registry) carry no envelope. The bridge, a consumer group over the
 * producer-writable catalog topics, turns each such record into an append on the log, exactly once:
 * the event id is derived from (topic, partition, offset), so a redo of a batch (a crash before its
 * offset was committed, a rebalance) appends duplicates, which the log stores once. From then on
 * the event is on the log and processed like one ingested over HTTP.
 *   stream  = the record key
 *   tenant  = the `tenant` header, else the payload's `tenant` field
 * A record it cannot take (no key, no tenant, not decodable, fails its schema, a damaged envelope header) is dead-lettered.
 */
import { Subject } from 'rxjs';
import type { Catalog } from '../../../schemas/catalog';
import type { Codec } from '../../../schemas/codec';
import type { NewEvent } from '../../../schemas/envelope';
import { groupConsumer, nextOffset, type Consumer, type Kafka, type KafkaMessage } from '../../log/kafka/client';
import { envelopeOf } from '../../log/kafka/headers';
import { isTransient } from '../../../schemas/errors';
import { deadLetters } from '../../metrics';
import { backoffMs } from '../retry';
import { derivedEventId, recordDeadLetter } from '../effects';

export const INGEST_BRIDGE = 'kafka-ingest';

/** Where the bridge appends: the log it feeds, and how a batch and its offset are committed. */
export interface IngestTarget {
  readonly kafka: Kafka;
  /** The deployment: its consumer group is `<prefix>.ingest`. */
  readonly prefix: string;
  readonly cat: Catalog;
  readonly codec: Codec;
  /** A catalog-topic value (Confluent wire format, or bare Avro named by the headers) as type and payload. */
  decodeValue(type: string | undefined, schemaVersion: number | undefined, value: Buffer): Promise<{ type: string; payload: unknown }>;
  /** Append the batch's events and move the group past `offset` (the next offset to read). */
  commit(events: NewEvent[], offset: { topic: string; partition: number; offset: string }, consumer: Consumer, groupId: string): Promise<void>;
}

export class KafkaIngestBridge {
  readonly groupId: string;
  /** Emits the events each committed batch appended (duplicates included). */
  readonly committed$ = new Subject<NewEvent[]>();
  private consumer: Consumer | undefined;
  private readonly log: IngestTarget;
  /** The outage the current batch is waiting out, if any (for /healthz). */
  lastError: unknown;
  readonly name = INGEST_BRIDGE;

  constructor(target: IngestTarget) {
    this.log = target;
    this.groupId = `${this.log.prefix}.ingest`;
  }

  topics(): string[] {
    return [...new Set([...this.log.cat.entries.values()].filter((e) => e.source === 'producer').map((e) => e.topic))].sort();
  }

  async start(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined); // a start that failed half-way is redone whole
    const consumer = groupConsumer(this.log.kafka, { groupId: this.groupId });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics() });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        // A server outage (the registry, the store) is waited out on this batch: never dead-lettered, never skipped.
        for (let attempt = 0; isRunning() && !isStale() && batch.messages.length > 0; attempt++) {
          try {
            const events: NewEvent[] = [];
            for (const m of batch.messages) {
              const e = await this.toEvent(batch.topic, batch.partition, m);
              if (e) events.push(e);
            }
            await this.log.commit(events, nextOffset(batch.topic, batch.partition, batch.lastOffset()), consumer, this.groupId);
            resolveOffset(batch.lastOffset());
            this.lastError = undefined;
            if (events.length) this.committed$.next(events);
            return;
          } catch (err) {
            if (!isTransient(err)) throw err;
            this.lastError = err;
            await new Promise((r) => setTimeout(r, backoffMs(attempt)));
            await heartbeat().catch(() => undefined);
          }
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /** The append for a foreign record, its dead letter if it cannot be taken, nothing for the adapter's own copy. */
  private async toEvent(topic: string, partition: number, m: KafkaMessage): Promise<NewEvent | undefined> {
    const at = `${topic}/${partition}/${m.offset}`;
    const id = derivedEventId(INGEST_BRIDGE, at, 'ingest');
    try {
      // Already a log event (the adapter's own copy); a damaged envelope header throws: dead-lettered below.
      if (envelopeOf(m.headers)) return undefined;
      if (!m.value) throw new Error('record has no value');
      const stream = m.key?.toString();
      if (!stream) throw new Error('record has no key (the key is the stream)');
      const { type, payload } = await this.log.decodeValue(undefined, undefined, m.value);
      const header = m.headers?.tenant;
      const tenant = header !== undefined ? String(Array.isArray(header) ? header[0] : header) : (payload as { tenant?: unknown }).tenant;
      if (typeof tenant !== 'string' || !tenant) throw new Error('no tenant: set a `tenant` header or a tenant field');
      this.log.codec.encode(type, payload, 'payload'); // the registry schema may be older: check against ours
      return { id, type, stream, tenant, payload, correlationId: id, occurredAt: m.timestamp ? new Date(Number(m.timestamp)).toISOString() : undefined };
    } catch (err) {
      if (isTransient(err)) throw err; // the registry is away: the batch waits for it
      deadLetters.inc({ processor: INGEST_BRIDGE });
      return recordDeadLetter(INGEST_BRIDGE, at, err, id);
    }
  }
}
