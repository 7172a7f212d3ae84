/**
 * bench-log: the embedded EventLog against raw better-sqlite3 on the same table, same pragmas,
 * same rows, side by side in one run. Appends batched (1,000 per transaction) and one by one,
 * then a full replay (read + Avro decode) against a raw SELECT of the same rows.
 *   BENCH_N (default 100000), BENCH_SINGLE (default 2000), BENCH_RUNS (default 3)
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codec } from '../../schemas/codec';
import type { NewEvent } from '../../schemas/envelope';
import { eventHash } from '../../streams/log/hash-chain';
import { INSERT_EVENT, LOG_DDL, pragmas } from '../../streams/log/sqlite/ddl';
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import { conditions, median, printBenchLine, round, seconds } from '../stats';

const N = Number(process.env.BENCH_N ?? 100_000);
const SINGLE = Number(process.env.BENCH_SINGLE ?? 2_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = 1000;
const SYNC = 'FULL' as const;

function makeEvents(n: number, run: number): NewEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `r${run}-e${i}`,
    type: 'AnnotationAdded',
    stream: `r${run}-stream-${i % 1000}`,
    tenant: `tenant-${i % 7}`,
    payload: { subject: `fixture-${i % 500}`, text: `replay ${i} of release 1.${i % 9} reproduced within tolerance`, author: 'ci-runner', tags: ['bench'] },
  }));
}

/** The rows the log would store for these events, computed outside the timed section. */
function rawRows(events: NewEvent[]): unknown[][] {
  const c = codec();
  const heads = new Map<string, { v: number; h: string }>();
  const now = new Date().toISOString();
  return events.map((e, i) => {
    const bytes = c.encode(e.type, e.payload).bytes;
    const head = heads.get(e.stream) ?? { v: 0, h: '' };
    const f = { id: e.id!, type: e.type, stream: e.stream, streamVersion: head.v + 1, tenant: e.tenant, occurredAt: now, recordedAt: now, correlationId: e.id!, causationId: null, schemaVersion: 1 };
    const hash = eventHash(head.h, f, bytes);
    heads.set(e.stream, { v: f.streamVersion, h: hash });
    return [i + 1, f.id, f.type, f.stream, f.streamVersion, f.tenant, now, now, f.correlationId, null, 1, bytes, head.h, hash];
  });
}

function openRaw(path: string): Database.Database {
  const db = new Database(path);
  for (const p of pragmas(SYNC)) db.pragma(p);
  db.exec(LOG_DDL);
  return db;
}

async function runOnce(run: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tf-bench-log-'));
  try {
    const events = makeEvents(N, run);
    const rows = rawRows(events);

    // Batched appends.
    const raw = openRaw(join(dir, 'raw.db'));
    const insert = raw.prepare(INSERT_EVENT);
    const insertMany = raw.transaction((rs: unknown[][]) => rs.forEach((r) => insert.run(...r)));
    let t = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += BATCH) insertMany(rows.slice(i, i + BATCH));
    const rawBatched = N / seconds(t);

    const log = new SqliteEventLog({ path: join(dir, 'log.db'), sync: SYNC });
    t = process.hrtime.bigint();
    for (let i = 0; i < events.length; i += BATCH) await log.append(events.slice(i, i + BATCH));
    const logBatched = N / seconds(t);

    // Replay: everything, in order, decoded, vs a raw SELECT of the same rows.
    t = process.hrtime.bigint();
    let rawRead = 0;
    for (const _ of raw.prepare('SELECT * FROM events ORDER BY position').raw(true).iterate()) rawRead++;
    const rawReadRate = rawRead / seconds(t);
    t = process.hrtime.bigint();
    let replayed = 0;
    for (let from = 1; ; ) {
      const page = await log.read({ from, limit: 5000 });
      replayed += page.length;
      if (page.length < 5000) break;
      from = page[page.length - 1].position + 1;
    }
    const replayRate = replayed / seconds(t);
    if (replayed !== N || rawRead !== N) throw new Error(`read back ${replayed}/${rawRead} of ${N}`);

    // One event per transaction (each one a durable commit).
    const singles = makeEvents(SINGLE, run + 1000);
    const singleRows = rawRows(singles).map((r) => ((r[0] = (r[0] as number) + N), r));
    t = process.hrtime.bigint();
    for (const r of singleRows) insertMany([r]);
    const rawSingle = SINGLE / seconds(t);
    t = process.hrtime.bigint();
    for (const e of singles) await log.append([e]);
    const logSingle = SINGLE / seconds(t);

    raw.close();
    await log.close();
    return { rawBatched, logBatched, rawSingle, logSingle, rawReadRate, replayRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`bench-log: N=${N} batched (${BATCH}/tx), ${SINGLE} single appends, ${RUNS} runs, synchronous=${SYNC}, WAL; conditions ${conditions()}`);
  const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
  for (let r = 0; r < RUNS; r++) {
    const x = await runOnce(r);
    runs.push(x);
    console.log(`run ${r + 1}: append batched ${round(x.logBatched, 0)}/s vs raw ${round(x.rawBatched, 0)}/s | single ${round(x.logSingle, 0)}/s vs raw ${round(x.rawSingle, 0)}/s | replay ${round(x.replayRate, 0)}/s vs raw read ${round(x.rawReadRate, 0)}/s`);
  }
  const m = (k: keyof (typeof runs)[0]) => median(runs.map((r) => r[k]));
  const ratios = {
    append_batched_vs_raw: round(median(runs.map((r) => r.logBatched / r.rawBatched))),
    append_single_vs_raw: round(median(runs.map((r) => r.logSingle / r.rawSingle))),
    replay_vs_raw_read: round(median(runs.map((r) => r.replayRate / r.rawReadRate))),
  };
  const figures = {
    append_batched_per_s: round(m('logBatched'), 0),
    raw_batched_per_s: round(m('rawBatched'), 0),
    append_single_per_s: round(m('logSingle'), 0),
    raw_single_per_s: round(m('rawSingle'), 0),
    replay_events_per_s: round(m('replayRate'), 0),
    raw_read_rows_per_s: round(m('rawReadRate'), 0),
  };
  const targets = { append_batched_vs_raw: 0.7, replay_events_per_s: 100_000 };
  console.log(`medians: ${JSON.stringify(figures)}`);
  printBenchLine({ bench: 'log', figures, ratios, targets, pass: ratios.append_batched_vs_raw >= 0.7 && figures.replay_events_per_s >= 100_000 });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
