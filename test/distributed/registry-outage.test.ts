/**
 * A schema-registry outage under the running ingest bridge (the registry's JVM frozen with SIGSTOP,
 * so its state survives, then resumed): the bridge waits the outage out on its batch, reports it,
 * and stores the partner's record once afterwards; the record is never dead-lettered. The relay
 * (which asks the registry for schema ids before a round) waits it out the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { catalog } from '../../schemas/catalog';
import { storeTarget } from '../../streams/bus/ingest-target';
import { KafkaRelay } from '../../streams/bus/relay';
import { plainProducer } from '../../streams/log/kafka/client';
import { ensureTopics, topicConfigs } from '../../streams/log/kafka/topics';
import { groupKafka } from '../kafka/env';
import { RegistryWire } from '../../streams/log/kafka/wire';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { deadLetterStream } from '../../streams/runtime/effects';
import { INGEST_BRIDGE, KafkaIngestBridge } from '../../streams/runtime/kafka/ingest-bridge';
import { databaseUrl, describeDistributed, eventually, kafkaBrokers, uniqueName } from './env';

const registryUrl = process.env.SCHEMA_REGISTRY_URL!;
const runDir = process.env.SCHEMA_REGISTRY_RUN_DIR;
const d = runDir ? describeDistributed : describe.skip;

d('schema registry outage under the ingest bridge', () => {
  test('the batch waits for the registry: the record is stored once, never dead-lettered', async () => {
    const log = await PgEventLog.open({ connectionString: databaseUrl });
    const cat = catalog();
    const topic = log.codec.entry('AnnotationAdded').topic;
    const producerWire = new RegistryWire(registryUrl, cat, log.codec);
    await producerWire.prepare([topic]);
    const stream = uniqueName('outage');
    const payload = { subject: 'fixture-9', text: 'sent during a registry outage', author: 'partner', tags: [] };
    const registryPid = Number(readFileSync(join(runDir!, 'registry.pid'), 'utf8'));
    // A bridge with its own (empty) schema cache must ask the registry for the writer's schema.
    const bridge = new KafkaIngestBridge(storeTarget(log, cat, { brokers: kafkaBrokers, registryUrl, prefix: uniqueName('trust.outage') }));
    const kafka = groupKafka();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topicConfigs(cat)); // the catalog topics, as a relay creates them
    await admin.disconnect();
    const producer = plainProducer(kafka);
    process.kill(registryPid, 'SIGSTOP');
    let resumed = false;
    try {
      await producer.connect();
      const [sent] = await producer.send({
        topic,
        messages: [{ key: stream, value: producerWire.encodeSync(topic, 'AnnotationAdded', log.codec.encode('AnnotationAdded', payload).bytes), headers: { tenant: 'acme' } }],
      });
      await producer.disconnect();
      const stored = firstValueFrom(bridge.committed$.pipe(filter((evs) => evs.some((e) => e.stream === stream))));
      await bridge.start();
      // The bridge meets the outage and says so, instead of dead-lettering what it cannot decode.
      const outage = await eventually(async () => bridge.lastError, (e) => e !== undefined, 60_000);
      expect(String(outage)).toMatch(/registry .*unavailable/);
      process.kill(registryPid, 'SIGCONT');
      resumed = true;
      await stored;
      expect((await log.readStream(stream)).map((e) => e.payload)).toEqual([payload]);
      const at = `${topic}/${sent.partition}/${sent.baseOffset}`;
      const dead = (await log.readStream(deadLetterStream(INGEST_BRIDGE), 1, 100_000)).filter((e) => (e.payload as { eventStream: string }).eventStream === at);
      expect(dead).toEqual([]);
      expect(bridge.lastError).toBeUndefined();
    } finally {
      if (!resumed) process.kill(registryPid, 'SIGCONT');
      await bridge.stop();
      await log.close();
    }
  }, 180_000);

  test('the relay waits for the registry: it reports the outage as transient, and every event is relayed after', async () => {
    const log = await PgEventLog.open({ connectionString: databaseUrl });
    const [appended] = await log.append([{ type: 'AnnotationAdded', stream: uniqueName('relay-outage'), tenant: 'acme', payload: { subject: 'fixture-1', text: 'relayed after an outage', author: 'ci', tags: [] } }]);
    const registryPid = Number(readFileSync(join(runDir!, 'registry.pid'), 'utf8'));
    // A new deployment prefix: a relay with no schema ids cached, starting from position 1.
    const relay = new KafkaRelay(log, catalog(), { brokers: kafkaBrokers, registryUrl, prefix: uniqueName('trust.relay-outage') });
    process.kill(registryPid, 'SIGSTOP');
    let resumed = false;
    try {
      const relayed = firstValueFrom(relay.progress$.pipe(filter((p) => p >= appended.position)));
      await relay.connect();
      const outage = await eventually(async () => relay.lastError, (e) => e !== undefined, 60_000);
      expect(String(outage)).toMatch(/TransientError: schema registry .*unavailable/);
      expect(relay.progress$.value).toBeLessThan(appended.position);
      process.kill(registryPid, 'SIGCONT');
      resumed = true;
      await relayed;
      // The round that relayed it clears the error when it returns.
      expect(await eventually(async () => relay.lastError, (e) => e === undefined, 30_000)).toBeUndefined();
    } finally {
      if (!resumed) process.kill(registryPid, 'SIGCONT');
      await relay.stop();
      await log.close();
    }
  }, 180_000);
});
