/**
 * The relay: publishes every event of the PostgreSQL store, once, in position order, to its
 * catalog topic (key = stream, the payload in the Confluent wire format through the registry, the
 * envelope header), for the processors, the provers and third-party consumers on Kafka.
 *
 * One relay runs per deployment (a lease, streams/runtime/postgres/lease.ts): it writes its
 * checkpoint over the lease's own connection, so a relay that lost the lease cannot move it.
 * Guarantee: at least once, nothing lost. The checkpoint moves only past events Kafka acknowledged
 * (acks = all); a relay that crashes between the acknowledgment and its checkpoint sends that batch
 * again after the restart, and consumers dedupe by event id (every record carries it in its
 * envelope header), so such a duplicate is harmless.
 *
 * Each round's events go out in one produce call (librdkafka batches them per partition into as
 * few requests as the size limits allow), awaited as a whole: the promise resolves only when every
 * record has the broker's acknowledgment. The producer is idempotent, so librdkafka keeps each
 * partition's order with several requests in flight and never writes a retried batch twice. A
 * round that fails (a broker away longer than the producer's message timeout, a fatal producer
 * error) waits for the rest of its records to settle, drops the producer and is sent again, whole,
 * by a new one from the unchanged checkpoint: nothing of the failed attempt is still in flight.
 */
import type pg from 'pg';
import type { Catalog } from '../../schemas/catalog';
import type { StoredEvent } from '../log/hash-chain';
import { kafkaClient, relayProducer, type Kafka, type Producer } from '../log/kafka/client';
import { catalogRecords, type StoredEventDraft } from '../log/kafka/records';
import { ensureTopics, topicConfigs } from '../log/kafka/topics';
import { RegistryWire } from '../log/kafka/wire';
import type { PgEventLog } from '../log/postgres/pg-event-log';
import { LeasedLoop } from '../runtime/postgres/leased-loop';

export interface RelayOptions {
  brokers: string[];
  registryUrl?: string;
  /** The deployment (topic prefix): names the lease and the checkpoint, and is stamped in every header. */
  prefix: string;
  /** Events read and sent per round (default 2000). */
  batchSize?: number;
}

export const relayCheckpoint = (prefix: string) => `relay:${prefix}`;

export class KafkaRelay extends LeasedLoop {
  private kafka: Kafka | undefined;
  private producer: Producer | undefined;
  private readonly wire: RegistryWire | undefined;

  constructor(
    private readonly log: PgEventLog,
    private readonly cat: Catalog,
    private readonly opts: RelayOptions,
  ) {
    super(relayCheckpoint(opts.prefix), log.connectionString, log.changes$, { idleMs: 1000 });
    this.wire = opts.registryUrl ? new RegistryWire(opts.registryUrl, cat, log.codec) : undefined;
  }

  /** Create the catalog topics that are missing, connect the producer, start relaying (or standing by). */
  async connect(): Promise<void> {
    const kafka = (this.kafka ??= kafkaClient({ brokers: this.opts.brokers, clientId: `${this.opts.prefix}.relay` }));
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topicConfigs(this.cat));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await this.dropProducer(); // a connect that failed half-way is redone whole
    await this.producerReady();
    this.start();
  }

  private async producerReady(): Promise<Producer> {
    if (!this.producer) {
      const p = relayProducer(this.kafka!);
      await p.connect();
      this.producer = p;
    }
    return this.producer;
  }

  /** Let what this producer still has in flight settle (delivered or failed), then close it. */
  private async dropProducer(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (!p) return;
    await p.flush({ timeout: 30_000 }).catch(() => undefined);
    await p.disconnect().catch(() => undefined);
  }

  protected async round(session: pg.Client): Promise<number> {
    const res = await session.query('SELECT position FROM checkpoints WHERE name = $1', [this.name]);
    const from = (res.rows.length ? Number(res.rows[0].position) : 0) + 1;
    const events = await this.log.readStored({ from, limit: this.opts.batchSize ?? 2000 });
    if (events.length === 0) {
      this.progress$.next(from - 1);
      return 0;
    }
    await this.publish(events);
    const last = events[events.length - 1].position;
    await session.query('INSERT INTO checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position', [this.name, last]);
    this.progress$.next(last);
    return events.length;
  }

  private async publish(events: StoredEvent[]): Promise<void> {
    const drafts: StoredEventDraft[] = events.map((e) => ({ ...e, topic: this.cat.entries.get(e.type)!.topic }));
    const wire = this.wire;
    if (wire) await wire.prepare(drafts.map((d) => d.topic));
    const value = wire ? (d: StoredEventDraft) => wire.encodeSync(d.topic, d.type, d.payloadBytes) : (d: StoredEventDraft) => d.payloadBytes;
    const producer = await this.producerReady();
    try {
      // Resolves when every record is acknowledged by all in-sync replicas (acks = all).
      await producer.sendBatch({ topicMessages: catalogRecords(drafts, value, this.opts.prefix) });
    } catch (e) {
      await this.dropProducer();
      throw e;
    }
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.dropProducer();
  }
}
