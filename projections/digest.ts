/** A digest of a read model: sha256 over every row of its tables, in a total order. Equal models have equal digests. */
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { ProjectionDefinition } from './projection';

export function projectionDigest(db: Database.Database, def: ProjectionDefinition): string {
  const h = createHash('sha256');
  for (const table of def.tables) {
    const cols = (db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[]).map((c) => quote(c.name));
    h.update(`table ${table}\n`);
    if (cols.length === 0) continue;
    const rows = db.prepare(`SELECT ${cols.join(', ')} FROM ${quote(table)} ORDER BY ${cols.join(', ')}`).raw(true).iterate() as Iterable<unknown[]>;
    for (const row of rows) {
      h.update(JSON.stringify(row.map((v) => (Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : typeof v === 'bigint' ? v.toString() : v))));
      h.update('\n');
    }
  }
  return h.digest('hex');
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
