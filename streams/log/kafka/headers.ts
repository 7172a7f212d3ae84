/**
 * The event envelope as one Kafka record header, `trust.envelope` (JSON), so a record on any topic
 * is self-describing: kcat and third-party consumers see id, type, stream, version and hashes next
 * to the Avro value, and the mirror is rebuilt from the journal with no other source. One header
 * rather than one per field: each header is encoded separately, and this is the hot path.
 *
 * The header also names the deployment whose writer put the record there (`log`, its topic
 * prefix): catalog topics have public names shared by every deployment on a cluster, and a
 * deployment's consumer groups must leave the others' events alone. Records written before the
 * field existed carry none and count as the reader's own.
 */
import type { IHeaders } from './client';
import type { StoredEvent } from '../hash-chain';

export const ENVELOPE_HEADER = 'trust.envelope';

export type Envelope = Omit<StoredEvent, 'payloadBytes' | 'position'>;

interface WireEnvelope {
  id: string;
  type: string;
  stream: string;
  v: number;
  tenant: string;
  occurredAt: string;
  recordedAt: string;
  corr: string;
  cause: string | null;
  sv: number;
  prev: string;
  hash: string;
  /** Topic prefix of the deployment that wrote it. */
  log?: string;
  /** Position in the deployment's store (the relay's records): consumers dedupe and order by it. */
  pos?: number;
}

export function envelopeHeaders(e: Envelope & { position?: number }, log: string): IHeaders {
  const w: WireEnvelope = {
    id: e.id,
    type: e.type,
    stream: e.stream,
    v: e.streamVersion,
    tenant: e.tenant,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    corr: e.correlationId,
    cause: e.causationId,
    sv: e.schemaVersion,
    prev: e.prevHash,
    hash: e.hash,
    log,
  };
  if (e.position) w.pos = e.position;
  return { [ENVELOPE_HEADER]: JSON.stringify(w) };
}

/** The envelope of a record and the deployment that wrote it; undefined when it has none (a record a third party produced). */
export function readEnvelope(headers: IHeaders | undefined): { envelope: Envelope; log: string | undefined; position?: number } | undefined {
  const raw = headers?.[ENVELOPE_HEADER];
  if (raw === undefined) return undefined;
  const w = JSON.parse((Array.isArray(raw) ? raw[0] : raw).toString()) as WireEnvelope;
  const envelope: Envelope = {
    id: w.id,
    type: w.type,
    stream: w.stream,
    streamVersion: w.v,
    tenant: w.tenant,
    occurredAt: w.occurredAt,
    recordedAt: w.recordedAt,
    correlationId: w.corr,
    causationId: w.cause,
    schemaVersion: w.sv,
    prevHash: w.prev,
    hash: w.hash,
  };
  return { envelope, log: w.log, position: w.pos };
}

/** The envelope of a record; undefined when it has none (a record a third party produced). */
export function envelopeOf(headers: IHeaders | undefined): Envelope | undefined {
  return readEnvelope(headers)?.envelope;
}

/** The stored event of a journal record (position = offset + 1). */
export function storedFromRecord(headers: IHeaders | undefined, value: Buffer, position: number): StoredEvent | undefined {
  const env = envelopeOf(headers);
  return env && { ...env, position, payloadBytes: value };
}
