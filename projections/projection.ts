/**
 * A read model: tables folded from events. It has a name and a version; when the code's version
 * differs from the stored one the tables are dropped and rebuilt from position zero. `apply` runs
 * inside the transaction that also moves the projection's checkpoint, on SQLite (embedded) or
 * PostgreSQL (distributed) alike: its SQL is the subset both speak (see store/port.ts).
 */
import type { RecordedEvent } from '../schemas/envelope';
import type { ReadModelTx } from './store/port';

export interface ProjectionDefinition {
  name: string;
  version: number;
  /** Event types folded into this model (others are skipped without reading the payload). */
  inputs: readonly string[];
  /** Tables it owns, in creation order; the digest covers exactly these. */
  tables: readonly string[];
  /** DDL creating the tables (idempotent: CREATE TABLE IF NOT EXISTS …), written for SQLite. */
  setup: string;
  apply: (tx: ReadModelTx, event: RecordedEvent) => Promise<void>;
  /**
   * Optional: a whole batch at once, with the same result as `apply` on each event in order (a
   * model that bumps the same rows for many events sums them first: one upsert per row, not per
   * event). If it throws, the batch is redone with `apply`, one savepoint per event.
   */
  applyBatch?: (tx: ReadModelTx, events: readonly RecordedEvent[]) => Promise<void>;
}

export const defineProjection = (def: ProjectionDefinition): ProjectionDefinition => def;
