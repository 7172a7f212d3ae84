/**
 * The event envelope: what every fact on the log carries around its payload.
 * The payload is typed by the event's Avro schema (see catalog.json); the envelope is the same for all.
 */

/** An event as a producer proposes it, before the log assigns positions and hashes. */
export interface NewEvent<P = unknown> {
  /** Idempotency key: appending the same id twice stores the event once. Generated when absent. */
  id?: string;
  type: string;
  stream: string;
  tenant: string;
  /**
   * Optimistic concurrency: the stream version this event expects to follow
   * (0 = the stream must not exist yet). Absent = no check.
   */
  expectedVersion?: number;
  correlationId?: string;
  causationId?: string;
  /** ISO-8601; defaults to the time of recording. */
  occurredAt?: string;
  payload: P;
}

/** The envelope fields of a stored event: what its hash covers besides the payload bytes and the previous hash. */
export interface StoredEnvelope {
  id: string;
  type: string;
  stream: string;
  /** 1-based version of the event within its stream. */
  streamVersion: number;
  tenant: string;
  occurredAt: string;
  recordedAt: string;
  correlationId: string;
  causationId: string | null;
  /** Version of the Avro schema the payload was written with (read with the latest, by schema resolution). */
  schemaVersion: number;
}

/** An event as stored on the log. */
export interface RecordedEvent<P = unknown> extends StoredEnvelope {
  /** Global position in the log (1-based, gap-free on the embedded log; journal offset + 1 on Kafka). */
  position: number;
  payload: P;
  /** Hash of the previous event of the same stream ('' for the first). */
  prevHash: string;
  /** sha256 over prevHash and this event's canonical content. */
  hash: string;
}

/** What an append returns for each event, in input order. */
export interface AppendResult {
  id: string;
  position: number;
  stream: string;
  streamVersion: number;
  /** True when the id was already on the log: nothing new was stored, the original position is returned. */
  duplicate: boolean;
}
