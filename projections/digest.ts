/**
 * A digest of a read model: sha256 over every row of its tables. Rows are sorted as text after
 * reading, so a SQLite model and a PostgreSQL model with the same rows have the same digest
 * (collations differ between servers; JavaScript's order does not).
 */
import { createHash } from 'node:crypto';
import type { ProjectionDefinition } from './projection';
import type { ReadModelQueries, ReadModelStore } from './store/port';

/** `q`: where the rows are read (a snapshot, or the store itself); `store` names the columns. */
export async function projectionDigest(store: Pick<ReadModelStore, 'columns'>, q: ReadModelQueries, def: ProjectionDefinition): Promise<string> {
  const h = createHash('sha256');
  for (const table of def.tables) {
    const cols = await store.columns(table);
    h.update(`table ${table}\n`);
    if (cols.length === 0) continue;
    const rows = await q.all<Record<string, unknown>>(`SELECT ${cols.map(quote).join(', ')} FROM ${quote(table)}`);
    const lines = rows.map((row) => JSON.stringify(cols.map((c) => normal(row[c]))));
    lines.sort();
    for (const line of lines) h.update(`${line}\n`);
  }
  return h.digest('hex');
}

const normal = (v: unknown) => (Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : typeof v === 'bigint' ? v.toString() : v);
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
