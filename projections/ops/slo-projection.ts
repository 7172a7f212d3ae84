/**
 * SLO read model: good and total SLI events per SLO and minute, folded from `SloSampled`.
 * Samples of several instances in one minute add up. The minute comes from the payload (not the
 * recording time), so a rebuild from position zero gives the same table.
 */
import { defineProjection } from '../projection';
import { SLO_SAMPLED } from './slo-sampler';

interface Sampled {
  to: string;
  slis: { slo: string; good: number; total: number }[];
}

export const SLO_MINUTES_TABLE = 'ops_slo_minutes';

export const sloProjection = defineProjection({
  name: 'ops.slo',
  version: 1,
  inputs: [SLO_SAMPLED],
  tables: [SLO_MINUTES_TABLE],
  setup: `CREATE TABLE IF NOT EXISTS ${SLO_MINUTES_TABLE} (
    slo    TEXT NOT NULL,
    minute INTEGER NOT NULL, -- unix minute the sample ended in
    good   INTEGER NOT NULL,
    total  INTEGER NOT NULL,
    PRIMARY KEY (slo, minute)
  ) WITHOUT ROWID;`,
  async apply(tx, e) {
    const p = e.payload as Sampled;
    const minute = Math.floor(Date.parse(p.to) / 60000);
    if (!Number.isFinite(minute)) throw new Error(`SloSampled.to '${p.to}' is not a date`);
    for (const s of p.slis) {
      await tx.run(
        `INSERT INTO ${SLO_MINUTES_TABLE} (slo, minute, good, total) VALUES (?, ?, ?, ?)
         ON CONFLICT (slo, minute) DO UPDATE SET good = ${SLO_MINUTES_TABLE}.good + excluded.good, total = ${SLO_MINUTES_TABLE}.total + excluded.total`,
        [s.slo, minute, s.good, s.total],
      );
    }
  },
});
