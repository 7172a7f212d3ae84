/**
 * Faults against the real broker: it is stopped (clean shutdown, data kept) and restarted in the
 * middle of a stream of appends while a processor runs. Appends made while it is down fail as
 * transient (or land after the restart, through kafkajs retries); the producer retries them with the
 * same ids. Afterwards every accepted event is on the log once, every input is processed exactly
 * once, and a fresh instance rebuilt from the topics sees the same history.
 * Needs infra/with-kafka.sh (it exports KAFKA_PORT and KAFKA_RUN_DIR for the restart).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { KafkaEventLog } from '../../streams/log/kafka/kafka-event-log';
import { KafkaProcessorRunner } from '../../streams/runtime/kafka/kafka-processor-runner';
import { annotation, annotationCounter, milestoneStream } from '../../streams/runtime/kafka/testing';
import { ChainVerifier } from '../../streams/log/hash-chain';
import { kafkaBrokers, registryUrl, uniqueName } from './env';

const canRestart = kafkaBrokers.length > 0 && !!process.env.KAFKA_RUN_DIR && !!process.env.KAFKA_PORT;
const d = canRestart ? describe : describe.skip;
const infra = join(__dirname, '..', '..', 'infra', 'kafka');

async function appendWithRetry(log: KafkaEventLog, events: Parameters<KafkaEventLog['append']>[0]): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      await log.append(events);
      return attempt;
    } catch (e) {
      if (attempt >= 20) throw e;
    }
  }
}

d('broker stop and restart mid-stream', () => {
  test('every accepted event is stored once and processed once; a rebuilt instance sees the same history', async () => {
    const prefix = uniqueName('trust.fault');
    const log = await KafkaEventLog.connect({ brokers: kafkaBrokers, registryUrl, prefix });
    const def = annotationCounter(uniqueName('counter'), 5);
    const runner = new KafkaProcessorRunner(log, def);
    const streams = Array.from({ length: 6 }, () => uniqueName('s'));
    const mine = new Set(streams);
    let processed = 0;
    const allProcessed = new Promise<void>((resolve) =>
      runner.committed$.subscribe((evs) => ((processed += evs.filter((e) => mine.has(e.stream)).length), processed >= 60 && resolve())),
    );
    try {
      await runner.start();
      // Rounds 0-4 before the stop, 5-9 after; ids fixed so retries are idempotent.
      const round = (r: number) => streams.map((s) => annotation(s, r, `${s}-e${r}`));
      for (let r = 0; r < 5; r++) await appendWithRetry(log, round(r));
      execFileSync('bash', [join(infra, 'stop.sh'), '--keep-data'], { env: process.env, stdio: 'ignore' });
      const duringOutage = log.append(round(5)).then(
        () => 'landed',
        () => 'refused',
      );
      execFileSync('bash', [join(infra, 'start.sh')], { env: process.env, stdio: 'ignore' });
      await duringOutage;
      for (let r = 5; r < 10; r++) await appendWithRetry(log, round(r));
      await allProcessed;

      await log.sync();
      for (const s of streams) {
        const evs = await log.readStream(s);
        expect(evs.map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, r) => `${s}-e${r}`));
        const ms = await log.readStream(milestoneStream(s));
        expect(ms.map((e) => (e.payload as { keyId: string }).keyId)).toEqual(['count-5', 'count-10']);
      }
      // A fresh reader rebuilt from the topics: same events, and every hash chain verifies.
      const fresh = await KafkaEventLog.connect({ brokers: kafkaBrokers, registryUrl, prefix, readOnly: true });
      try {
        const a = await log.read({ limit: 100_000 });
        const b = await fresh.read({ limit: 100_000 });
        expect(b).toEqual(a);
        const verifier = new ChainVerifier();
        for (const s of fresh.mirror.readStoredSync({ limit: 100_000 })) verifier.check(s);
        expect(verifier.breaks).toEqual([]);
      } finally {
        await fresh.close();
      }
    } finally {
      await runner.stop();
      await log.close();
    }
  }, 180_000);
});
