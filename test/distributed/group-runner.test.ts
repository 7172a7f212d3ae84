/**
 * A keyed processor as a consumer group on the catalog topics with exactly-once effects in
 * PostgreSQL: two instances split the partitions; one leaves mid-stream and the other takes its
 * partitions over; the relay re-publishes a stretch of history (as after a relay crash). Every input
 * is processed once: one derived event each, and every key's state counts its inputs exactly.
 */
import { catalog } from '../../schemas/catalog';
import { KafkaRelay, relayCheckpoint } from '../../streams/bus/relay';
import { RegistryWire, decodeCatalogValue } from '../../streams/log/kafka/wire';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { annotation, annotationCounter, milestoneStream } from '../../streams/runtime/kafka/testing';
import { PgGroupRunner } from '../../streams/runtime/postgres/pg-group-runner';
import { groupKafka } from '../kafka/env';
import { databaseUrl, describeDistributed, eventually, kafkaBrokers, uniqueName } from './env';

const registryUrl = process.env.SCHEMA_REGISTRY_URL!;

describeDistributed('a keyed processor as a consumer group on PostgreSQL', () => {
  test('two instances, one leaving, the relay repeating itself: every input processed exactly once', async () => {
    const log = await PgEventLog.open({ connectionString: databaseUrl });
    const cat = catalog();
    const prefix = uniqueName('trust.group');
    const wire = new RegistryWire(registryUrl, cat, log.codec);
    const decode = async (type: string, sv: number, value: Buffer) => (await decodeCatalogValue(wire, log.codec, type, sv, value)).payload;
    const kafka = groupKafka();
    const def = annotationCounter(uniqueName('counter'), 1);
    const relay = () => new KafkaRelay(log, cat, { brokers: kafkaBrokers, registryUrl, prefix, batchSize: 50 });
    let r1 = relay();
    await r1.connect();
    const a = new PgGroupRunner(log, def, { kafka, prefix, decode });
    const b = new PgGroupRunner(log, def, { kafka, prefix, decode });
    await Promise.all([a.start(), b.start()]);
    const streams = Array.from({ length: 12 }, (_, i) => uniqueName(`g${i}`));
    const ids: string[] = [];
    const round = async (r: number) => {
      const evs = streams.map((s, i) => annotation(s, r, `${s}-r${r}-${i}`));
      ids.push(...evs.map((e) => e.id!));
      await log.append(evs);
    };
    const milestones = async () => (await log.read({ types: ['TenantKeyRevoked'], limit: 100_000 })).filter((e) => ids.includes(e.causationId ?? ''));
    try {
      for (let r = 0; r < 10; r++) await round(r);
      await eventually(milestones, (m) => m.length >= 60, 60_000);
      // One instance leaves mid-stream; the other takes its partitions over.
      await a.stop();
      // The relay crashes and comes back with an older checkpoint: a stretch of history is published again.
      await r1.stop();
      const cp = await log.getCheckpoint(relayCheckpoint(prefix));
      await log.setCheckpoint(relayCheckpoint(prefix), Math.max(0, cp - 100));
      r1 = relay();
      await r1.connect();
      for (let r = 10; r < 20; r++) await round(r);
      const done = await eventually(milestones, (m) => new Set(m.map((e) => e.causationId)).size >= ids.length, 90_000);
      expect(done).toHaveLength(ids.length); // one derived event per input, none twice
      for (const s of streams) {
        const st = (await log.pool.query('SELECT state FROM processor_state WHERE processor = $1 AND key = $2', [def.name, s])).rows[0]?.state;
        expect({ stream: s, state: st }).toEqual({ stream: s, state: { count: 20 } });
        expect((await log.readStream(milestoneStream(s))).length).toBe(20);
      }
      expect(a.handled$.value + b.handled$.value).toBeGreaterThanOrEqual(ids.length);
    } finally {
      await Promise.all([a.stop(), b.stop(), r1.stop()]);
      await log.close();
    }
  }, 180_000);
});
