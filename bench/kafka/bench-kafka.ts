/**
 * bench-kafka: against one real broker (and registry), side by side in one run:
 *   1. produce N events through the Kafka EventLog adapter (journal + catalog topic per event,
 *      envelope header, Confluent wire format, concurrent appends group-committed in transactions);
 *   2. the ceiling, like bench-log's raw better-sqlite3 on the same rows: raw kafkajs sending the
 *      same records (built beforehand by the adapter's records.ts) with the same transactional
 *      producer config, in transactions of BATCH × CONCURRENCY events (same-records.ts);
 *   3. for scale, a plain raw kafkajs producer: idempotent, acks=all, each Avro payload once, no
 *      envelope, no transaction, keyed by stream onto a topic with the same partitions;
 * RUNS times after one untimed warm-up of each (medians). Then processing throughput: a
 * consumer-group processor with exactly-once effects over everything produced. Last, the Kafka
 * client comparison of issue 14 (client-compare.ts): kafkajs vs @confluentinc/kafka-javascript on
 * the relay's produce path (RELAY_N events per run in rounds of RELAY_BATCH) and on a consumer group
 * reading those records back to the end, RUNS alternating runs after a warm-up (medians).
 *   KAFKA_BROKERS (required), SCHEMA_REGISTRY_URL (optional), BENCH_N (default 20000),
 *   BENCH_BATCH (default 500), BENCH_RUNS (default 5), BENCH_CONCURRENCY (default 4: appends or sends
 *   in flight on the adapter and plain sides; the adapter groups concurrent appends into one
 *   transaction, and the ceiling's transactions hold BATCH × CONCURRENCY events),
 *   BENCH_RELAY_N (default BENCH_N: events per client and run of the comparison), BENCH_RELAY_BATCH
 *   (default 2000, the relay's round), BENCH_CONFLUENT_MAX_BATCH (default -1, no limit, for the confluent
 *   consumer's js.consumer.max.batch.size)
 */
