/** Test helpers: a folded SLO read model from synthetic samples (shared by the report, route and page tests). */
import type { RecordedEvent } from '../../schemas/envelope';
import { prepareProjection } from '../projection-runner';
import { SqliteReadModels } from '../store/sqlite-store';
import { sloProjection } from './slo-projection';
import { alertsProjection } from './alerts';

const MIN = 60000;

export function sampledEvent(position: number, toMs: number, slis: { slo: string; good: number; total: number }[]): RecordedEvent {
  const iso = new Date(toMs).toISOString();
  return {
    position, id: `s${position}`, type: 'SloSampled', stream: 'ops-slo-test', streamVersion: position, tenant: 'system',
    occurredAt: iso, recordedAt: iso, correlationId: `s${position}`, causationId: null, schemaVersion: 1,
    payload: { instance: 'test', from: new Date(toMs - MIN).toISOString(), to: iso, slis }, prevHash: '', hash: '',
  };
}

/**
 * A read model with `days` days of one-a-minute samples ending at `nowMs`: every SLO at a small
 * steady error ratio, and `burning` at `burnRatio` over the last hour.
 */
export async function seededReadModel(nowMs: number, slos: string[], opts: { days?: number; burning?: string; burnRatio?: number } = {}): Promise<SqliteReadModels> {
  const db = new SqliteReadModels(':memory:');
  await prepareProjection(db, sloProjection);
  await prepareProjection(db, alertsProjection);
  const minutes = (opts.days ?? 3) * 1440;
  let position = 0;
  await db.transaction(async (tx) => {
    for (let i = minutes - 1; i >= 0; i--) {
      const t = nowMs - i * MIN;
      const slis = slos.map((slo, k) => {
        const ratio = slo === opts.burning && i < 60 ? opts.burnRatio ?? 0.05 : 0.0002 * (k + 1) * (1 + Math.sin(i / 180));
        return { slo, total: 600, good: 600 - Math.round(600 * ratio) };
      });
      await sloProjection.apply(tx, sampledEvent(++position, t, slis));
    }
  });
  return db;
}
