/**
 * The relay publishing a stored history to Kafka vs a plain producer sending the same payloads once
 * (same client, @confluentinc/kafka-javascript, with the relay's producer settings: idempotent,
 * acks = all, the same linger; same topics, keys and batch size, each batch one produce call
 * awaited until acknowledged): the relay's cost is reading the store, the envelope header, the
 * registry's wire format and its checkpoint. Neither side's connection set-up is timed.
 */
import { firstValueFrom, filter } from 'rxjs';
import { catalog } from '../../schemas/catalog';
import { KafkaRelay } from '../../streams/bus/relay';
import { kafkaClient, relayProducer } from '../../streams/log/kafka/client';
import type { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { seconds } from '../stats';

export async function relayVsPlain(log: PgEventLog, brokers: string[], registryUrl: string | undefined, prefix: string, batch: number): Promise<{ relay: number; plain: number }> {
  const head = await log.head();
  const stored = await log.readStored({ from: 1, limit: head });
  const cat = catalog();

  const producer = relayProducer(kafkaClient({ brokers, clientId: 'bench-plain' }));
  await producer.connect();
  let t = process.hrtime.bigint();
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
  const plain = stored.length / seconds(t);
  await producer.disconnect();

  const relay = new KafkaRelay(log, cat, { brokers, registryUrl, prefix, batchSize: batch });
  const done = firstValueFrom(relay.progress$.pipe(filter((p) => p >= head)));
  await relay.connect(); // topics, producer; then it relays
  t = process.hrtime.bigint();
  await done;
  const relayRate = head / seconds(t);
  await relay.stop();
  return { relay: relayRate, plain };
}
