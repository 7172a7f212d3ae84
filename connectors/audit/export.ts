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
  /**
   * Store already-hashed events as they are, all or none: `fill` hands them over chunk by chunk
   * within one transaction, and if it throws nothing is stored.
   */
  loadAll(fill: (insert: (events: readonly StoredEvent[]) => Promise<void>) => Promise<void>): Promise<void>;
}

export function historyOf(log: SqliteEventLog | PgEventLog): HistoryStore {
  if (log instanceof SqliteEventLog) {
    return {
      codec: log.codec,
      readStored: async (o) => log.readStoredSync(o),
      head: async () => log.headSync(),
      loadAll: async (fill) => {
        // Opened by hand: the chunks arrive asynchronously (read from a file), which a better-sqlite3
        // transaction function cannot await. Nothing else uses this connection meanwhile.
        log.db.exec('BEGIN IMMEDIATE');
        try {
          await fill(async (events) => events.forEach((e) => log.insertStored(e)));
          log.db.exec('COMMIT');
        } catch (err) {
          if (log.db.inTransaction) log.db.exec('ROLLBACK');
          throw err;
        }
        log.notify();
      },
    };
  }
  return { codec: log.codec, readStored: (o) => log.readStored(o), head: () => log.head(), loadAll: (fill) => log.insertStored(fill) };
}

/** One line of an export: the stored event, its decoded payload for people and its exact Avro bytes for the hash. */
export interface ExportLine extends RecordedEvent {
  payloadAvro: string;
}

export interface ExportOptions {
  from?: number;
  stream?: string;
}

/** Events read, written and imported per chunk: memory stays flat whatever the history's length. */
const CHUNK = 5000;

/**
 * Writes the history a page of lines at a time; returns how many events were written. `write` may
 * return a promise (a stream's drain): the next page is read only once it resolves.
 */
export async function exportEvents(log: HistoryStore, write: (lines: string) => void | Promise<void>, opts: ExportOptions = {}): Promise<number> {
  let from = opts.from ?? 1;
  let n = 0;
  for (;;) {
    const page = await log.readStored({ from, stream: opts.stream, limit: CHUNK });
    const lines = page.map((s) => {
      const { payloadBytes, ...env } = s;
      const line: ExportLine = { ...env, payload: log.codec.decode(s.type, s.schemaVersion, payloadBytes), payloadAvro: payloadBytes.toString('base64') };
      return JSON.stringify(line) + '\n';
    });
    if (lines.length) await write(lines.join(''));
    n += page.length;
    if (page.length < CHUNK) return n;
    from = page[page.length - 1].position + 1;
  }
}

/**
 * Load an export into an EMPTY log, streaming: each line is checked (JSON, the payload against its
 * hashed bytes, its chain link) and stored in chunks within one transaction, committed only once
 * the whole file has verified; a broken link is reported with its stream and position and the
 * transaction is rolled back, so nothing is imported. Memory holds one chunk and one chain head
 * per stream, whatever the history's length.
 */
export async function importEvents(log: HistoryStore, file: string): Promise<{ imported: number; streams: number; headsDigest: string }> {
  if ((await log.head()) !== 0) throw new PreconditionError('the log is not empty; import loads a history into an empty log (a fresh TRUST_DATA_DIR, or an empty DATABASE_URL database)');
  const verifier = new ChainVerifier();
  const streams = new Set<string>();
  let imported = 0;
  await log.loadAll(async (insert) => {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let chunk: StoredEvent[] = [];
    let lineNo = 0;
    for await (const text of lines) {
      lineNo++;
      if (!text.trim()) continue;
      const stored = verifiedLine(log.codec, verifier, text, lineNo);
      // A v1.1 Kafka journal numbered events by offset (transaction markers take offsets): the store's
      // positions are gap-free, so such a history is renumbered in its order. Hashes do not cover positions.
      stored.position = ++imported;
      streams.add(stored.stream);
      chunk.push(stored);
      if (chunk.length === CHUNK) {
        await insert(chunk);
        chunk = [];
      }
    }
    await insert(chunk);
  });
  return { imported, streams: streams.size, headsDigest: verifier.headsDigest() };
}

/** One line of an export as the stored event it describes, once it has checked out; else the error naming the line or the break. */
function verifiedLine(codec: Codec, verifier: ChainVerifier, text: string, lineNo: number): StoredEvent {
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
  const decoded = codec.decode(l.type, l.schemaVersion, stored.payloadBytes);
  if (JSON.stringify(decoded) !== JSON.stringify(payload)) {
    throw new IntegrityError(l.stream, l.position, 'the JSON payload differs from the hashed Avro payload');
  }
  verifier.check(stored);
  if (verifier.breaks.length) {
    const b = verifier.breaks[0];
    throw new IntegrityError(b.stream, b.position, b.problem);
  }
  return stored;
}
