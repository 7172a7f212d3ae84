/**
 * The ingest bridge on a real broker, registry and PostgreSQL store: given a record with a damaged
 * envelope header and then a foreign record in the wire format on a producer-writable topic, the
 * first is dead-lettered and the second appended, so one bad record never stalls its partition.
 * Skipped unless KAFKA_BROKERS, SCHEMA_REGISTRY_URL and DATABASE_URL are set (infra/with-kafka.sh;
 * the Python client's test covers the happy path in more depth).
 */
import { filter, firstValueFrom } from 'rxjs';
import { catalog } from '../../../schemas/catalog';
import { storeTarget } from '../../bus/ingest-target';
import { kafkaClient, plainProducer } from '../../log/kafka/client';
import { ensureTopics, topicConfigs } from '../../log/kafka/topics';
import { RegistryWire } from '../../log/kafka/wire';
import { PgEventLog } from '../../log/postgres/pg-event-log';
import { deadLetterStream } from '../effects';
import { INGEST_BRIDGE, KafkaIngestBridge } from './ingest-bridge';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
const registryUrl = process.env.SCHEMA_REGISTRY_URL || undefined;
const databaseUrl = process.env.DATABASE_URL || undefined;
const d = brokers.length && registryUrl && databaseUrl ? describe : describe.skip;
const unique = (base: string) => `${base}-${process.pid}-${Date.now().toString(36)}`;

d('Kafka ingest bridge', () => {
  test('given a damaged envelope header ahead of a foreign record, then the first is dead-lettered and the second appended', async () => {
    const log = await PgEventLog.open({ connectionString: databaseUrl! });
    const cat = catalog();
    const bridge = new KafkaIngestBridge(storeTarget(log, cat, { brokers, registryUrl, prefix: unique('trust.bridge') }));
    const kafka = kafkaClient({ brokers, clientId: 'partner', logLevel: 'nothing' });
    try {
      const admin = kafka.admin();
      await admin.connect();
      await ensureTopics(admin, topicConfigs(cat));
      await admin.disconnect();
      const stream = unique('s');
      const topic = log.codec.entry('AnnotationAdded').topic;
      const wire = new RegistryWire(registryUrl!, cat, log.codec);
      await wire.prepare([topic]);
      const payload = { subject: 'fixture-1', text: 'from a partner', author: 'partner', tags: [] };
      const value = wire.encodeSync(topic, 'AnnotationAdded', log.codec.encode('AnnotationAdded', payload).bytes);
      const producer = plainProducer(kafka);
      await producer.connect();
      // Same key, so the same partition: the damaged record comes first.
      const sent = await producer.send({
        topic,
        messages: [
          { key: stream, value, headers: { 'trust.envelope': '{not json', tenant: 'acme' } },
          { key: stream, value, headers: { tenant: 'acme' } },
        ],
      });
      await producer.disconnect();
      const appended = firstValueFrom(bridge.committed$.pipe(filter((evs) => evs.some((e) => e.stream === stream))));
      await bridge.start();
      await appended;
      const ingested = await log.readStream(stream);
      expect(ingested.map((e) => [e.type, e.tenant, e.payload])).toEqual([['AnnotationAdded', 'acme', payload]]);
      const at = `${topic}/${sent[0].partition}/${sent[0].baseOffset}`;
      const dead = (await log.readStream(deadLetterStream(INGEST_BRIDGE), 1, 100_000)).filter((e) => (e.payload as { eventStream: string }).eventStream === at);
      expect(dead).toHaveLength(1);
      expect((dead[0].payload as { error: string }).error).toMatch(/JSON/);
    } finally {
      await bridge.stop();
      await log.close();
    }
  }, 120_000);
});
