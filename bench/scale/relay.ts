/**
 * The relay publishing a stored history to Kafka vs a plain producer sending the same payloads once
 * (same client, @confluentinc/kafka-javascript, with the relay's producer settings: idempotent,
 * acks = all, the same linger; same topics, keys and batch size, each batch one produce call
 * awaited until acknowledged): the relay's cost is reading the store, the envelope header, the
 * registry's wire format and its checkpoint. Neither side's connection set-up is timed; runs
 * alternate which side goes first.
 */
import { firstValueFrom, filter } from 'rxjs';
import { catalog } from '../../schemas/catalog';
import { KafkaRelay } from '../../streams/bus/relay';
import { kafkaClient, relayProducer } from '../../streams/log/kafka/client';
import { ensureTopics, topicConfigs } from '../../streams/log/kafka/topics';
import type { StoredEvent } from '../../streams/log/hash-chain';
import type { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { seconds } from '../stats';

/**
 * The plain producer's input: the stored history, read once and kept for every run. Read afresh in
 * each run, the run's order weighed on the figures (the relay ran at 89-92k events/s after the plain
 * producer and at 72-80k before it, in the same five-pair run); read once, the order does not show.
 */
export const plainInput = async (log: PgEventLog): Promise<StoredEvent[]> => log.readStored({ from: 1, limit: await log.head() });

export async function relayVsPlain(log: PgEventLog, stored: readonly StoredEvent[], brokers: string[], registryUrl: string | undefined, prefix: string, batch: number, relayFirst = false): Promise<{ relay: number; plain: number }> {
  const head = await log.head();
  if (stored.length !== head) throw new Error(`plainInput holds ${stored.length} events, the store ${head}`);
  const cat = catalog();
  const kafka = kafkaClient({ brokers, clientId: 'bench-plain' });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topicConfigs(cat)); // the catalog topics, as the relay creates them
  await admin.disconnect();

  const plainSide = async () => {
    const producer = relayProducer(kafka);
    await producer.connect();
    const t = process.hrtime.bigint();
    for (let i = 0; i < stored.length; i += batch) {
      const chunk = stored.slice(i, i + batch);
      const byTopic = new Map<string, { key: string; value: Buffer }[]>();
      for (const e of chunk) {
        const topic = cat.entries.get(e.type)!.topic;
        if (!byTopic.has(topic)) byTopic.set(topic, []);
        byTopic.get(topic)!.push({ key: e.stream, value: e.payloadBytes });
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
    const rate = stored.length / seconds(t);
    await producer.disconnect();
    return rate;
  };
  const relaySide = async () => {
    const relay = new KafkaRelay(log, cat, { brokers, registryUrl, prefix, batchSize: batch });
    const done = firstValueFrom(relay.progress$.pipe(filter((p) => p >= head)));
    await relay.connect(); // topics, producer; then it relays
    const t = process.hrtime.bigint();
    await done;
    const rate = head / seconds(t);
    await relay.stop();
    return rate;
  };
  // Alternate which side goes first from run to run (the machine's load moves).
  if (relayFirst) {
    const relay = await relaySide();
    return { relay, plain: await plainSide() };
  }
  const plain = await plainSide();
  return { relay: await relaySide(), plain };
}
