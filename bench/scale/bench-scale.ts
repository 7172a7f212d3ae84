/**
 * bench-scale: distributed mode (PostgreSQL + Kafka) side by side in one run, on this machine.
 *   - batched appends through the PostgreSQL log vs raw inserts of the same rows;
 *   - HTTP ingest through one instance vs two (the same total client concurrency);
 *   - at 10k and at 1M stored events: how long the deployment's shared read models take to fold a
 *     history appended with no instance running (once per deployment), then the start-up (to
 *     serving) and RSS of a new instance joining it;
 *   - the relay publishing the history vs a plain producer sending the same payloads once;
 *   - append → processed latency of a leased processor.
 * Needs DATABASE_URL, KAFKA_BROKERS, SCHEMA_REGISTRY_URL: `make bench-scale` starts them.
 *   BENCH_SCALE_N (append/relay events, default 50000), BENCH_SCALE_BIG (default 1000000),
 *   BENCH_SCALE_SMALL (default 10000), BENCH_SCALE_REQUESTS (per client, default 40),
 *   BENCH_SCALE_CLIENTS (default 8), BENCH_SCALE_RUNS (default 5), BENCH_SCALE_LATENCY_N (default 300)
 */
import { issueKey } from '../../connectors/auth/api-keys';
import { PgReadModels } from '../../projections/store/postgres-store';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { conditions, median, percentile, printBenchLine, round } from '../stats';
import { appendVsRaw } from './append';
import { freshDatabase } from '../../infra/postgres/fresh-database';
import { annotations } from './events';
import { ingest, rssMb, startInstance, stopInstance, untilReady, type Deployment } from './instances';
import { appendToProcessed } from './latency';
import { plainInput, relayVsPlain } from './relay';

const env = process.env;
const N = Number(env.BENCH_SCALE_N ?? 50_000);
const BIG = Number(env.BENCH_SCALE_BIG ?? 1_000_000);
const SMALL = Number(env.BENCH_SCALE_SMALL ?? 10_000);
const REQUESTS = Number(env.BENCH_SCALE_REQUESTS ?? 40);
const CLIENTS = Number(env.BENCH_SCALE_CLIENTS ?? 8);
const RUNS = Number(env.BENCH_SCALE_RUNS ?? 5);
const LATENCY_N = Number(env.BENCH_SCALE_LATENCY_N ?? 300);
const BATCH = 500;
const HTTP_BATCH = 100;

function required(name: string): string {
  const v = env[name];
  if (!v) throw new Error(`bench-scale needs ${name} (run it with \`make bench-scale\`, which starts PostgreSQL, Kafka and the registry)`);
  return v;
}

async function fill(log: PgEventLog, upTo: number, tag: string): Promise<void> {
  for (let have = await log.head(); have < upTo; have = await log.head()) {
    await log.append(annotations(Math.min(5000, upTo - have), `${tag}-${have}`, 5000));
  }
}

/** Seconds until every shared projection reached `head` (read from the deployment's projection_meta). */
async function caughtUp(databaseUrl: string, head: number, timeoutMs = 1_800_000): Promise<number> {
  const t0 = Date.now();
  const db = PgReadModels.open({ connectionString: databaseUrl, poolSize: 1 });
  try {
    while (Date.now() - t0 < timeoutMs) {
      const row = await db.get<{ p: number | null; n: number }>('SELECT min(position) AS p, count(*) AS n FROM projection_meta').catch(() => undefined);
      if (row && row.n > 0 && (row.p ?? 0) >= head) return (Date.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 100)); // a bench polling a figure, not a test's synchronisation
    }
  } finally {
    await db.close();
  }
  throw new Error(`read models did not catch up with ${head} within ${timeoutMs} ms`);
}

