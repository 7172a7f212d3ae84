/**
 * bench-kafka: distributed mode's bus against one real broker, registry and PostgreSQL, side by side
 * in one run:
 *   1. the relay (streams/bus/relay.ts) publishing N stored events from the PostgreSQL store: read
 *      in rounds of RELAY_BATCH, the registry's wire format, the envelope header, one produce call
 *      per round awaited until every record is acknowledged, the checkpoint after it;
 *   2. the ceiling, like bench-log's raw better-sqlite3 on the same rows: the same client
 *      (@confluentinc/kafka-javascript) with the relay's producer settings sending the same records
 *      (built beforehand by the relay's own records.ts from the same stored events) in the same
 *      rounds, each awaited: what is timed is the client and the broker alone, so the ratio is the
 *      relay's own cost (reading the store, encoding, the checkpoint);
 * RUNS times after one untimed warm-up (medians; every other run in reverse order). Then processing
 * throughput: a keyed processor as a consumer group (streams/runtime/postgres/pg-group-runner.ts,
 * effects, states and positions in one PostgreSQL transaction per batch) over everything relayed.
 * Last, the client comparison of issue 14 (client-compare.ts), kept as a reference for the switch:
 * kafkajs 2.2.4 (a devDependency used by this bench only) vs @confluentinc/kafka-javascript on the
 * relay's produce path and on a consumer group reading those records back to the end.
 *   KAFKA_BROKERS and DATABASE_URL (required), SCHEMA_REGISTRY_URL (optional), BENCH_N (default
 *   20000), BENCH_RUNS (default 5), BENCH_RELAY_BATCH (default 2000, the relay's round),
 *   BENCH_RELAY_N (default BENCH_N: events per client and run of the comparison),
 *   BENCH_CONFLUENT_MAX_BATCH (default -1: the confluent consumer's js.consumer.max.batch.size)
 */
