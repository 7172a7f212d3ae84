/**
 * Batched appends through the PostgreSQL log vs raw inserts of the same rows (same table, same
 * statement, one transaction per batch, one client): what the log adds on top of the database
 * (encoding, the head lock, stream heads and ids, hashing).
 */
import pg from 'pg';
import { codec } from '../../schemas/codec';
import type { NewEvent } from '../../schemas/envelope';
import { eventHash, storedEnvelope, type StoredEvent } from '../../streams/log/hash-chain';
import { MIGRATIONS } from '../../streams/log/postgres/migrations';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { insertRows } from '../../streams/log/postgres/statements';
import { seconds } from '../stats';
import { freshDatabase } from '../../infra/postgres/fresh-database';
import { annotations } from './events';

/** The rows the log stores for these events, computed outside the timed section. */
function storedRows(events: NewEvent[]): StoredEvent[] {
  const c = codec();
  const heads = new Map<string, { v: number; h: string }>();
  const now = new Date().toISOString();
  return events.map((e, i) => {
    const { schemaVersion, bytes } = c.encode(e.type, e.payload);
    const head = heads.get(e.stream) ?? { v: 0, h: '' };
    const f = storedEnvelope(e, e.id!, head.v + 1, now, schemaVersion);
    const hash = eventHash(head.h, f, bytes);
    heads.set(e.stream, { v: f.streamVersion, h: hash });
    return { ...f, position: i + 1, payloadBytes: bytes, prevHash: head.h, hash };
  });
}

export async function appendVsRaw(url: string, n: number, batch: number, run: number): Promise<{ log: number; raw: number }> {
  const events = annotations(n, `append${run}`);
  const rows = storedRows(events);

  const rawUrl = await freshDatabase(url, `bench_raw_${run}`);
  const raw = new pg.Client({ connectionString: rawUrl });
  await raw.connect();
  await raw.query(MIGRATIONS[0].sql);
  let t = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += batch) {
    await raw.query('BEGIN');
    await insertRows(raw, rows.slice(i, i + batch));
    await raw.query('COMMIT');
  }
  const rawRate = n / seconds(t);
  await raw.end();

  const logUrl = await freshDatabase(url, `bench_log_${run}`);
  const log = await PgEventLog.open({ connectionString: logUrl });
  t = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += batch) await log.append(events.slice(i, i + batch));
  const logRate = n / seconds(t);
  if ((await log.head()) !== n) throw new Error(`the log holds ${await log.head()} of ${n}`);
  await log.close();
  return { log: logRate, raw: rawRate };
}
