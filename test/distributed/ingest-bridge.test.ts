/**
 * The ingest bridge in distributed mode: records a partner publishes straight onto a catalog topic
 * (Confluent wire format, no envelope) are appended to the PostgreSQL store once, even when the
 * consumer group reads them again (its offsets reset, as after a crash before the offset commit);
 * a damaged record is dead-lettered once and never stalls its partition.
 */
import { filter, firstValueFrom } from 'rxjs';
import { catalog } from '../../schemas/catalog';
import { storeTarget } from '../../streams/bus/ingest-target';
import { plainProducer } from '../../streams/log/kafka/client';
import { ensureTopics, topicConfigs } from '../../streams/log/kafka/topics';
import { RegistryWire } from '../../streams/log/kafka/wire';
import { groupKafka } from '../kafka/env';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { deadLetterStream } from '../../streams/runtime/effects';
import { INGEST_BRIDGE, KafkaIngestBridge } from '../../streams/runtime/kafka/ingest-bridge';
import { databaseUrl, describeDistributed, kafkaBrokers, uniqueName } from './env';

const registryUrl = process.env.SCHEMA_REGISTRY_URL!;

describeDistributed('ingest bridge on the PostgreSQL store', () => {
  test('foreign records are stored once across a redo of their batch; a damaged one is dead-lettered once', async () => {
    const log = await PgEventLog.open({ connectionString: databaseUrl });
    const cat = catalog();
    const prefix = uniqueName('trust.bridge');
    const target = () => storeTarget(log, cat, { brokers: kafkaBrokers, registryUrl, prefix });
    const stream = uniqueName('partner');
    const topic = log.codec.entry('AnnotationAdded').topic;
    const wire = new RegistryWire(registryUrl, cat, log.codec);
    await wire.prepare([topic]);
    const payloads = [1, 2, 3, 4, 5].map((i) => ({ subject: `fixture-${i}`, text: `from a partner ${i}`, author: 'partner', tags: [] }));
    const kafka = groupKafka();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topicConfigs(cat)); // the catalog topics, as a relay creates them
    const producer = plainProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: stream, value: Buffer.from('not avro at all'), headers: { tenant: 'acme' } },
        ...payloads.map((p) => ({ key: stream, value: wire.encodeSync(topic, 'AnnotationAdded', log.codec.encode('AnnotationAdded', p).bytes), headers: { tenant: 'acme' } })),
      ],
    });
    await producer.disconnect();

    const runOnce = async () => {
      const bridge = new KafkaIngestBridge(target());
      const seen = firstValueFrom(bridge.committed$.pipe(filter((evs) => evs.filter((e) => e.stream === stream).length >= payloads.length)));
      await bridge.start();
      await seen;
      await bridge.stop();
      return bridge.groupId;
    };
    const groupId = await runOnce();
    // The group reads everything again, as after a crash between the append and the offset commit:
    // its committed offsets deleted, it starts again from the earliest offset.
    await admin.deleteGroups([groupId]);
    await admin.disconnect();
    await runOnce();

    const stored = await log.readStream(stream);
    expect(stored.map((e) => [e.tenant, e.payload])).toEqual(payloads.map((p) => ['acme', p]));
    const dead = (await log.readStream(deadLetterStream(INGEST_BRIDGE), 1, 100_000)).filter((e) => (e.payload as { eventStream: string }).eventStream.startsWith(`${topic}/`));
    const mine = dead.filter((e) => /wire format|magic byte|bare Avro/.test((e.payload as { error: string }).error));
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(new Set(dead.map((e) => e.id)).size).toBe(dead.length);
    await log.close();
  }, 120_000);
});