import { filter, firstValueFrom } from 'rxjs';
import { catalog } from '../../schemas/catalog';
import type { NewEvent } from '../../schemas/envelope';
import { freshDatabase } from '../../infra/postgres/fresh-database';
import { KafkaRelay, relayCheckpoint } from '../../streams/bus/relay';
import { kafkaClient, relayProducer, type Message } from '../../streams/log/kafka/client';
import { catalogRecords, type StoredEventDraft } from '../../streams/log/kafka/records';
import { ensureTopics, topicConfigs } from '../../streams/log/kafka/topics';
import { RegistryWire, decodeCatalogValue } from '../../streams/log/kafka/wire';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { annotationCounter } from '../../streams/runtime/kafka/testing';
import { PgGroupRunner } from '../../streams/runtime/postgres/pg-group-runner';
import { ClientComparison, comparisonFigures } from './client-compare';
import { conditions, median, printBenchLine, round, seconds } from '../stats';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const registryUrl = process.env.SCHEMA_REGISTRY_URL || undefined;
const databaseUrl = process.env.DATABASE_URL ?? '';
const N = Number(process.env.BENCH_N ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RELAY_BATCH = Number(process.env.BENCH_RELAY_BATCH ?? 2000);
const WARM_UP_N = Math.min(N, 2 * RELAY_BATCH);
const RELAY_N = Number(process.env.BENCH_RELAY_N ?? N);
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

async function main(): Promise<void> {
  if (!brokers.length || !databaseUrl) throw new Error('bench-kafka needs KAFKA_BROKERS and DATABASE_URL (run it through infra/with-kafka.sh or make bench-kafka)');
  const cat = catalog();
  const log = await PgEventLog.open({ connectionString: await freshDatabase(databaseUrl, `bench_kafka_${tag}`) });
  const prefix = `trust.bench.${tag}`;
  const wire = registryUrl ? new RegistryWire(registryUrl, cat, log.codec) : undefined;
  const kafka = kafkaClient({ brokers, clientId: 'bench-raw' });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topicConfigs(cat)); // the catalog topics, as the relay creates them
  await admin.disconnect();
  const producer = relayProducer(kafka);
  await producer.connect();
  console.log(`bench-kafka: N=${N} events per run, relay rounds of ${RELAY_BATCH}, ${RUNS} runs after a warm-up, registry=${registryUrl ? 'yes' : 'no'}; conditions ${conditions({ partitions: cat.topics.get('trust.annotations.notes')?.partitions })}`);

  const rates = { relay: [] as number[], raw: [] as number[] };
  let relayed = 0;
  for (let r = -1; r < RUNS; r++) {
    const warmUp = r < 0;
    // The run's events are stored first (not timed); the relay starts at the head before them.
    const before = await log.head();
    const events = warmUp ? makeEvents('warm', WARM_UP_N) : makeEvents(r);
    for (let i = 0; i < events.length; i += 5000) await log.append(events.slice(i, i + 5000));
    const head = await log.head();
    relayed += head - before;
    // The ceiling's records: the relay's own, for the same stored events, built before the timed section.
    const stored = await log.readStored({ from: before + 1, limit: head - before });
    const drafts: StoredEventDraft[] = stored.map((e) => ({ ...e, topic: cat.entries.get(e.type)!.topic }));
    if (wire) await wire.prepare(drafts.map((d) => d.topic));
    const rounds: { topic: string; messages: Message[] }[][] = [];
    for (let i = 0; i < drafts.length; i += RELAY_BATCH) {
      rounds.push(catalogRecords(drafts.slice(i, i + RELAY_BATCH), wire ? (d) => wire.encodeSync(d.topic, d.type, d.payloadBytes) : (d) => d.payloadBytes, prefix));
    }
    const sides = {
      relay: async () => {
        await log.setCheckpoint(relayCheckpoint(prefix), before);
        const relay = new KafkaRelay(log, cat, { brokers, registryUrl, prefix, batchSize: RELAY_BATCH });
        const done = firstValueFrom(relay.progress$.pipe(filter((p) => p >= head)));
        await relay.connect(); // topics, producer; then it relays
        const t = process.hrtime.bigint();
        await done;
        const rate = (head - before) / seconds(t);
        await relay.stop();
        return rate;
      },
      raw: async () => {
        const t = process.hrtime.bigint();
        for (const topicMessages of rounds) await producer.sendBatch({ topicMessages });
        return (head - before) / seconds(t);
      },
    };
    const order = (['relay', 'raw'] as const).slice();
    if (r % 2 !== 0) order.reverse();
    const rate = { relay: 0, raw: 0 };
    for (const side of order) rate[side] = await sides[side]();
    if (warmUp) continue;
    rates.relay.push(rate.relay);
    rates.raw.push(rate.raw);
    console.log(`run ${r + 1}: relay ${round(rate.relay, 0)} events/s | same records, same client ${round(rate.raw, 0)} events/s (ratio ${round(rate.relay / rate.raw)})`);
  }
  await producer.disconnect();

  // Processing: a keyed processor as a consumer group over everything relayed above.
  const decode = async (type: string, sv: number, value: Buffer) => (await decodeCatalogValue(wire, log.codec, type, sv, value)).payload;
  const runner = new PgGroupRunner(log, annotationCounter(`bench-counter-${tag}`, 100), { kafka: kafkaClient({ brokers, clientId: 'bench-processor' }), prefix, decode });
  const t = process.hrtime.bigint();
  const processed = firstValueFrom(runner.handled$.pipe(filter((n) => n >= relayed)));
  await runner.start();
  await processed;
  const processRate = relayed / seconds(t);
  console.log(`processing: ${relayed} events through a consumer-group processor (states, emitted events and positions in one PostgreSQL transaction per batch) at ${round(processRate, 0)} events/s (includes group join)`);
  await runner.stop();
  await log.close();

  // The Kafka client comparison (issue 14), kept as the reference for the switch.
  console.log(`client comparison: ${RELAY_N} events per client and run in relay rounds of ${RELAY_BATCH}, ${RUNS} alternating runs after a warm-up`);
  const compared = await new ClientComparison({ brokers, registryUrl, tag, prefix, n: RELAY_N, batch: RELAY_BATCH, runs: RUNS, events: (run, n) => makeEvents(run, n) }).run();
  console.log(`client comparison conditions: ${JSON.stringify(compared.conditions)}`);
  const comparison = comparisonFigures(compared);
  console.log(`client comparison medians: ${JSON.stringify(comparison)}`);

  const figures = {
    relay_events_per_s: round(median(rates.relay), 0),
    raw_same_records_per_s: round(median(rates.raw), 0),
    process_events_per_s: round(processRate, 0),
  };
  const ratio = round(median(rates.relay.map((a, i) => a / rates.raw[i])));
  console.log(`medians: ${JSON.stringify(figures)}`);
  printBenchLine({
    bench: 'kafka',
    figures: { ...figures, ...comparison.figures },
    ratios: { relay_vs_raw_same_records: ratio, ...comparison.ratios },
    targets: { relay_vs_raw_same_records: 0.7 },
    pass: ratio >= 0.7,
  });
}

// Exit once the line is printed: kafkajs (the comparison's reference client) can keep a fetch timer
// alive after its disconnect (kafkajs#1327), which would leave the process hanging with its results out.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
