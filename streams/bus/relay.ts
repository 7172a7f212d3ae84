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
 */
import { logLevel, Kafka, type Producer } from 'kafkajs';
import type pg from 'pg';
import type { Catalog } from '../../schemas/catalog';
import type { StoredEvent } from '../log/hash-chain';
import { recordChunks, type StoredEventDraft } from '../log/kafka/records';
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
    const kafka = new Kafka({ clientId: `${this.opts.prefix}.relay`, brokers: this.opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topicConfigs(this.cat));
    } finally {
      await admin.disconnect();
    }
    await this.producer?.disconnect().catch(() => undefined); // a connect that failed half-way is redone whole
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.start();
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
    for (const chunk of recordChunks(drafts, undefined, value, this.opts.prefix)) {
      await this.producer!.sendBatch({ topicMessages: chunk.topicMessages, acks: -1 });
    }
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }
}
