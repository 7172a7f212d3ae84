/**
 * What the application layer works with, whatever adapter calls it (HTTP routes, the CLI, workers):
 * the caller (`Principal`) and the instance (`ServiceContext`): the log, validated ingest, the read
 * models and read-your-writes. Command handlers take these; adapters build them.
 */
import type { AppendResult, NewEvent } from '../schemas/envelope';
import type { EventLog } from '../streams/log/port';
import type { ReadModelStore } from '../projections/store/port';

export type Role = 'producer' | 'auditor' | 'admin';

/** The authenticated caller: set on `req.principal` by the auth middleware for every /v1 route. */
export interface Principal {
  tenant: string;
  role: Role;
  keyId: string;
}

export interface ServiceContext {
  log: EventLog;
  /**
   * Validate (schema, tenant, role) and append. `principal` decides the tenant: an event naming
   * another tenant is refused with 403. Throws ValidationError naming `${fieldPrefix}[i].payload.x`.
   */
  ingest(principal: Principal, events: readonly NewEvent[], fieldPrefix?: string): Promise<AppendResult[]>;
  /** The read-model store (projections): SQLite embedded, PostgreSQL distributed. Routes read it; only projections write it. */
  readModels: ReadModelStore;
  /** Resolves once every projection and processor has handled the log up to `position` (read-your-writes). */
  settled(position: number, timeoutMs?: number): Promise<void>;
  /** Data directory of this instance (TRUST_DATA_DIR). */
  dataDir: string;
}
