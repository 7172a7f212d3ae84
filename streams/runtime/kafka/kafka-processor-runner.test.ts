/**
 * Processors on a real broker: given events on the input topic, when the runner consumes them as a
 * consumer group, then each emitted event appears exactly once, also when a second instance joins
 * the group mid-stream and the first leaves. Skipped unless KAFKA_BROKERS is set.
 */
import { filter, firstValueFrom, scan } from 'rxjs';
import { KafkaEventLog } from '../../log/kafka/kafka-event-log';
import { deadLetterStream } from '../effects';
import { KafkaProcessorRunner } from './kafka-processor-runner';
import { annotation, annotationCounter, milestoneStream } from './testing';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
const registryUrl = process.env.SCHEMA_REGISTRY_URL || undefined;
const d = brokers.length ? describe : describe.skip;
let n = 0;
const unique = (base: string) => `${base}-${process.pid}-${Date.now().toString(36)}-${++n}`;

/** Resolves once the runners together have committed `total` input events of these streams. */
const handledTotal = (runners: KafkaProcessorRunner<unknown>[], streams: string[], total: number) =>
  new Promise<void>((resolve) => {
    const mine = new Set(streams);
    let seen = 0;
    for (const r of runners) r.committed$.subscribe((evs) => ((seen += evs.filter((e) => mine.has(e.stream)).length), seen >= total && resolve()));
  });

async function milestones(log: KafkaEventLog, streams: string[]) {
  await log.sync();
  const out: { stream: string; keyIds: string[]; versions: number[]; ids: string[] }[] = [];
  for (const s of streams) {
    const evs = await log.readStream(milestoneStream(s));
    out.push({ stream: s, keyIds: evs.map((e) => (e.payload as { keyId: string }).keyId), versions: evs.map((e) => e.streamVersion), ids: evs.map((e) => e.id) });
  }
  return out;
}

d('Kafka processor runtime (consumer groups, exactly-once effects)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const openLog = async (prefix: string, writerId?: string) => {
    const log = await KafkaEventLog.connect({ brokers, registryUrl, prefix, writerId });
    cleanups.push(() => log.close());
    return log;
  };

  test('given 9 annotations on 3 streams, when the counter runs, then each stream gets exactly one milestone per 3 events and the state is committed', async () => {
    const prefix = unique('trust.proc');
    const log = await openLog(prefix);
    const streams = [unique('s'), unique('s'), unique('s')];
    await log.append(streams.flatMap((s) => [0, 1, 2].map((i) => annotation(s, i))));
    const def = annotationCounter(unique('counter'));
    const runner = new KafkaProcessorRunner(log, def);
    cleanups.push(() => runner.stop());
    const done = handledTotal([runner as KafkaProcessorRunner<unknown>], streams, 9);
    await runner.start();
    await done;
    const got = await milestones(log, streams);
    expect(got.map((g) => g.keyIds)).toEqual([['count-3'], ['count-3'], ['count-3']]);
    expect(streams.map((s) => runner.stateOf(s))).toEqual([{ count: 3 }, { count: 3 }, { count: 3 }]);
  });

  test('given a record with a damaged envelope on the input topic, then it is dead-lettered once and the events after it are processed', async () => {
    const prefix = unique('trust.proc');
    const log = await openLog(prefix);
    const stream = unique('s');
    const topic = log.codec.entry('AnnotationAdded').topic;
    // Same key as the stream, so the same partition, ahead of a valid event.
    const producer = log.kafka.producer();
    await producer.connect();
    const [sent] = await producer.send({ topic, messages: [{ key: stream, value: Buffer.from('garbage'), headers: { 'trust.envelope': '{not json' } }], acks: -1 });
    await producer.disconnect();
    await log.append([annotation(stream, 0)]);
    const def = annotationCounter(unique('counter'), 1);
    const runner = new KafkaProcessorRunner(log, def);
    cleanups.push(() => runner.stop());
    const done = handledTotal([runner as KafkaProcessorRunner<unknown>], [stream], 1);
    await runner.start();
    await done;
    const [got] = await milestones(log, [stream]);
    expect(got.keyIds).toEqual(['count-1']);
    const at = `${topic}/${sent.partition}/${sent.baseOffset}`;
    const dead = (await log.readStream(deadLetterStream(def.name))).filter((e) => (e.payload as { eventStream: string }).eventStream === at);
    expect(dead).toHaveLength(1);
    expect(dead[0].payload).toMatchObject({ processor: def.name, eventType: 'unknown', attempts: 1 });
    expect((dead[0].payload as { error: string }).error).toMatch(/JSON/);
  });

  test('given another deployment on the same cluster, then a processor takes only its own deployment\'s events from the shared topic', async () => {
    const mine = await openLog(unique('trust.proc'));
    const theirs = await openLog(unique('trust.other'));
    const stream = unique('s'); // one key: both records land on the same partition, theirs first
    const [other] = await theirs.append([annotation(stream, 0)]);
    const [own] = await mine.append([annotation(stream, 1)]);
    const runner = new KafkaProcessorRunner(mine, annotationCounter(unique('counter'), 1));
    cleanups.push(() => runner.stop());
    const handled: string[] = [];
    runner.committed$.subscribe((evs) => handled.push(...evs.filter((e) => e.stream === stream).map((e) => e.id)));
    const done = firstValueFrom(runner.committed$.pipe(filter((evs) => evs.some((e) => e.id === own.id))));
    await runner.start();
    await done;
    expect(handled).toEqual([own.id]);
    const [got] = await milestones(mine, [stream]);
    expect(got.keyIds).toEqual(['count-1']);
  });

  test('given a running instance, when a second joins mid-stream and the first leaves, then every input is processed exactly once', async () => {
    const prefix = unique('trust.proc');
    const logA = await openLog(prefix, `${prefix}.writer-a`);
    const logB = await openLog(prefix, `${prefix}.writer-b`);
    const def = annotationCounter(unique('counter'), 2);
    // 12 streams spread over the 3 partitions of trust.annotations.notes, 4 events each.
    const streams = Array.from({ length: 12 }, () => unique('s'));
    const a = new KafkaProcessorRunner(logA, def);
    const b = new KafkaProcessorRunner(logB, def);
    cleanups.push(() => a.stop(), () => b.stop());
    const all = handledTotal([a, b] as KafkaProcessorRunner<unknown>[], streams, 48);
    await a.start();
    await logA.append(streams.map((s) => annotation(s, 0)));
    await logA.append(streams.map((s) => annotation(s, 1)));
    const mine = new Set(streams);
    await firstValueFrom(a.committed$.pipe(scan((x, evs) => x + evs.filter((e) => mine.has(e.stream)).length, 0), filter((x) => x >= 12)));
    await b.start(); // joins: the group rebalances over both instances
    await logA.append(streams.map((s) => annotation(s, 2)));
    await a.stop(); // leaves: b takes every partition, restoring state from the changelog
    await logA.append(streams.map((s) => annotation(s, 3)));
    await all;
    const got = await milestones(logB, streams);
    for (const g of got) {
      expect(g.keyIds).toEqual(['count-2', 'count-4']);
      expect(g.versions).toEqual([1, 2]);
      expect(new Set(g.ids).size).toBe(2);
    }
  });
});
