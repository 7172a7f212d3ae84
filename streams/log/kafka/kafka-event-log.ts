/**
 * The EventLog port on Apache Kafka (kafkajs).
 *
 * Writes: one transactional, idempotent producer (the log's single writer, fenced by its
 * transactional id) appends each event twice in one Kafka transaction: to the journal (one
 * partition, the global order: position = journal offset + 1) and to its catalog topic (key =
 * stream, Avro in the Confluent wire format) where consumer groups and third-party clients read it.
 * Both land or neither does. Concurrent appends are grouped into one transaction (group commit).
 *
 * Reads: a local SQLite mirror of the journal (the embedded adapter, in memory by default) rebuilt
 * from offset 0 on start and kept current by a tail consumer plus this writer's own commits.
 *
 * Stream versions, the hash chain, idempotency by id and expected versions are checked by the
 * writer against the mirror. That is sound because there is one writer: a second process using
 * the same writer id fences this one (its next commit fails and it re-syncs before writing again).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type IHeaders, type Message, type Producer, type ProducerConfig, type RecordMetadata } from 'kafkajs';
import { Observable } from 'rxjs';
import { catalog as sharedCatalog, type Catalog } from '../../../schemas/catalog';
import { codec as sharedCodec, type Codec } from '../../../schemas/codec';
import type { AppendResult, NewEvent, RecordedEvent } from '../../../schemas/envelope';
import { IdempotencyConflictError, PreconditionError, TransientError, TrustError, VersionConflictError } from '../../errors';
import { countAppended } from '../../metrics';
import { eventHash, storedEnvelope } from '../hash-chain';
import type { EventLog, ReadOptions, SubscribeOptions } from '../port';
import { INSERT_EVENT } from '../sqlite/ddl';
import { SqliteEventLog } from '../sqlite/sqlite-event-log';
import { ENVELOPE_HEADER, readEnvelope } from './headers';
import { JournalTail } from './journal-tail';
import { newDraft, recordChunks, type StoredEventDraft } from './records';
import { ensureTopics, internalTopics, topicConfigs, type InternalTopics } from './topics';
import { RegistryWire, decodeCatalogValue } from './wire';

export interface KafkaLogOptions {
  brokers: string[];
  /** Confluent-compatible registry (SCHEMA_REGISTRY_URL); without it catalog topics carry bare Avro. */
  registryUrl?: string;
  /** Prefix of the internal topics and consumer groups (default `trust.log`). */
  prefix?: string;
  /** Transactional id of the single writer (default `<prefix>.writer`). */
  writerId?: string;
  /** A reader never writes, so it never fences the writer (`trust replay` next to a running service). */
  readOnly?: boolean;
  /** SQLite file of the mirror (default in memory; rebuilt from the journal on start either way). */
  mirrorPath?: string;
  clientId?: string;
  codec?: Codec;
  catalog?: Catalog;
  now?: () => Date;
}

interface StreamHead {
  version: number;
  hash: string;
}

/** What the duplicate check reads of an event already on the log. */
interface StoredRow {
  position: number;
  type: string;
  stream: string;
  stream_version: number;
  tenant: string;
  payload: Buffer;
}

/**
 * What a processor commits together with its emitted events, in the same Kafka transaction: the
 * input offsets of its consumer group (sendOffsets) and its state changelog records.
 */
export interface TransactionEffects {
  consumerGroupId: string;
  offsets: { topic: string; partitions: { partition: number; offset: string }[] }[];
  messages: { topic: string; messages: Message[] }[];
}

type Op =
  | {
      kind: 'append';
      events: readonly NewEvent[];
      effects?: TransactionEffects;
      resolve: (r: AppendResult[]) => void;
      reject: (e: unknown) => void;
    }
  | { kind: 'checkpoint'; name: string; position: number; resolve: () => void; reject: (e: unknown) => void };

/** One append's share of a group commit. */
interface Planned {
  op: Extract<Op, { kind: 'append' }>;
  results: (AppendResult | { pending: StoredEventDraft; duplicate: boolean })[];
}

