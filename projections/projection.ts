/**
 * A read model: SQLite tables folded from events. It has a name and a version; when the code's
 * version differs from the stored one the tables are dropped and rebuilt from position zero.
 * `apply` runs inside the transaction that also moves the projection's checkpoint.
 */
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../schemas/envelope';

export interface ProjectionDefinition {
  name: string;
  version: number;
  /** Event types folded into this model (others are skipped without reading the payload). */
  inputs: readonly string[];
  /** Tables it owns, in creation order; the digest covers exactly these. */
  tables: readonly string[];
  /** DDL creating the tables (idempotent: CREATE TABLE IF NOT EXISTS …). */
  setup: string;
  apply: (db: Database.Database, event: RecordedEvent) => void;
}

export const defineProjection = (def: ProjectionDefinition): ProjectionDefinition => def;
