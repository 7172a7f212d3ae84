/** Events per tenant, type and UTC day: the ingest dashboard's source and a cheap audit summary. */
import { defineProjection } from '../projection';
import { catalog } from '../../schemas/catalog';

const UPSERT = `INSERT INTO event_stats (tenant, type, day, count, last_position) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (tenant, type, day) DO UPDATE SET count = event_stats.count + excluded.count, last_position = excluded.last_position`;

export const eventStats = defineProjection({
  name: 'backbone.event-stats',
  version: 1,
  inputs: [...catalog().entries.keys()],
  tables: ['event_stats'],
  setup: `CREATE TABLE IF NOT EXISTS event_stats (
    tenant TEXT NOT NULL,
    type   TEXT NOT NULL,
    day    TEXT NOT NULL,
    count  INTEGER NOT NULL,
    last_position INTEGER NOT NULL,
    PRIMARY KEY (tenant, type, day)
  );`,
  async apply(tx, e) {
    await tx.run(UPSERT, [e.tenant, e.type, e.recordedAt.slice(0, 10), 1, e.position]);
  },
  // Every event bumps a row of its (tenant, type, day): a batch sums them first, one upsert per row.
  async applyBatch(tx, events) {
    const rows = new Map<string, [string, string, string, number, number]>();
    for (const e of events) {
      const day = e.recordedAt.slice(0, 10);
      const key = `${e.tenant}\u0000${e.type}\u0000${day}`;
      const row = rows.get(key);
      if (row) {
        row[3] += 1;
        row[4] = e.position;
      } else rows.set(key, [e.tenant, e.type, day, 1, e.position]);
    }
    for (const row of rows.values()) await tx.run(UPSERT, row);
  },
});