export class KafkaEventLog implements EventLog {
  readonly kind = 'kafka' as const;
  /** Prefix of the internal topics and groups (processors derive theirs from it). */
  readonly prefix: string;
  private producer: Producer | undefined;
  private broken = false;
  private queue: Op[] = [];
  private draining = false;
  private closed = false;
  private readonly wire: RegistryWire | undefined;
  private readonly streamHeadStmt;
  private readonly byIdStmt;
  private readonly byIdsStmt;
  private readonly insertStmt;

  private constructor(
    private readonly opts: KafkaLogOptions,
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly topics: InternalTopics,
    /** The local read model of the journal. */
    readonly mirror: SqliteEventLog,
    private readonly tail: JournalTail,
    readonly codec: Codec,
    readonly cat: Catalog,
  ) {
    this.prefix = opts.prefix ?? 'trust.log';
    this.wire = opts.registryUrl ? new RegistryWire(opts.registryUrl, cat, codec) : undefined;
    this.streamHeadStmt = mirror.db.prepare('SELECT stream_version AS version, hash FROM events WHERE stream = ? ORDER BY stream_version DESC LIMIT 1');
    this.byIdStmt = mirror.db.prepare('SELECT position, type, stream, stream_version, tenant, payload FROM events WHERE id = ?');
    // One probe of the id index per append rather than one native call per event (the hot path).
    this.byIdsStmt = mirror.db.prepare('SELECT id, position, type, stream, stream_version, tenant, payload FROM events WHERE id IN (SELECT value FROM json_each(?))');
    // The tail consumer may have copied a committed record before the writer gets to it: same row, skipped.
    this.insertStmt = mirror.db.prepare(`${INSERT_EVENT} ON CONFLICT (position) DO NOTHING`);
  }

