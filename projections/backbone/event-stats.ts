/** Events per tenant, type and UTC day: the ingest dashboard's source and a cheap audit summary. */
import { defineProjection } from '../projection';
import { catalog } from '../../schemas/catalog';

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
    await tx.run(
      `INSERT INTO event_stats (tenant, type, day, count, last_position) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (tenant, type, day) DO UPDATE SET count = event_stats.count + 1, last_position = excluded.last_position`,
      [e.tenant, e.type, e.recordedAt.slice(0, 10), e.position],
    );
  },
});
