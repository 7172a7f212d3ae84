/**
 * Third-party clients on the real broker and registry, against distributed mode's parts (the
 * PostgreSQL store, the relay, the ingest bridge, a keyed processor as a consumer group):
 *  - Confluent's Python client (PyPI confluent-kafka) publishes AnnotationAdded records with its
 *    AvroSerializer through the registry; the ingest bridge puts them in the store exactly once and
 *    a processor handles them like HTTP-ingested events;
 *  - kcat (Debian) reads what the relay published: key = stream, the envelope header, the Avro value.
 * Needs infra/with-kafka.sh (broker, registry, PostgreSQL) and test/kafka/third-party/setup.sh.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { catalog } from '../../schemas/catalog';
import { storeTarget } from '../../streams/bus/ingest-target';
import { KafkaRelay } from '../../streams/bus/relay';
import { RegistryWire, decodeCatalogValue } from '../../streams/log/kafka/wire';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { KafkaIngestBridge } from '../../streams/runtime/kafka/ingest-bridge';
import { annotation, annotationCounter, milestoneStream } from '../../streams/runtime/kafka/testing';
import { PgGroupRunner } from '../../streams/runtime/postgres/pg-group-runner';
import { databaseUrl, describeDistributed, eventually } from '../distributed/env';
import { groupKafka, kafkaBrokers, registryUrl, uniqueName } from './env';

const python = process.env.PY_CLIENTS_PYTHON ?? join(process.env.TRUST_CACHE_DIR ?? join(homedir(), '.cache', 'trust-fabric'), 'py-clients', 'bin', 'python');
const hasKcat = (() => {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const d = existsSync(python) && hasKcat ? describeDistributed : describe.skip;
const TOPIC = 'trust.annotations.notes';

d('third-party clients (confluent-kafka Python, kcat)', () => {
  test('records published by confluent-kafka are ingested once and processed; kcat reads what the relay published', async () => {
    const prefix = uniqueName('trust.thirdparty');
    const log = await PgEventLog.open({ connectionString: databaseUrl });
    const cat = catalog();
    const wire = new RegistryWire(registryUrl, cat, log.codec);
    const decode = async (type: string, sv: number, value: Buffer) => (await decodeCatalogValue(wire, log.codec, type, sv, value)).payload;
    const relay = new KafkaRelay(log, cat, { brokers: kafkaBrokers, registryUrl, prefix });
    const bridge = new KafkaIngestBridge(storeTarget(log, cat, { brokers: kafkaBrokers, registryUrl, prefix }));
    const runner = new PgGroupRunner(log, annotationCounter(uniqueName('counter'), 5), { kafka: groupKafka(), prefix, decode });
    const stream = uniqueName('py');
    try {
      // The service registers the topic's schema with its first event on it (the relay publishes it).
      const seed = annotation(uniqueName('seed'), 0);
      const [{ position: seeded }] = await log.append([seed]);
      await relay.connect();
      await firstValueFrom(relay.progress$.pipe(filter((p) => p >= seeded)));
      const ingested = firstValueFrom(bridge.committed$.pipe(filter((evs) => evs.some((e) => e.stream === stream))));
      await bridge.start();
      await runner.start();

      const out = execFileSync(python, [join(__dirname, 'third-party', 'produce_avro.py'), kafkaBrokers.join(','), registryUrl, TOPIC, stream, 'acme', '5'], { encoding: 'utf8' });
      expect(out).toContain('produced 5 records');
      await ingested;

      const evs = await log.readStream(stream);
      expect(evs.map((e) => (e.payload as { subject: string }).subject)).toEqual(['python-0', 'python-1', 'python-2', 'python-3', 'python-4']);
      expect(evs.every((e) => e.tenant === 'acme' && e.type === 'AnnotationAdded')).toBe(true);
      // Processed like any other event once the relay has published it: 5 annotations → one milestone.
      const ms = await eventually(() => log.readStream(milestoneStream(stream)), (m) => m.length > 0, 60_000);
      expect(ms.map((e) => (e.payload as { keyId: string }).keyId)).toEqual(['count-5']);

      // kcat reads the milestone from its catalog topic, once the relay has published it.
      const milestoneAt = ms[0].position;
      await firstValueFrom(relay.progress$.pipe(filter((p) => p >= milestoneAt)));
      const lines = execFileSync('kcat', ['-b', kafkaBrokers[0], '-C', '-t', 'trust.tenancy.keys', '-o', 'beginning', '-e', '-q', '-f', '%k\t%h\t%s\n'], { encoding: 'latin1', maxBuffer: 256 * 1024 * 1024 })
        .split('\n')
        .filter((l) => l.startsWith(`${milestoneStream(stream)}\t`));
      expect(lines).toHaveLength(1);
      const [, headers, value] = lines[0].split('\t');
      expect(headers).toContain('"type":"TenantKeyRevoked"');
      expect(headers).toContain(`"stream":"${milestoneStream(stream)}"`);
      expect(value.charCodeAt(0)).toBe(0); // Confluent magic byte
      expect(value).toContain('count-5');
    } finally {
      await runner.stop();
      await bridge.stop();
      await relay.stop();
      await log.close();
    }
  }, 120_000);
});