  static async connect(opts: KafkaLogOptions): Promise<KafkaEventLog> {
    const prefix = opts.prefix ?? 'trust.log';
    const codec = opts.codec ?? sharedCodec();
    const cat = opts.catalog ?? sharedCatalog();
    const kafka = new Kafka({ clientId: opts.clientId ?? 'trust-fabric', brokers: opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 8 } });
    const admin = kafka.admin();
    const topics = internalTopics(prefix);
    const mirror = new SqliteEventLog({ path: opts.mirrorPath ?? ':memory:', sync: 'NORMAL', codec });
    try {
      await admin.connect();
      await ensureTopics(admin, topicConfigs(cat, topics));
      const tail = new JournalTail(kafka, admin, topics, mirror, prefix);
      const log = new KafkaEventLog(opts, kafka, admin, topics, mirror, tail, codec, cat);
      if (!opts.readOnly) await log.initWriter();
      await tail.start();
      await tail.catchUp();
      return log;
    } catch (e) {
      await admin.disconnect().catch(() => undefined);
      await mirror.close();
      throw transient('could not connect to Kafka', e);
    }
  }

  /** (Re)creates the transactional producer; initialising it fences any older writer with the same id. */
  private async initWriter(): Promise<void> {
    const prefix = this.opts.prefix ?? 'trust.log';
    const producer = this.kafka.producer(writerProducerConfig(this.opts.writerId ?? `${prefix}.writer`));
    await producer.connect();
    this.producer = producer;
    this.broken = false;
  }

  // ---- writes: group commit -------------------------------------------------------------------

  append(events: readonly NewEvent[]): Promise<AppendResult[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => this.enqueue({ kind: 'append', events, resolve, reject }));
  }

  /**
   * Appends and, in the same transaction, commits a consumer group's input offsets and extra
   * records (a processor's changelog): the exactly-once step of the Kafka processor runtime.
   */
  appendWithEffects(events: readonly NewEvent[], effects: TransactionEffects): Promise<AppendResult[]> {
    // (an empty event list still commits the offsets and records)
    return new Promise((resolve, reject) => this.enqueue({ kind: 'append', events, effects, resolve, reject }));
  }

  async setCheckpoint(name: string, position: number): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'checkpoint', name, position, resolve, reject }));
  }

  private enqueue(op: Op): void {
    if (this.closed) return op.reject(new PreconditionError('the Kafka event log is closed'));
    if (this.opts.readOnly) return op.reject(new PreconditionError('this Kafka event log was opened read-only'));
    this.queue.push(op);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, this.queue.length);
        await this.commitGroup(group);
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: Op[]): Promise<void> {
    if (this.broken) {
      try {
        await this.producer?.disconnect().catch(() => undefined);
        await this.initWriter();
        await this.tail.catchUp();
      } catch (e) {
        for (const op of group) op.reject(transient('the Kafka writer could not recover', e));
        return;
      }
    }
    const recordedAt = (this.opts.now?.() ?? new Date()).toISOString();
    const heads = new Map<string, StreamHead>();
    const ids = new Map<string, StoredEventDraft>();
    const planned: Planned[] = [];
    const checkpoints: Extract<Op, { kind: 'checkpoint' }>[] = [];
    for (const op of group) {
      if (op.kind === 'checkpoint') {
        checkpoints.push(op);
        continue;
      }
      // Plan against a copy of the group's overlay: a refused append leaves no trace in the group.
      const localHeads = new Map(heads);
      const localIds = new Map(ids);
      try {
        const results = this.plan(op.events, recordedAt, localHeads, localIds);
        for (const [k, v] of localHeads) heads.set(k, v);
        for (const [k, v] of localIds) ids.set(k, v);
        planned.push({ op, results });
      } catch (e) {
        op.reject(e);
      }
    }
    const drafts = planned.flatMap((p) => p.results.filter((r): r is { pending: StoredEventDraft; duplicate: boolean } => 'pending' in r).map((r) => r.pending));
    const unique = [...new Set(drafts)];
    const effects = planned.map((p) => p.op.effects).filter((e): e is TransactionEffects => e !== undefined);
    if (unique.length === 0 && checkpoints.length === 0 && effects.length === 0) {
      for (const p of planned) p.op.resolve(p.results.map((r) => r as AppendResult));
      return;
    }
    try {
      await this.sendTransaction(unique, checkpoints, effects);
    } catch (e) {
      this.broken = true;
      const err = transient('the append was not committed to Kafka; retry it', e);
      for (const p of planned) p.op.reject(err);
      for (const c of checkpoints) c.reject(err);
      return;
    }
    // Committed: the mirror learns the events now (the tail will see them again and skip them).
    this.mirror.db.transaction(() => {
      for (const d of unique) {
        this.insertStmt.run(
          d.position, d.id, d.type, d.stream, d.streamVersion, d.tenant, d.occurredAt, d.recordedAt, d.correlationId,
          d.causationId, d.schemaVersion, d.payloadBytes, d.prevHash, d.hash,
        );
      }
      for (const c of checkpoints) this.mirror.setCheckpointSync(c.name, c.position);
    })();
    countAppended(unique.map((d) => d.type));
    for (const p of planned) {
      p.op.resolve(
        p.results.map((r) => {
          if (!('pending' in r)) return r;
          const d = r.pending;
          return { id: d.id, position: d.position, stream: d.stream, streamVersion: d.streamVersion, duplicate: r.duplicate };
        }),
      );
    }
    for (const c of checkpoints) c.resolve();
    this.mirror.notify();
  }

  /** Validates one append and drafts its new events (positions come from the journal on commit). */
  private plan(events: readonly NewEvent[], recordedAt: string, heads: Map<string, StreamHead>, ids: Map<string, StoredEventDraft>): Planned['results'] {
    const results: Planned['results'] = [];
    const onLog = this.existing(events);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const id = e.id ?? randomUUID();
      const { schemaVersion, bytes } = this.codec.encode(e.type, e.payload, `events[${i}].payload`);
      const earlier = ids.get(id);
      if (earlier) {
        if (earlier.type !== e.type || earlier.stream !== e.stream || earlier.tenant !== e.tenant || !earlier.payloadBytes.equals(bytes)) {
          throw new IdempotencyConflictError(id);
        }
        results.push({ pending: earlier, duplicate: true });
        continue;
      }
      const existing = onLog.get(id);
      if (existing) {
        if (existing.type !== e.type || existing.stream !== e.stream || existing.tenant !== e.tenant || !existing.payload.equals(bytes)) {
          throw new IdempotencyConflictError(id);
        }
        results.push({ id, position: existing.position, stream: existing.stream, streamVersion: existing.stream_version, duplicate: true });
        continue;
      }
      const head = heads.get(e.stream) ?? this.streamHead(e.stream);
      if (e.expectedVersion !== undefined && e.expectedVersion !== head.version) {
        throw new VersionConflictError(e.stream, e.expectedVersion, head.version);
      }
      const fields = storedEnvelope(e, id, head.version + 1, recordedAt, schemaVersion);
      const hash = eventHash(head.hash, fields, bytes);
      const draft = newDraft(fields, head.hash, hash, bytes, this.codec.entry(e.type).topic);
      heads.set(e.stream, { version: fields.streamVersion, hash });
      ids.set(id, draft);
      results.push({ pending: draft, duplicate: false });
    }
    return results;
  }

  /** The events of this append whose ids are already on the log (retries), by id. */
  private existing(events: readonly NewEvent[]): Map<string, StoredRow> {
    const given = events.flatMap((e) => (e.id === undefined ? [] : [e.id]));
    if (given.length === 0) return new Map();
    return new Map((this.byIdsStmt.all(JSON.stringify(given)) as (StoredRow & { id: string })[]).map((r) => [r.id, r]));
  }

  private streamHead(stream: string): StreamHead {
    return (this.streamHeadStmt.get(stream) as StreamHead | undefined) ?? { version: 0, hash: '' };
  }

  /**
   * One Kafka transaction: the journal records (their offsets become the positions), the
   * catalog-topic records, a processor's changelog records, the checkpoints, its input offsets; commit.
   */
  private async sendTransaction(
    drafts: StoredEventDraft[],
    checkpoints: Extract<Op, { kind: 'checkpoint' }>[],
    effects: TransactionEffects[],
  ): Promise<void> {
    if (this.wire) await this.wire.prepare(drafts.map((d) => d.topic));
    const wire = this.wire;
    const catalogValue = wire ? (d: StoredEventDraft) => wire.encodeSync(d.topic, d.type, d.payloadBytes) : (d: StoredEventDraft) => d.payloadBytes;
    const chunks = recordChunks(drafts, this.topics.journal, catalogValue, this.prefix);
    const tx = await this.producer!.transaction();
    try {
      // One produce request per chunk, all in one transaction; the journal offsets become the positions.
      for (const [c, chunk] of chunks.entries()) {
        const topicMessages = [...chunk.topicMessages];
        if (c === chunks.length - 1) topicMessages.push(...this.sideMessages(checkpoints, effects));
        const meta = await tx.sendBatch({ topicMessages, acks: -1 });
        const base = Number(journalBase(meta, this.topics.journal));
        chunk.drafts.forEach((d, i) => (d.position = base + i + 1));
      }
      if (chunks.length === 0) {
        const side = this.sideMessages(checkpoints, effects);
        if (side.length) await tx.sendBatch({ topicMessages: side, acks: -1 });
      }
      for (const e of effects) {
        if (e.offsets.length) await tx.sendOffsets({ consumerGroupId: e.consumerGroupId, topics: e.offsets });
      }
      await tx.commit();
    } catch (e) {
      await tx.abort().catch(() => undefined);
      throw e;
    }
  }

  /** What commits with the events: processors' changelog records and checkpoint records. */
  private sideMessages(checkpoints: Extract<Op, { kind: 'checkpoint' }>[], effects: TransactionEffects[]): { topic: string; messages: Message[] }[] {
    const out = effects.flatMap((e) => e.messages).filter((m) => m.messages.length > 0);
    if (checkpoints.length) out.push({ topic: this.topics.checkpoints, messages: checkpoints.map((c) => ({ key: c.name, value: String(c.position) })) });
    return out;
  }

  // ---- reads: the mirror --------------------------------------------------------------------

  async read(options: ReadOptions = {}): Promise<RecordedEvent[]> {
    return this.mirror.readSync(options);
  }

  async readStream(stream: string, fromVersion = 1, limit = 1000): Promise<RecordedEvent[]> {
    return this.mirror.readStream(stream, fromVersion, limit);
  }

  async head(): Promise<number> {
    return this.mirror.headSync();
  }

  subscribe(from: number, options: SubscribeOptions = {}): Observable<RecordedEvent> {
    return this.mirror.subscribe(from, options);
  }

  async getCheckpoint(name: string): Promise<number> {
    return this.mirror.getCheckpointSync(name);
  }

  /**
   * Waits until the mirror holds everything visible to read-committed readers now (by any writer).
   * A writer's commit returns a moment before the broker writes its commit markers, so another
   * instance may need a second sync() to see an append that just returned.
   */
  async sync(): Promise<void> {
    await this.tail.catchUp();
  }

  /** Journal position of an event id as this instance's mirror knows it (0 if not yet seen). */
  positionOf(id: string): number {
    return (this.byIdStmt.get(id) as { position: number } | undefined)?.position ?? 0;
  }

  /** Decodes a catalog-topic record value (Confluent wire format, or bare Avro without a registry). */
  async decodeValue(type: string | undefined, schemaVersion: number | undefined, value: Buffer): Promise<{ type: string; payload: unknown }> {
    return decodeCatalogValue(this.wire, this.codec, type, schemaVersion, value);
  }

  /**
   * A catalog-topic record as a log event, as consumer groups see it: undefined when it carries no
   * envelope (a foreign record: the ingest bridge's business), another deployment wrote it, or its
   * type is not wanted; a
   * PreconditionError when its envelope or value cannot be read (the caller dead-letters it).
   */
  async eventOfRecord(m: { headers?: IHeaders; value: Buffer | null }, wanted: (type: string) => boolean): Promise<RecordedEvent | undefined> {
    let read: ReturnType<typeof readEnvelope>;
    try {
      read = readEnvelope(m.headers);
    } catch (e) {
      throw new PreconditionError(`the ${ENVELOPE_HEADER} header is not valid JSON: ${(e as Error).message}`);
    }
    // Another deployment's event on the shared catalog topic: not ours to process.
    if (!read || (read.log !== undefined && read.log !== this.prefix)) return undefined;
    const env = read.envelope;
    if (!m.value || !wanted(env.type)) return undefined;
    const { payload } = await this.decodeValue(env.type, env.schemaVersion, m.value);
    return { ...env, position: this.positionOf(env.id), payload };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let queued appends finish before the producer goes.
    while (this.draining) await new Promise((r) => setImmediate(r));
    await this.tail.stop();
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.mirror.close();
  }
}

/** The single writer's producer: transactional (fencing), idempotent, ordered. */
export function writerProducerConfig(transactionalId: string): ProducerConfig {
  return {
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 30_000,
    // Back-to-back transactions: the next AddPartitionsToTxn often meets CONCURRENT_TRANSACTIONS while
    // the broker still writes the last commit's markers. kafkajs would back off 300 ms (kafkajs#304;
    // the Java client uses 20 ms, KAFKA-5477), which capped group commits at a few per second.
    retry: { initialRetryTime: 5, maxRetryTime: 2000, retries: 15 },
  };
}

function journalBase(meta: RecordMetadata[], journal: string): string {
  const m = meta.find((r) => r.topicName === journal && r.partition === 0);
  if (!m || m.baseOffset === undefined) throw new TransientError('the broker did not report the journal offset of an append');
  return m.baseOffset;
}

function transient(message: string, e: unknown): TrustError {
  if (e instanceof TrustError) return e;
  return new TransientError(`${message}: ${e instanceof Error ? e.message : String(e)}`, e);
}
