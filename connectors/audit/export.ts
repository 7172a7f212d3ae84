/**
 * The auditor's portable history: JSON Lines, one event a line, with its hash-chain links and
 * its payload both as JSON (to read) and as the exact Avro bytes the hash covers (to verify).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { IntegrityError, PreconditionError, ValidationError } from '../../streams/errors';
import type { RecordedEvent } from '../../schemas/envelope';
import { ChainVerifier, type StoredEvent } from '../../streams/log/hash-chain';
import type { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';

/** One line of an export: the stored event, its decoded payload for people and its exact Avro bytes for the hash. */
export interface ExportLine extends RecordedEvent {
  payloadAvro: string;
}

export interface ExportOptions {
  from?: number;
  stream?: string;
}

/** Writes the history line by line; returns how many events were written. */
export function exportEvents(log: SqliteEventLog, write: (line: string) => void, opts: ExportOptions = {}): number {
  let from = opts.from ?? 1;
  let n = 0;
  for (;;) {
    const page = log.readStoredSync({ from, stream: opts.stream, limit: 5000 });
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
export async function importEvents(log: SqliteEventLog, file: string): Promise<{ imported: number; streams: number; headsDigest: string }> {
  if (log.headSync() !== 0) throw new PreconditionError('the log is not empty; import loads a history into an empty log (use a fresh TRUST_DATA_DIR)');
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
  log.db.transaction(() => events.forEach((e) => log.insertStored(e))).immediate();
  log.notify();
  return { imported: events.length, streams: new Set(events.map((e) => e.stream)).size, headsDigest: verifier.headsDigest() };
}
