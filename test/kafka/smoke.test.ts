/**
 * Smoke test of the real infrastructure: the broker started by infra/kafka answers the service's
 * Kafka client (@confluentinc/kafka-javascript), and the registry started by infra/registry stores
 * Avro schemas by subject, encodes in the Confluent wire format, and refuses a schema change that
 * breaks BACKWARD compatibility.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { groupConsumer, plainProducer } from '../../streams/log/kafka/client';
import { describeWithKafka, describeWithRegistry, groupKafka, registryUrl, uniqueName } from './env';

async function consumeN(topic: string, count: number): Promise<{ key: string; value: Buffer }[]> {
  const consumer = groupConsumer(groupKafka(), { groupId: uniqueName('smoke-group') });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  const got: { key: string; value: Buffer }[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          got.push({ key: message.key!.toString(), value: message.value! });
          if (got.length === count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return got;
}

describeWithKafka('Kafka broker (real, KRaft)', () => {
  test('given a new topic, when three keyed messages are produced, then a consumer reads them in order', async () => {
    const topic = uniqueName('smoke');
    const admin = groupKafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = plainProducer(groupKafka());
    await producer.connect();
    const meta = await producer.send({ topic, messages: ['a', 'b', 'c'].map((v) => ({ key: 'k', value: v })) });
    expect(meta).toEqual([expect.objectContaining({ topicName: topic, partition: 0, baseOffset: '0' })]);
    await producer.disconnect();
    const got = await consumeN(topic, 3);
    expect(got.map((m) => m.value.toString())).toEqual(['a', 'b', 'c']);
  });
});

describeWithRegistry('Schema registry (real, Confluent-compatible API)', () => {
  const schemaV1 = {
    type: 'record',
    name: 'SmokeHappened',
    namespace: 'trust.smoke',
    fields: [{ name: 'what', type: 'string' }],
  };

  test('given a subject by topic name, when a record is encoded, then it carries the Confluent wire header and decodes back', async () => {
    const registry = new SchemaRegistry({ host: registryUrl });
    const topic = uniqueName('smoke-avro');
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schemaV1) }, { subject: `${topic}-value` });
    const bytes = await registry.encode(id, { what: 'it works' });
    expect(bytes[0]).toBe(0); // magic byte
    expect(bytes.readInt32BE(1)).toBe(id);
    expect(await registry.decode(bytes)).toEqual({ what: 'it works' });
  });

  test('a compatible change (new field with a default) registers; an incompatible one is refused with a clear error', async () => {
    const registry = new SchemaRegistry({ host: registryUrl });
    const subject = `${uniqueName('smoke-compat')}-value`;
    const first = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schemaV1) }, { subject });
    const withDefault = { ...schemaV1, fields: [...schemaV1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
    const second = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(withDefault) }, { subject });
    expect(second.id).not.toBe(first.id);
    const breaking = { ...schemaV1, fields: [...schemaV1.fields, { name: 'required', type: 'int' }] };
    const err = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message)).toMatch(/incompatible/i);
  });
});
