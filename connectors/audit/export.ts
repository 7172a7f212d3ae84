/**
 * The auditor's portable history: JSON Lines, one event a line, with its hash-chain links and
 * its payload both as JSON (to read) and as the exact Avro bytes the hash covers (to verify).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { IntegrityError, PreconditionError, ValidationError } from '../../schemas/errors';
import type { RecordedEvent } from '../../schemas/envelope';
import { ChainVerifier, type StoredEvent } from '../../streams/log/hash-chain';
import type { Codec } from '../../schemas/codec';
import type { ReadOptions } from '../../streams/log/port';
import type { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';

/**
 * What export and import need of a store, in either mode: stored events with their exact bytes,
 * the head, and one atomic load of a verified history. Moving from embedded to distributed mode is
 * an export from one and an import into the other.
 */
export interface HistoryStore {
  codec: Codec;
  readStored(options: ReadOptions): Promise<StoredEvent[]>;
  head(): Promise<number>;
  /** Store these already-hashed events as they are, all or none. */
  loadAll(events: readonly StoredEvent[]): Promise<void>;
}

export function historyOf(log: SqliteEventLog | PgEventLog): HistoryStore {
  if (log instanceof SqliteEventLog) {
    return {
      codec: log.codec,
      readStored: async (o) => log.readStoredSync(o),
      head: async () => log.headSync(),
      loadAll: async (events) => {
        log.db.transaction(() => events.forEach((e) => log.insertStored(e))).immediate();
        log.notify();
      },
    };
  }
  return { codec: log.codec, readStored: (o) => log.readStored(o), head: () => log.head(), loadAll: (events) => log.insertStored(events) };
}

/** One line of an export: the stored event, its decoded payload for people and its exact Avro bytes for the hash. */
export interface ExportLine extends RecordedEvent {
  payloadAvro: string;
}

export interface ExportOptions {
  from?: number;
  stream?: string;
}

/** Writes the history line by line; returns how many events were written. */
export async function exportEvents(log: HistoryStore, write: (line: string) => void, opts: ExportOptions = {}): Promise<number> {
  let from = opts.from ?? 1;
  let n = 0;
  for (;;) {
    const page = await log.readStored({ from, stream: opts.stream, limit: 5000 });
    for (const s of page) {
      const { payloadBytes, ...env } = s;
      const line: ExportLine = { ...env, payload: log.codec.decode(s.type, s.schemaVersion, payloadBytes), payloadAvro: payloadBytes.toString('base64') };
      write(JSON.stringify(line) + '\n');
      n++;
    }
    if (page.length < 5000) return n;
    from = page[page.length - 1].position + 1;
  }
}

/**
 * Load an export into an EMPTY log. Every chain is verified before anything is committed;
 * a broken link is reported with its stream and position and nothing is imported.
 */
export async function importEvents(log: HistoryStore, file: string): Promise<{ imported: number; streams: number; headsDigest: string }> {
  if ((await log.head()) !== 0) throw new PreconditionError('the log is not empty; import loads a history into an empty log (a fresh TRUST_DATA_DIR, or an empty DATABASE_URL database)');
  const verifier = new ChainVerifier();
  const events: StoredEvent[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (!text.trim()) continue;
    let l: ExportLine;
    try {
      l = JSON.parse(text) as ExportLine;
    } catch {
      throw new ValidationError([{ field: `line ${lineNo}`, problem: 'is not valid JSON' }]);
    }
    if (typeof l.payloadAvro !== 'string' || typeof l.hash !== 'string') {
      throw new ValidationError([{ field: `line ${lineNo}`, problem: 'is not an exported event (payloadAvro and hash are required)' }]);
    }
    const { payload, payloadAvro, ...env } = l;
    const stored: StoredEvent = { ...env, payloadBytes: Buffer.from(payloadAvro, 'base64') };
    // The readable payload must say what the hashed bytes say.
    const decoded = log.codec.decode(l.type, l.schemaVersion, stored.payloadBytes);
    if (JSON.stringify(decoded) !== JSON.stringify(payload)) {
      throw new IntegrityError(l.stream, l.position, 'the JSON payload differs from the hashed Avro payload');
    }
    verifier.check(stored);
    if (verifier.breaks.length) {
      const b = verifier.breaks[0];
      throw new IntegrityError(b.stream, b.position, b.problem);
    }
    events.push(stored);
  }
  // A v1.1 Kafka journal numbered events by offset (transaction markers take offsets): the store's
  // positions are gap-free, so such a history is renumbered in its order. Hashes do not cover positions.
  events.forEach((e, i) => (e.position = i + 1));
  await log.loadAll(events);
  return { imported: events.length, streams: new Set(events.map((e) => e.stream)).size, headsDigest: verifier.headsDigest() };
}
