/**
 * Where the relay's rounds come from: the stored events from a position on, as the records of one
 * produce call (catalog topic, key = stream, the value in the registry's wire format, the envelope
 * header). Reading and encoding a round costs about as much main-thread time as producing it, so by
 * default a worker thread does it (relay-reader-worker.ts) while the relay's thread produces the
 * round before: the two overlap on two cores instead of taking turns on one.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Catalog } from '../../schemas/catalog';
import { TransientError } from '../../schemas/errors';
import type { Message } from '../log/kafka/client';
import type { StoredEvent } from '../log/hash-chain';
import { recordsOf } from '../log/kafka/records';
import { RegistryWire } from '../log/kafka/wire';
import type { PgEventLog } from '../log/postgres/pg-event-log';
import { unpackRound, type PackedRound } from './round-packing';

export interface PreparedRound {
  records: { topic: string; messages: Message[] }[];
  /** Position of its last event: the checkpoint once Kafka acknowledged it. */
  last: number;
  count: number;
}

export interface RelayReader {
  /** The records of the events from `from` on (at most `limit`), or undefined when there are none yet. */
  read(from: number, limit: number): Promise<PreparedRound | undefined>;
  close(): Promise<void>;
}

export interface ReaderSource {
  log: PgEventLog;
  cat: Catalog;
  registryUrl?: string;
  /** The deployment (topic prefix), stamped in every envelope header. */
  prefix: string;
}

/** Reads and encodes on the calling thread. */
export function inThreadReader(src: ReaderSource): RelayReader {
  const wire = src.registryUrl ? new RegistryWire(src.registryUrl, src.cat, src.log.codec) : undefined;
  const topicOf = (e: StoredEvent) => src.cat.entries.get(e.type)!.topic;
  const value = wire ? (e: StoredEvent, topic: string) => wire.encodeSync(topic, e.type, e.payloadBytes) : (e: StoredEvent) => e.payloadBytes;
  return {
    async read(from, limit) {
      const events = await src.log.readStored({ from, limit });
      if (events.length === 0) return undefined;
      if (wire) await wire.prepare(events.map(topicOf));
      return { records: recordsOf(events, topicOf, value, src.prefix), last: events[events.length - 1].position, count: events.length };
    },
    close: async () => undefined,
  };
}

/** What the worker is given at start (workerData). */
export interface ReaderWorkerData {
  connectionString: string;
  registryUrl?: string;
  prefix: string;
}
export type ReaderRequest = { id: number; from: number; limit: number };
export type ReaderReply =
  | { id: number; ok: true; empty: true }
  | { id: number; ok: true; empty: false; last: number; count: number; topics: string[]; counts: number[]; lengths: ArrayBuffer; data: ArrayBuffer }
  | { id: number; ok: false; message: string; transient: boolean };

function workerEntry(): { file: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) return { file: join(__dirname, 'relay-reader-worker.ts'), execArgv: ['-r', join(__dirname, '../../test/support/swc-register.js')] };
  return { file: join(__dirname, 'relay-reader-worker.js'), execArgv: [] };
}

/**
 * Reads and encodes on a worker thread with its own read-only connection, the catalog and codec
 * of this build (the relay's). A failure comes back as the error it was: transient ones (a server
 * away) as TransientError, so the relay waits and sends from its checkpoint again.
 */
export class ThreadReader implements RelayReader {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: PreparedRound | undefined) => void; reject: (e: unknown) => void }>();
  private nextId = 1;
  private failed: Error | undefined;

  constructor(src: Omit<ReaderSource, 'log' | 'cat'> & { connectionString: string }) {
    const entry = workerEntry();
    const workerData: ReaderWorkerData = { connectionString: src.connectionString, registryUrl: src.registryUrl, prefix: src.prefix };
    this.worker = new Worker(entry.file, { workerData, execArgv: entry.execArgv });
    this.worker.unref(); // never what keeps a process alive
    this.worker.on('message', (r: ReaderReply) => this.settle(r));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the relay's reader thread exited (${code})`)));
  }

  read(from: number, limit: number): Promise<PreparedRound | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, from, limit } satisfies ReaderRequest);
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('the relay reader is closed');
    await this.worker.terminate();
  }

  private settle(r: ReaderReply): void {
    const w = this.waiting.get(r.id);
    if (!w) return;
    this.waiting.delete(r.id);
    if (!r.ok) return w.reject(r.transient ? new TransientError(r.message) : new Error(r.message));
    if (r.empty) return w.resolve(undefined);
    const packed: PackedRound = { topics: r.topics, counts: r.counts, lengths: new Uint32Array(r.lengths), data: Buffer.from(r.data) };
    w.resolve({ records: unpackRound(packed), last: r.last, count: r.count });
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const w of this.waiting.values()) w.reject(this.failed);
    this.waiting.clear();
  }
}
