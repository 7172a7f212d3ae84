/**
 * bench-kafka's like-for-like ceiling, as bench-log's raw better-sqlite3 writes the same rows into
 * the same table: raw kafkajs sends exactly the records the adapter sends for the same events (a
 * journal record and a catalog-topic record per event, the same keys, values and envelope header,
 * built by the adapter's own records.ts) with the same guarantee (the writer's transactional
 * producer config), into topics shaped like the adapter's. Everything is computed before the
 * timed section: what is timed is kafkajs and the broker alone.
 */
import type { Admin, Kafka, Producer } from 'kafkajs';
import { codec as sharedCodec } from '../../schemas/codec';
import { storedEvents } from '../stored-events';
import type { NewEvent } from '../../schemas/envelope';
import { writerProducerConfig } from '../../streams/log/kafka/kafka-event-log';
import { newDraft, recordChunks, type RecordChunk, type StoredEventDraft } from '../../streams/log/kafka/records';
import { RegistryWire } from '../../streams/log/kafka/wire';

export class SameRecordsCeiling {
  private producer: Producer | undefined;
  private readonly journal: string;
  private readonly topics = new Map<string, string>();
  private wire: RegistryWire | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly tag: string,
    private readonly registryUrl: string | undefined,
    /** The adapter's prefix: the deployment its envelope headers name, so the bytes are the same. */
    private readonly log: string,
  ) {
    this.journal = `bench.same.${tag}.journal`;
  }

  async start(): Promise<void> {
    const c = sharedCodec();
    for (const [topic] of c.cat.topics) this.topics.set(topic, `bench.same.${this.tag}.${topic}`);
    await this.admin.createTopics({
      topics: [
        { topic: this.journal, numPartitions: 1 },
        ...[...c.cat.topics].map(([topic, cfg]) => ({ topic: this.topics.get(topic)!, numPartitions: cfg.partitions })),
      ],
      waitForLeaders: true,
    });
    this.wire = this.registryUrl ? new RegistryWire(this.registryUrl, c.cat, c) : undefined;
    this.producer = this.kafka.producer(writerProducerConfig(`bench.same.${this.tag}.writer`));
    await this.producer.connect();
  }

  /** The adapter's records for these events, grouped into transactions of `perTransaction` events. */
  async prepare(events: readonly NewEvent[], perTransaction: number): Promise<RecordChunk[][]> {
    const wire = this.wire;
    const topicOf = (type: string) => sharedCodec().entry(type).topic;
    // Positions stay 0, as in the journal adapter's drafts before the journal assigns them.
    const drafts: StoredEventDraft[] = storedEvents(events).map((s) => ({ ...s, position: 0, topic: topicOf(s.type) }));
    if (wire) await wire.prepare(drafts.map((d) => d.topic));
    // The value is the adapter's (its topic's schema id); the record goes to this ceiling's copy of the topic.
    const values = new Map(drafts.map((d) => [d.id, wire ? wire.encodeSync(d.topic, d.type, d.payloadBytes) : d.payloadBytes]));
    const renamed = drafts.map((d) => newDraft(d, d.prevHash, d.hash, d.payloadBytes, this.topics.get(d.topic)!));
    const groups: RecordChunk[][] = [];
    for (let i = 0; i < renamed.length; i += perTransaction) {
      groups.push(recordChunks(renamed.slice(i, i + perTransaction), this.journal, (d) => values.get(d.id)!, this.log));
    }
    return groups;
  }

  /** Sends the prepared transactions one after another, as the adapter's single writer does. */
  async send(groups: RecordChunk[][]): Promise<void> {
    for (const chunks of groups) {
      const tx = await this.producer!.transaction();
      for (const chunk of chunks) await tx.sendBatch({ topicMessages: chunk.topicMessages, acks: -1 });
      await tx.commit();
    }
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.admin.deleteTopics({ topics: [this.journal, ...this.topics.values()] }).catch(() => undefined);
  }
}
