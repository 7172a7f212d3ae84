/**
 * Test helpers for given-when-then projection tests: the read-model stores to run them on (SQLite
 * always; PostgreSQL too when DATABASE_URL is set, as in read-model-store.test.ts), and a recorded
 * event builder so a test states only what its projection reads.
 */
import type { RecordedEvent } from '../../schemas/envelope';
import { freshDatabase } from '../../infra/postgres/fresh-database';
import type { ProjectionDefinition } from '../projection';
import { prepareProjection } from '../projection-runner';
import type { ReadModelStore } from '../store/port';
import { PgReadModels } from '../store/postgres-store';
import { SqliteReadModels } from '../store/sqlite-store';

export type OpenStore = () => Promise<ReadModelStore>;

export function testStores(label: string): [string, OpenStore][] {
  const stores: [string, OpenStore][] = [['SQLite', async () => new SqliteReadModels(':memory:')]];
  const url = process.env.DATABASE_URL;
  if (url) {
    let n = 0;
    stores.push(['PostgreSQL', async () => PgReadModels.open({ connectionString: await freshDatabase(url, `gwt_${label}_${process.pid}_${n++}`) })]);
  }
  return stores;
}

let position = 0;

/** A recorded event at `at` (ISO) for `tenant`; positions increase across calls, as on a log. */
export function recorded(type: string, tenant: string, at: string, payload: Record<string, unknown>, stream = `test:${tenant}`): RecordedEvent {
  position++;
  return {
    position, id: `e${position}`, type, stream, streamVersion: position, tenant, occurredAt: at, recordedAt: at,
    correlationId: `e${position}`, causationId: null, schemaVersion: 1, payload, prevHash: '', hash: '',
  };
}

/** Given these events, folded by `def` into a fresh store (one transaction per event, as the runner's slow path). */
export async function folded(open: OpenStore, def: ProjectionDefinition, events: readonly RecordedEvent[]): Promise<ReadModelStore> {
  const store = await open();
  await prepareProjection(store, def);
  for (const e of events) if (def.inputs.includes(e.type)) await store.transaction((tx) => def.apply(tx, e));
  return store;
}
