/**
 * The per-stream hash chain: each event's hash covers its predecessor's hash, its envelope and
 * its encoded payload bytes, so changing any stored event breaks every later link of its stream.
 */
import { createHash, hash } from 'node:crypto';
import type { NewEvent, RecordedEvent, StoredEnvelope } from '../../schemas/envelope';

/** Envelope fields covered by the hash (in the fixed order eventHash writes them). */
export type HashedFields = StoredEnvelope;

/** The envelope an append stores for a new event: defaults applied (occurredAt = recordedAt, correlationId = id). */
export function storedEnvelope(e: NewEvent, id: string, streamVersion: number, recordedAt: string, schemaVersion: number): StoredEnvelope {
  return {
    id,
    type: e.type,
    stream: e.stream,
    streamVersion,
    tenant: e.tenant,
    occurredAt: e.occurredAt ?? recordedAt,
    recordedAt,
    correlationId: e.correlationId ?? id,
    causationId: e.causationId ?? null,
    schemaVersion,
  };
}

export function eventHash(prevHash: string, f: HashedFields, payload: Buffer): string {
  // One buffer, one-shot hash: this runs for every append, so it avoids per-update overhead.
  const envelope = `${prevHash}\n${f.id}\u0000${f.type}\u0000${f.stream}\u0000${f.streamVersion}\u0000${f.tenant}\u0000${f.occurredAt}\u0000${f.recordedAt}\u0000${f.correlationId}\u0000${f.causationId ?? ''}\u0000${f.schemaVersion}\n`;
  return hash('sha256', Buffer.concat([Buffer.from(envelope), payload]), 'hex');
}

export interface ChainBreak {
  stream: string;
  position: number;
  problem: string;
}

/** Stored event with its raw payload bytes (what the chain really covers). */
export type StoredEvent = Omit<RecordedEvent, 'payload'> & { payloadBytes: Buffer };

/**
 * Verifies events fed in log order; remembers only each stream's last (version, hash).
 * Reports the first break per stream.
 */
export class ChainVerifier {
  private readonly last = new Map<string, { version: number; hash: string }>();
  private readonly broken = new Set<string>();
  readonly breaks: ChainBreak[] = [];
  verified = 0;

  check(e: StoredEvent): void {
    if (this.broken.has(e.stream)) return;
    const prev = this.last.get(e.stream) ?? { version: 0, hash: '' };
    let problem: string | undefined;
    if (e.streamVersion !== prev.version + 1) problem = `version ${e.streamVersion} follows ${prev.version}`;
    else if (e.prevHash !== prev.hash) problem = 'previous-hash link does not match the preceding event';
    else if (eventHash(e.prevHash, e, e.payloadBytes) !== e.hash) problem = 'content does not match its hash (event altered)';
    if (problem) {
      this.broken.add(e.stream);
      this.breaks.push({ stream: e.stream, position: e.position, problem });
      return;
    }
    this.last.set(e.stream, { version: e.streamVersion, hash: e.hash });
    this.verified++;
  }

  /** A digest over every stream head: anchors the whole history in one value. */
  headsDigest(): string {
    const h = createHash('sha256');
    for (const [stream, { version, hash }] of [...this.last.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      h.update(`${stream}\u0000${version}\u0000${hash}\n`);
    }
    return h.digest('hex');
  }
}