import { Kafka, logLevel } from 'kafkajs';
import { codec } from '../../schemas/codec';
import type { NewEvent } from '../../schemas/envelope';
import { KafkaEventLog } from '../../streams/log/kafka/kafka-event-log';
import { KafkaProcessorRunner } from '../../streams/runtime/kafka/kafka-processor-runner';
import { annotationCounter } from '../../streams/runtime/kafka/testing';
import { ClientComparison, comparisonFigures, retrying } from './client-compare';
import { SameRecordsCeiling } from './same-records';
import { conditions, median, printBenchLine, round, seconds } from '../stats';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const registryUrl = process.env.SCHEMA_REGISTRY_URL || undefined;
const N = Number(process.env.BENCH_N ?? 20_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Appends/sends in flight at once on both sides (an ingest service serves many requests at once). */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
/** Events of the untimed warm-up run (JIT, connections, the broker's first segments). */
const WARM_UP_N = Math.min(N, 4 * BATCH * CONCURRENCY);
/** The client comparison: events per client and run, and the relay's round. */
const RELAY_N = Number(process.env.BENCH_RELAY_N ?? N);
const RELAY_BATCH = Number(process.env.BENCH_RELAY_BATCH ?? 2000);
const tag = Date.now().toString(36);

function makeEvents(run: number | string, n = N): NewEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${tag}-r${run}-e${i}`,
    type: 'AnnotationAdded',
    stream: `${tag}-r${run}-stream-${i % 200}`,
    tenant: `tenant-${i % 7}`,
    payload: { subject: `fixture-${i % 500}`, text: `replay ${i} of release 1.${i % 9} reproduced within tolerance`, author: 'ci-runner', tags: ['bench'] },
  }));
}

/** Runs `send` over [0, n) in steps of BATCH with CONCURRENCY calls in flight. */
async function inFlight(n: number, send: (from: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const from = next;
      next += BATCH;
      await send(from);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  if (!brokers.length) throw new Error('bench-kafka needs KAFKA_BROKERS (run it through infra/with-kafka.sh or make bench-kafka)');
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const rawTopic = `bench.raw.${tag}`;
  const partitions = codec().cat.topics.get('trust.annotations.notes')?.partitions ?? 3;
  await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: partitions }], waitForLeaders: true });
  const raw = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await raw.connect();
  const prefix = `trust.bench.${tag}`;
  const log = await KafkaEventLog.connect({ brokers, registryUrl, prefix, clientId: 'bench-adapter' });

  const same = new SameRecordsCeiling(kafka, admin, tag, registryUrl, prefix);
  await same.start();

  console.log(`bench-kafka: N=${N} events per run, ${BATCH} per append/send, ${CONCURRENCY} in flight, ${RUNS} runs after a warm-up, registry=${registryUrl ? 'yes' : 'no'}; conditions ${conditions({ partitions })}`);
  const rates = { adapter: [] as number[], same: [] as number[], plain: [] as number[] };
  for (let r = -1; r < RUNS; r++) {
    const warmUp = r < 0;
    const events = warmUp ? makeEvents('warm', WARM_UP_N) : makeEvents(r);
    const n = events.length;
    // The plain side sends the same Avro payload bytes (encoded outside the timed section).
    const plainMessages = events.map((e) => ({ key: e.stream, value: codec().encode(e.type, e.payload).bytes }));
    // The ceiling sends the adapter's records for the same events, onto topics of its own.
    const sameRecords = await same.prepare(events, BATCH * CONCURRENCY);
    const sides = {
      plain: () => inFlight(n, (i) => raw.send({ topic: rawTopic, messages: plainMessages.slice(i, i + BATCH), acks: -1 })),
      same: () => same.send(sameRecords),
      adapter: () => inFlight(n, (i) => log.append(events.slice(i, i + BATCH))),
    };
    // Every other run in reverse order, so no side always follows another's broker work.
    const order = (['plain', 'same', 'adapter'] as const).slice();
    if (r % 2 !== 0) order.reverse();
    const rate = { plain: 0, same: 0, adapter: 0 };
    for (const side of order) {
      const t = process.hrtime.bigint();
      await sides[side]();
      rate[side] = n / seconds(t);
    }
    const { plain: plainRate, same: sameRate, adapter: adapterRate } = rate;
    if (warmUp) continue;
    rates.adapter.push(adapterRate);
    rates.same.push(sameRate);
    rates.plain.push(plainRate);
    console.log(
      `run ${r + 1}: adapter ${round(adapterRate, 0)} events/s | raw kafkajs, same records ${round(sameRate, 0)} events/s (ratio ${round(adapterRate / sameRate)}) | plain producer ${round(plainRate, 0)} msgs/s (ratio ${round(adapterRate / plainRate)})`,
    );
  }
  await same.stop();

  // Processing: one consumer-group processor over everything the adapter produced above.
  const total = RUNS * N + WARM_UP_N;
  const runner = new KafkaProcessorRunner(log, annotationCounter(`bench-counter-${tag}`, 100));
  const mine = (s: string) => s.startsWith(`${tag}-`);
  let seen = 0;
  const t = process.hrtime.bigint();
  const done = new Promise<void>((resolve) => runner.committed$.subscribe((evs) => ((seen += evs.filter((e) => mine(e.stream)).length), seen >= total && resolve())));
  // Its changelog topic is created right after the ceiling deleted its topics: see retrying().
  await retrying(() => runner.start());
  await done;
  const processRate = total / seconds(t);
  console.log(`processing: ${total} events through a consumer-group processor (exactly-once, changelog + offsets per batch) at ${round(processRate, 0)} events/s (includes group join and state restore)`);
  await runner.stop();

  // The Kafka client comparison (issue 14): kafkajs vs @confluentinc/kafka-javascript, relay produce and consume.
  console.log(`client comparison: ${RELAY_N} events per client and run in relay rounds of ${RELAY_BATCH}, ${RUNS} alternating runs after a warm-up`);
  const compared = await new ClientComparison({ brokers, registryUrl, tag, prefix, n: RELAY_N, batch: RELAY_BATCH, runs: RUNS, events: (run, n) => makeEvents(run, n) }).run();
  console.log(`client comparison conditions: ${JSON.stringify(compared.conditions)}`);
  const comparison = comparisonFigures(compared);
  console.log(`client comparison medians: ${JSON.stringify(comparison)}`);

  const figures = {
    adapter_produce_events_per_s: round(median(rates.adapter), 0),
    raw_kafkajs_produce_per_s: round(median(rates.same), 0),
    raw_plain_kafkajs_produce_per_s: round(median(rates.plain), 0),
    process_events_per_s: round(processRate, 0),
  };
  const ratioTo = (ceiling: number[]) => round(median(rates.adapter.map((a, i) => a / ceiling[i])));
  const ratio = ratioTo(rates.same);
  console.log(`medians: ${JSON.stringify(figures)}`);
  await log.close();
  await raw.disconnect();
  await admin.deleteTopics({ topics: [rawTopic] }).catch(() => undefined);
  await admin.disconnect();
  printBenchLine({
    bench: 'kafka',
    figures: { ...figures, ...comparison.figures },
    ratios: { produce_vs_raw_kafkajs: ratio, produce_vs_plain_kafkajs: ratioTo(rates.plain), ...comparison.ratios },
    targets: { produce_vs_raw_kafkajs: 0.7 },
    pass: ratio >= 0.7,
  });
}

// Exit once the line is printed: a kafkajs consumer can keep a fetch timer alive after its
// disconnect (kafkajs#1327), which would leave the process hanging with its results already out.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
