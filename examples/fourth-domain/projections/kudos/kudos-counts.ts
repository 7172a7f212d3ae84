/** Kudos per tenant and person: what GET /v1/kudos/:person answers. */
import { defineProjection } from '../../../../projections/projection';
import type { ReadModelQueries } from '../../../../projections/store/port';
import type { KudosGivenPayload } from '../../streams/kudos/kudos';

export const kudosCounts = defineProjection({
  name: 'example.kudos-counts',
  version: 1,
  inputs: ['KudosGiven'],
  tables: ['kudos_counts'],
  setup: `CREATE TABLE IF NOT EXISTS kudos_counts (
    tenant TEXT NOT NULL,
    person TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (tenant, person)
  );`,
  async apply(tx, e) {
    const p = e.payload as KudosGivenPayload;
    await tx.run(`INSERT INTO kudos_counts (tenant, person, count) VALUES (?, ?, ?) ON CONFLICT (tenant, person) DO UPDATE SET count = excluded.count`, [e.tenant, p.to, p.count]);
  },
});

export async function kudosOf(db: ReadModelQueries, tenant: string, person: string): Promise<number> {
  return (await db.get<{ count: number }>('SELECT count FROM kudos_counts WHERE tenant = ? AND person = ?', [tenant, person]))?.count ?? 0;
}
