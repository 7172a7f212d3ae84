/**
 * The event envelope as Kafka record headers (`trust.*`), so a record on any topic is
 * self-describing: kcat and third-party consumers see type, stream, version and hashes next to the
 * Avro value, and the mirror is rebuilt from the journal without any other source.
 */
import type { IHeaders } from 'kafkajs';
import type { StoredEvent } from '../hash-chain';

export function envelopeHeaders(e: Omit<StoredEvent, 'payloadBytes' | 'position'>, position?: number): IHeaders {
  const h: IHeaders = {
    'trust.id': e.id,
    'trust.type': e.type,
    'trust.stream': e.stream,
    'trust.version': String(e.streamVersion),
    'trust.tenant': e.tenant,
    'trust.occurredAt': e.occurredAt,
    'trust.recordedAt': e.recordedAt,
    'trust.correlationId': e.correlationId,
    'trust.schemaVersion': String(e.schemaVersion),
    'trust.prevHash': e.prevHash,
    'trust.hash': e.hash,
  };
  if (e.causationId !== null) h['trust.causationId'] = e.causationId;
  if (position !== undefined) h['trust.position'] = String(position);
  return h;
}

const text = (headers: IHeaders | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v[0] : v).toString();
};

/** The stored event of a journal record (position = offset + 1); undefined when it has no envelope. */
export function storedFromRecord(headers: IHeaders | undefined, value: Buffer, position: number): StoredEvent | undefined {
  const id = text(headers, 'trust.id');
  if (!id) return undefined;
  return {
    position,
    id,
    type: text(headers, 'trust.type')!,
    stream: text(headers, 'trust.stream')!,
    streamVersion: Number(text(headers, 'trust.version')),
    tenant: text(headers, 'trust.tenant')!,
    occurredAt: text(headers, 'trust.occurredAt')!,
    recordedAt: text(headers, 'trust.recordedAt')!,
    correlationId: text(headers, 'trust.correlationId')!,
    causationId: text(headers, 'trust.causationId') ?? null,
    schemaVersion: Number(text(headers, 'trust.schemaVersion')),
    prevHash: text(headers, 'trust.prevHash') ?? '',
    hash: text(headers, 'trust.hash')!,
    payloadBytes: value,
  };
}

export const headerText = text;
