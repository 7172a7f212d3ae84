/**
 * The relay publishing a stored history to Kafka vs a plain kafkajs producer sending the same
 * payloads once (same topic, keys and batch size, acks = all): the relay's cost is reading the
 * store, the envelope header, the registry's wire format and its checkpoint.
 */
import { Kafka, logLevel } from 'kafkajs';
import { firstValueFrom, filter } from 'rxjs';
import { catalog } from '../../schemas/catalog';
import { KafkaRelay } from '../../streams/bus/relay';
import type { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { seconds } from '../stats';

export async function relayVsPlain(log: PgEventLog, brokers: string[], registryUrl: string | undefined, prefix: string, batch: number): Promise<{ relay: number; plain: number }> {
  const head = await log.head();
  const stored = await log.readStored({ from: 1, limit: head });
  const cat = catalog();

  const kafka = new Kafka({ clientId: 'bench-plain', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
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
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
  }
  const plain = stored.length / seconds(t);
  await producer.disconnect();

  const relay = new KafkaRelay(log, cat, { brokers, registryUrl, prefix, batchSize: batch });
  t = process.hrtime.bigint();
  await relay.connect();
  await firstValueFrom(relay.progress$.pipe(filter((p) => p >= head)));
  const relayRate = head / seconds(t);
  await relay.stop();
  return { relay: relayRate, plain };
}
