/**
 * A local, read-only copy of the PostgreSQL store for the auditor: the stored events (payload bytes
 * and hashes exactly as stored) copied page by page into a scratch SQLite log, so `trust replay`
 * verifies the chains and rebuilds the projections with the same code in both modes.
 */
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import type { PgEventLog } from '../../streams/log/postgres/pg-event-log';

export async function snapshotToSqlite(source: PgEventLog, path: string, pageSize = 5000): Promise<SqliteEventLog> {
  const copy = new SqliteEventLog({ path, sync: 'NORMAL', codec: source.codec });
  const head = await source.head();
  for (let from = 1; from <= head; ) {
    const page = await source.readStored({ from, limit: pageSize });
    if (page.length === 0) break;
    copy.db.transaction(() => page.filter((e) => e.position <= head).forEach((e) => copy.insertStored(e)))();
    from = page[page.length - 1].position + 1;
  }
  return copy;
}