async function main() {
  const url = required('DATABASE_URL');
  const brokers = required('KAFKA_BROKERS');
  const registryUrl = required('SCHEMA_REGISTRY_URL');
  const tag = `s${Date.now().toString(36)}`;
  console.log(`bench-scale: append/relay N=${N} (${BATCH}/append), ingest ${CLIENTS} clients × ${REQUESTS} requests × ${HTTP_BATCH} events, start-up at ${SMALL} and ${BIG}, ${RUNS} runs; conditions ${conditions({ cores_shared_by: 'PostgreSQL, Kafka, registry, the instances and the load clients' })}`);

  // 1. The store: log appends vs raw inserts of the same rows.
  const appends: { log: number; raw: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    const x = await appendVsRaw(url, N, BATCH, r);
    appends.push(x);
    console.log(`append run ${r + 1}: log ${round(x.log, 0)}/s vs raw inserts ${round(x.raw, 0)}/s`);
  }

  // 2. Ingest through one instance vs two, alternating, both alive throughout.
  const ingestUrl = await freshDatabase(url, 'bench_ingest');
  const deployment: Deployment = { databaseUrl: ingestUrl, brokers, registryUrl, prefix: `bench.${tag}.ingest` };
  const key = issueKey('bench', 'admin');
  const store = await PgEventLog.open({ connectionString: ingestUrl });
  await store.append([key.event]);
  const a = await startInstance(deployment);
  const b = await startInstance(deployment);
  await Promise.all([untilReady(a.url, key.key), untilReady(b.url, key.key)]);
  // One pair not counted: both sides' JIT and pools warm (the first run was ~30% slower whichever side it was).
  for (const urls of [[a.url], [a.url, b.url]]) {
    const rate = await ingest(urls, key.key, CLIENTS, REQUESTS, HTTP_BATCH, `${tag}-warm${urls.length}`);
    console.log(`ingest warm-up (not counted), ${urls.length} instance(s): ${round(rate, 0)} events/s`);
  }
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? ['one', 'two'] : ['two', 'one'];
    for (const which of order) {
      const rate = await ingest(which === 'one' ? [a.url] : [a.url, b.url], key.key, CLIENTS, REQUESTS, HTTP_BATCH, `${tag}-${which}-${r}`);
      (which === 'one' ? one : two).push(rate);
      console.log(`ingest run ${r + 1}, ${which} instance(s): ${round(rate, 0)} events/s`);
    }
  }
  console.log(`ingest two vs one, run by run: ${two.map((t, r) => round(t / one[r])).join(', ')}`);
  await Promise.all([stopInstance(a), stopInstance(b)]);

  // 3. The relay vs a plain producer, and append → processed latency, on the ingest database's history.
  const relays: { relay: number; plain: number }[] = [];
  const relayLog = await PgEventLog.open({ connectionString: await freshDatabase(url, 'bench_relay') });
  await fill(relayLog, N, `${tag}-relay`);
  // The store settled before either side runs: autovacuum's first pass over the fresh rows would otherwise land in whichever runs first.
  await relayLog.pool.query('VACUUM ANALYZE events');
  // One pair not counted: the first producer after the ingest phase ran at ~40% speed whichever side it was (the broker settling).
  const stored = await plainInput(relayLog);
  const warm = await relayVsPlain(relayLog, stored, brokers.split(','), registryUrl, `bench.${tag}.relaywarm`, 2000);
  console.log(`relay warm-up (not counted): relay ${round(warm.relay, 0)} events/s vs plain producer ${round(warm.plain, 0)} msgs/s`);
  for (let r = 0; r < RUNS; r++) {
    const x = await relayVsPlain(relayLog, stored, brokers.split(','), registryUrl, `bench.${tag}.relay${r}`, 2000, r % 2 === 1);
    relays.push(x);
    console.log(`relay run ${r + 1}: relay ${round(x.relay, 0)} events/s vs plain producer ${round(x.plain, 0)} msgs/s`);
  }
  const latencies = await appendToProcessed(relayLog, LATENCY_N, 20, tag);
  console.log(`append → processed: median ${round(median(latencies), 1)} ms, p99 ${round(percentile(latencies, 99), 1)} ms over ${latencies.length}`);
  await relayLog.close();
  await store.close();

  // 4. A new instance's start-up and memory at a small and a large history.
  const startupUrl = await freshDatabase(url, 'bench_startup');
  const history = await PgEventLog.open({ connectionString: startupUrl });
  const startup: Record<string, { serving: number; firstServing: number; caughtUp: number; rss: number }> = {};
  for (const [name, size] of [['10k', SMALL], ['1m', BIG]] as const) {
    const t0 = Date.now();
    await fill(history, size, `${tag}-hist`);
    console.log(`history filled to ${size} events (${round((Date.now() - t0) / 1000, 1)} s)`);
    const deployment = { databaseUrl: startupUrl, brokers, registryUrl, prefix: `bench.${tag}.startup${name}` };
    // The first instance folds the backlog into the shared read models (once per deployment)...
    const first = await startInstance(deployment);
    const caught = await caughtUp(startupUrl, size);
    // ...and an instance joining afterwards has nothing to fold: what scaling out costs.
    const joiner = await startInstance(deployment);
    startup[name] = { serving: joiner.startupS, firstServing: first.startupS, caughtUp: caught, rss: rssMb(joiner.proc.pid!) };
    console.log(`at ${size}: first instance serving after ${round(first.startupS, 2)} s, shared read models caught up ${round(caught, 1)} s later; a joining instance serving after ${round(joiner.startupS, 2)} s, RSS ${round(startup[name].rss, 0)} MB`);
    await Promise.all([stopInstance(first), stopInstance(joiner)]);
  }
  await history.close();

  const figures = {
    pg_append_events_per_s: round(median(appends.map((x) => x.log)), 0),
    pg_raw_insert_rows_per_s: round(median(appends.map((x) => x.raw)), 0),
    ingest_events_per_s_one: round(median(one), 0),
    ingest_events_per_s_two: round(median(two), 0),
    startup_s_at_10k: round(startup['10k'].serving, 2),
    startup_s_at_1m: round(startup['1m'].serving, 2),
    first_instance_startup_s_at_1m: round(startup['1m'].firstServing, 2),
    catchup_s_at_10k: round(startup['10k'].caughtUp, 1),
    catchup_s_at_1m: round(startup['1m'].caughtUp, 1),
    rss_mb_at_10k: round(startup['10k'].rss, 0),
    rss_mb_at_1m: round(startup['1m'].rss, 0),
    relay_events_per_s: round(median(relays.map((x) => x.relay)), 0),
    plain_producer_msgs_per_s: round(median(relays.map((x) => x.plain)), 0),
    append_to_processed_p50_ms: round(median(latencies), 1),
    append_to_processed_p99_ms: round(percentile(latencies, 99), 1),
  };
  const ratios = {
    pg_append_vs_raw: round(median(appends.map((x) => x.log / x.raw))),
    // Each run's pair side by side (adjacent in time, order alternating), as the other ratios: rates drift within a run.
    two_vs_one_instance_ingest: round(median(two.map((t, r) => t / one[r]))),
    startup_1m_vs_10k: round(startup['1m'].serving / startup['10k'].serving),
    relay_vs_plain_producer: round(median(relays.map((x) => x.relay / x.plain))),
  };
  const targets = { pg_append_vs_raw: 0.7, two_vs_one_instance_ingest: 0.9, startup_1m_vs_10k: 1.5, relay_vs_plain_producer: 0.7 };
  console.log(`medians: ${JSON.stringify(figures)}`);
  printBenchLine({
    bench: 'scale',
    figures,
    ratios,
    targets,
    pass:
      ratios.pg_append_vs_raw >= targets.pg_append_vs_raw &&
      ratios.two_vs_one_instance_ingest >= targets.two_vs_one_instance_ingest &&
      ratios.startup_1m_vs_10k <= targets.startup_1m_vs_10k &&
      ratios.relay_vs_plain_producer >= targets.relay_vs_plain_producer,
  });
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
