/**
 * A v1.1 deployment's Kafka journal, written as the v1.1 adapter wrote it (for the migration test,
 * now that the adapter is gone): `<prefix>.journal`, one partition, each event's Avro payload keyed
 * by its stream with the `trust.envelope` header, in transactions (group commits), so the topic has
 * commit markers between the events as a real v1.1 journal does. Positions are offset + 1.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../schemas/envelope';
import { storedEvents } from '../../bench/stored-events';
import { kafkaClient } from '../../streams/log/kafka/client';
import { envelopeHeaders } from '../../streams/log/kafka/headers';
import { journalTopic } from '../../streams/log/kafka/journal-reader';

export async function writeV11Journal(brokers: string[], prefix: string, events: NewEvent[], perTransaction: number): Promise<void> {
  const kafka = kafkaClient({ brokers, clientId: 'v11-journal-fixture', logLevel: 'nothing' });
  const admin = kafka.admin();
  await admin.connect();
  const topic = journalTopic(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer({ kafkaJS: { transactionalId: `${prefix}.writer.${randomUUID()}`, idempotent: true, acks: -1 } });
  await producer.connect();
  try {
    const stored = storedEvents(events);
    for (let i = 0; i < stored.length; i += perTransaction) {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: stored.slice(i, i + perTransaction).map((e) => ({ key: e.stream, value: e.payloadBytes, headers: envelopeHeaders(e, prefix) })) });
      await tx.commit();
    }
  } finally {
    await producer.disconnect();
  }
}
