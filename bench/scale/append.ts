/**
 * Batched appends through the PostgreSQL log vs raw inserts of the same rows (same table, same
 * statement, one transaction per batch, one client): what the log adds on top of the database
 * (encoding, the head lock, stream heads and ids, hashing).
 */
import pg from 'pg';
import { storedEvents } from '../stored-events';
import { MIGRATIONS } from '../../streams/log/postgres/migrations';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { insertRows } from '../../streams/log/postgres/statements';
import { seconds } from '../stats';
import { freshDatabase } from '../../infra/postgres/fresh-database';
import { annotations } from './events';

export async function appendVsRaw(url: string, n: number, batch: number, run: number): Promise<{ log: number; raw: number }> {
  const events = annotations(n, `append${run}`);
  const rows = storedEvents(events); // outside the timed section

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
