/**
 * The relay's reader thread (see relay-reader.ts): answers each request with the round's records
 * packed into two transferred buffers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { catalog } from '../../schemas/catalog';
import { isTransient } from '../../schemas/errors';
import { PgEventLog } from '../log/postgres/pg-event-log';
import { packRound } from './round-packing';
import { inThreadReader, type ReaderReply, type ReaderRequest, type ReaderWorkerData } from './relay-reader';

const data = workerData as ReaderWorkerData;
const port = parentPort!;
// Opened on the first request, and again after a failure to open (the server may be away at start).
let reader: ReturnType<typeof inThreadReader> | undefined;
let opening: Promise<ReturnType<typeof inThreadReader>> | undefined;

function open(): Promise<ReturnType<typeof inThreadReader>> {
  if (reader) return Promise.resolve(reader);
  opening ??= PgEventLog.open({ connectionString: data.connectionString, readOnly: true, poolSize: 1 }).then(
    (log) => (reader = inThreadReader({ log, cat: catalog(), registryUrl: data.registryUrl, prefix: data.prefix })),
    (e: unknown) => {
      opening = undefined;
      throw e;
    },
  );
  return opening;
}

// One request at a time, in order: the relay asks for the next round only after the one before.
let queue = Promise.resolve();
port.on('message', (req: ReaderRequest) => {
  queue = queue.then(async () => {
    let reply: ReaderReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const round = await (await open()).read(req.from, req.limit);
      if (!round) reply = { id: req.id, ok: true, empty: true };
      else {
        const p = packRound(round.records);
        const lengths = p.lengths.buffer as ArrayBuffer;
        const bytes = p.data.buffer as ArrayBuffer;
        transfer.push(lengths, bytes);
        reply = { id: req.id, ok: true, empty: false, last: round.last, count: round.count, topics: p.topics, counts: p.counts, lengths, data: bytes };
      }
    } catch (e) {
      reply = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e), transient: isTransient(e) };
    }
    port.postMessage(reply, transfer);
  });
});
