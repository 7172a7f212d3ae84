/**
 * `make bench-pcq`: 1,000 fixtures × 5 releases × 2 runtimes of replays through the HTTP ingest
 * path (POST /v1/pcq/replays, batches of 500) on the embedded log (SQLite files), processed by the
 * PCQ processors (checks, anomalies, labels) and projections, then the timeline page rendered.
 * Prints the conditions, then one JSON line. Target: wall under 30 s.
 *   node -r ./test/support/swc-register.js bench/pcq/run.ts [--fixtures 1000]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { startPcqHarness } from '../../connectors/http/harness/pcq-harness';
import { BENCH_RELEASES as RELEASES, BENCH_RUNTIMES as RUNTIMES, pcqBenchSet } from './data';

const args = new Command().option('--fixtures <n>', 'fixtures in the data set', Number, 1000).parse(process.argv).opts<{ fixtures: number }>();
const FIXTURES = args.fixtures;
const BATCH = 500;

/** The ceiling on this machine: raw better-sqlite3 inserts of as many JSON events (same file settings), batches of 500. */
function rawSqliteEventsPerS(n: number, dir: string, sample: string): number {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE e (position INTEGER PRIMARY KEY, id TEXT UNIQUE, stream TEXT, type TEXT, payload TEXT)');
  const ins = db.prepare('INSERT INTO e (id, stream, type, payload) VALUES (?, ?, ?, ?)');
  const t = performance.now();
  for (let i = 0; i < n; i += 500) db.transaction(() => { for (let j = i; j < Math.min(n, i + 500); j++) ins.run(`id-${j}`, `s-${j % 1000}`, 'ReplayRecorded', sample); })();
  const s = (performance.now() - t) / 1000;
  db.close();
  return n / s;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pcq-bench-'));
  const h = await startPcqHarness({ logPath: join(dir, 'log.db'), readModelsPath: join(dir, 'readmodels.db'), live: true });
  const key = h.keyFor('bench');
  const { ids, manifests, releases, replays } = pcqBenchSet(FIXTURES);
  const post = async (path: string, body: unknown, expected: number) => {
    const res = await h.request('POST', path, key, body);
    if (res.status !== expected) throw new Error(`${path} → ${res.status}: ${res.text.slice(0, 300)}`);
    return res.body;
  };
  const t0 = performance.now();
  for (let i = 0; i < ids.length; i += 1000) await post('/v1/pcq/fixtures', manifests.slice(i, i + 1000), 201);
  for (const tag of releases) await post('/v1/pcq/releases', tag, 201);
  const tIngest = performance.now();
  for (let i = 0; i < replays.length; i += BATCH) await post('/v1/pcq/replays', { replays: replays.slice(i, i + BATCH) }, 202);
  const ingestS = (performance.now() - tIngest) / 1000;
  await h.ctx.settled(await h.log.head());
  const processedAt = performance.now();
  const page = await h.request('GET', '/ui/pcq/timeline', key); // pages are behind the API keys; this key's tenant is bench
  if (page.status !== 200 || !page.text.includes('id="fx-00000--accuracy"')) throw new Error('timeline page did not render');
  const wall = (performance.now() - t0) / 1000;
  const head = await h.log.head();
  const count = (type: string) => (h.log.db.prepare('SELECT COUNT(*) AS n FROM events WHERE type = ?').get(type) as { n: number } | undefined)?.n ?? -1;
  const labels = await h.readModels.all<{ label: string; n: number }>('SELECT label, COUNT(*) AS n FROM pcq_anomalies GROUP BY label ORDER BY n DESC');
  const agreement = (await h.request('GET', '/v1/pcq/agreement?release=1.7.0', key)).body;
  console.log(`conditions: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, embedded SQLite log on ${dir}, synchronous=NORMAL, HTTP batches of ${BATCH}`);
  console.log(`${FIXTURES} fixtures × ${RELEASES.length} releases × ${RUNTIMES.length} runtimes = ${replays.length} replays; ${head} events on the log`);
  console.log(`ingest (HTTP) ${ingestS.toFixed(2)} s; processed by ${((processedAt - t0) / 1000).toFixed(2)} s; page ${(page.text.length / 1e6).toFixed(2)} MB rendered in ${((performance.now() - processedAt) / 1000).toFixed(2)} s`);
  console.log(`checks ${count('ReproducibilityChecked')}, anomalies ${count('AnomalyDetected')}, triage events ${count('AnomalyTriaged')}; labels ${labels.map((l) => `${l.label} ${l.n}`).join(', ')}`);
  console.log(`agreement across runtimes in 1.7.0: ${(agreement.share * 100).toFixed(1)}% (${agreement.agreeing}/${agreement.fixtures})`);
  await h.stop();
  const raw = rawSqliteEventsPerS(head, dir, JSON.stringify(replays[0]));
  rmSync(dir, { recursive: true, force: true });
  const eventsPerS = head / wall;
  console.log(`ceiling: raw better-sqlite3 inserts of ${head} JSON events: ${Math.round(raw)} events/s (no HTTP, validation, Avro, hashing, processing or read models)`);
  const figures = { wall_s: Number(wall.toFixed(2)), events_per_s: Math.round(eventsPerS), raw_sqlite_events_per_s: Math.round(raw), replays: replays.length, events: head, ingest_s: Number(ingestS.toFixed(2)) };
  console.log(JSON.stringify({ bench: 'pcq', figures, ratios: { events_per_s_vs_raw_sqlite: Number((eventsPerS / raw).toFixed(4)) }, targets: { wall_s: 30 }, pass: wall < 30 }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
