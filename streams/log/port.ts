/**
 * The EventLog port: what the rest of the system may ask of the log, whichever adapter runs it
 * (embedded SQLite by default, Apache Kafka in distributed mode). One contract test suite
 * (streams/log/contract.ts) holds every adapter to it.
 */
import type { Observable } from 'rxjs';
import type { AppendResult, NewEvent, RecordedEvent } from '../../schemas/envelope';

export interface ReadOptions {
  /** First global position to return (inclusive). Default 1. */
  from?: number;
  /** Maximum number of events. Default 1000. */
  limit?: number;
  /** Only these event types. */
  types?: readonly string[];
  /** Only this stream. */
  stream?: string;
  /** Only this tenant. */
  tenant?: string;
}

export interface SubscribeOptions {
  types?: readonly string[];
}

export interface EventLog {
  /**
   * Append atomically: all events are stored or none. An id already on the log is not stored
   * again (its original position is returned with duplicate=true); the same id with other
   * content is an IdempotencyConflictError. A wrong expectedVersion is a VersionConflictError.
   */
  append(events: readonly NewEvent[]): Promise<AppendResult[]>;
  /** Events in log order. */
  read(options?: ReadOptions): Promise<RecordedEvent[]>;
  /** Events of one stream in version order, from a version (inclusive, default 1). */
  readStream(stream: string, fromVersion?: number, limit?: number): Promise<RecordedEvent[]>;
  /** Position of the last event (0 when empty). */
  head(): Promise<number>;
  /** Catch up from `from` (inclusive), then stay live until unsubscribed. */
  subscribe(from: number, options?: SubscribeOptions): Observable<RecordedEvent>;
  /** Named consumer checkpoints: the last position a consumer has fully handled. */
  getCheckpoint(name: string): Promise<number>;
  setCheckpoint(name: string, position: number): Promise<void>;
  close(): Promise<void>;
}
