/**
 * Third-party clients on the real broker and registry:
 *  - Confluent's Python client (PyPI confluent-kafka) publishes AnnotationAdded records with its
 *    AvroSerializer through the registry; the ingest bridge puts them on the log exactly once and
 *    a processor handles them like HTTP-ingested events;
 *  - kcat (Debian) reads what the service produced: key = stream, the envelope header, the Avro value.
 * Needs infra/with-kafka.sh (broker + registry) and test/kafka/third-party/setup.sh (the Python client).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { KafkaEventLog } from '../../streams/log/kafka/kafka-event-log';
import { KafkaIngestBridge } from '../../streams/runtime/kafka/ingest-bridge';
import { KafkaProcessorRunner } from '../../streams/runtime/kafka/kafka-processor-runner';
import { annotation, annotationCounter, milestoneStream } from '../../streams/runtime/kafka/testing';
import { describeWithRegistry, kafkaBrokers, registryUrl, uniqueName } from './env';

const python = process.env.PY_CLIENTS_PYTHON ?? join(process.env.TRUST_CACHE_DIR ?? join(homedir(), '.cache', 'trust-fabric'), 'py-clients', 'bin', 'python');
const hasKcat = (() => {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const d = existsSync(python) && hasKcat ? describeWithRegistry : describe.skip;
const TOPIC = 'trust.annotations.notes';

d('third-party clients (confluent-kafka Python, kcat)', () => {
  test('records published by confluent-kafka are ingested once and processed; kcat reads what the service emitted', async () => {
    const prefix = uniqueName('trust.thirdparty');
    const log = await KafkaEventLog.connect({ brokers: kafkaBrokers, registryUrl, prefix });
    const bridge = new KafkaIngestBridge(log);
    const runner = new KafkaProcessorRunner(log, annotationCounter(uniqueName('counter'), 5));
    const stream = uniqueName('py');
    try {
      // The service registers the topic's schema with its first event on it.
      const seedStream = uniqueName('seed');
      await log.append([annotation(seedStream, 0)]);
      const ingested = firstValueFrom(bridge.committed$.pipe(filter((evs) => evs.some((e) => e.stream === stream))));
      const milestone = firstValueFrom(runner.committed$.pipe(filter((evs) => evs.filter((e) => e.stream === stream).length > 0)));
      await bridge.start();
      await runner.start();

      const out = execFileSync(python, [join(__dirname, 'third-party', 'produce_avro.py'), kafkaBrokers.join(','), registryUrl, TOPIC, stream, 'acme', '5'], { encoding: 'utf8' });
      expect(out).toContain('produced 5 records');
      await ingested;
      await milestone;

      await log.sync();
      const evs = await log.readStream(stream);
      expect(evs.map((e) => (e.payload as { subject: string }).subject)).toEqual(['python-0', 'python-1', 'python-2', 'python-3', 'python-4']);
      expect(evs.every((e) => e.tenant === 'acme' && e.type === 'AnnotationAdded')).toBe(true);
      // Processed like any other event: 5 annotations → one milestone.
      const waitMilestone = async () => {
        for (let i = 0; i < 100; i++) {
          await log.sync();
          const ms = await log.readStream(milestoneStream(stream));
          if (ms.length) return ms;
          await firstValueFrom(runner.committed$);
        }
        return [];
      };
      const ms = await waitMilestone();
      expect(ms.map((e) => (e.payload as { keyId: string }).keyId)).toEqual(['count-5']);

      // kcat reads the service's milestone from its catalog topic.
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
      await log.close();
    }
  }, 120_000);
});
