/**
 * The relay: publishes every event of the PostgreSQL store, once, in position order, to its
 * catalog topic (key = stream, the payload in the Confluent wire format through the registry, the
 * envelope header), for the processors, the provers and third-party consumers on Kafka.
 *
 * One relay runs per deployment (a lease, streams/runtime/postgres/lease.ts): it writes its
 * checkpoint over the lease's own connection, so a relay that lost the lease cannot move it.
 * Guarantee: at least once, nothing lost. The checkpoint moves only past events Kafka acknowledged
 * (acks = all); a relay that crashes between the acknowledgment and its checkpoint sends that batch
 * again after the restart, and consumers dedupe by event id (every record carries it in its
 * envelope header), so such a duplicate is harmless.
 *
 * Each round's events (batchSize, default 2000) go out in one produce call (librdkafka batches them
 * per partition into as few requests as the size limits allow), whose promise resolves only when
 * every record has the broker's acknowledgment; the next round is read and sent meanwhile, and the
 * checkpoint moves round by round, in order, past what is acknowledged (IN_FLIGHT below). The
 * producer is idempotent, so librdkafka keeps each partition's order with several requests in
 * flight and never writes a retried batch twice. A round that fails (a broker away longer than the
 * producer's message timeout, a fatal producer error) waits for every record in flight to settle,
 * drops the producer, and everything from the unchanged checkpoint is sent again by a new one.
 */
import type pg from 'pg';
import type { Catalog } from '../../schemas/catalog';
import { processedEvents } from '../metrics';
import { kafkaClient, relayProducer, type Kafka, type LogLevelName, type Producer } from '../log/kafka/client';
import { ensureTopics, topicConfigs } from '../log/kafka/topics';
import type { PgEventLog } from '../log/postgres/pg-event-log';
import { LeasedLoop } from '../runtime/postgres/leased-loop';
import { roundReader, type PreparedRound } from './relay-reader';

export interface RelayOptions {
  brokers: string[];
  registryUrl?: string;
  /** The deployment (topic prefix): names the lease and the checkpoint, and is stamped in every header. */
  prefix: string;
  /** Events read and sent per round (default 2000). */
  batchSize?: number;
  /** Rounds sent before the oldest must be acknowledged (default IN_FLIGHT). */
  inFlight?: number;
  logLevel?: LogLevelName;
}

export const relayCheckpoint = (prefix: string) => `relay:${prefix}`;

/**
 * Rounds sent before the oldest must be acknowledged. Two: the next round is read, encoded and
 * handed to the client while the broker acknowledges the last one. Safe for the consumers, which
 * skip what is at or below the position they committed per partition: the producer is idempotent
 * (a partition's records land in order, a retry never twice) and has the gapless guarantee (a
 * failed batch followed by a later one landing would be a fatal error, not a hole), and after any
 * failure everything from the checkpoint on is sent again, in order, by a new producer.
 */
const IN_FLIGHT = 2;
/** Rounds per call of the leased loop (it looks at its lease and at stop() between calls). */
const ROUNDS_PER_CALL = 10;

export class KafkaRelay extends LeasedLoop {
  private kafka: Kafka | undefined;
  /** The next round, read and encoded while the current one was being acknowledged. */
  private ahead: { from: number; round: Promise<PreparedRound | undefined> } | undefined;
  private producer: Producer | undefined;
  private readonly readRound: ReturnType<typeof roundReader>;

  constructor(
    private readonly log: PgEventLog,
    private readonly cat: Catalog,
    private readonly opts: RelayOptions,
  ) {
    super(relayCheckpoint(opts.prefix), log.connectionString, log.changes$, { idleMs: 1000 });
    this.readRound = roundReader({ log, cat, registryUrl: opts.registryUrl, prefix: opts.prefix });
  }

  /** Create the catalog topics that are missing, connect the producer, start relaying (or standing by). */
  async connect(): Promise<void> {
    const kafka = (this.kafka ??= kafkaClient({ brokers: this.opts.brokers, clientId: `${this.opts.prefix}.relay`, logLevel: this.opts.logLevel }));
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topicConfigs(this.cat));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await this.dropProducer(); // a connect that failed half-way is redone whole
    await this.producerReady();
    this.start();
  }

  private async producerReady(): Promise<Producer> {
    if (!this.producer) {
      const p = relayProducer(this.kafka!);
      await p.connect();
      this.producer = p;
    }
    return this.producer;
  }

  /** Close the producer, giving what it still queues a few seconds (a failed round has let its own records settle first). */
  private async dropProducer(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (!p) return;
    await p.flush({ timeout: 5_000 }).catch(() => undefined);
    await p.disconnect().catch(() => undefined);
  }

  protected async round(session: pg.Client): Promise<number> {
    const res = await session.query('SELECT position FROM checkpoints WHERE name = $1', [this.name]);
    const from = (res.rows.length ? Number(res.rows[0].position) : 0) + 1;
    this.resumeFrom(from - 1);
    // The round read ahead by the last call, if it starts here; else read now.
    let prepared = this.ahead?.from === from ? this.ahead.round : undefined;
    this.ahead = undefined;
    prepared ??= this.prepare(from);
    // Awaited below; until then (a producer being made) its failure must not count as unhandled.
    prepared.catch(() => undefined);
    const producer = await this.producerReady();
    const inFlight: { sent: Promise<unknown>; last: number; count: number }[] = [];
    let next = from;
    let done = 0;
    // Acknowledged in order: the checkpoint moves past a round only once it and every round before it are on Kafka.
    // Its write is not waited for here (the next round goes out meanwhile): each write is chained after
    // the one before (one query at a time on the lease's connection), so the checkpoint only moves
    // forward, and the call waits for the last write before it returns.
    let checkpoint: Promise<void> = Promise.resolve();
    const settleOldest = async () => {
      const r = inFlight.shift()!;
      await r.sent;
      checkpoint = checkpoint
        .then(() => session.query('INSERT INTO checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position', [this.name, r.last]))
        .then(() => {
          processedEvents.inc({ processor: this.name }, r.count);
          this.progress$.next(r.last);
        });
      checkpoint.catch(() => undefined); // awaited below
      done += r.count;
    };
    try {
      for (let i = 0; i < ROUNDS_PER_CALL; i++) {
        const round = await prepared;
        if (!round) break;
        const sent = producer.sendBatch({ topicMessages: round.records });
        sent.catch(() => undefined); // awaited below, in order
        inFlight.push({ sent, last: round.last, count: round.count });
        // While Kafka takes this round, read and encode the next one ...
        next = round.last + 1;
        prepared = this.prepare(next).catch(() => undefined);
        // ... and keep at most `inFlight` rounds unacknowledged.
        if (inFlight.length >= (this.opts.inFlight ?? IN_FLIGHT)) await settleOldest();
      }
      while (inFlight.length) await settleOldest();
      await checkpoint;
    } catch (e) {
      // Let every record of this call settle, then send from the checkpoint again with a new producer.
      await Promise.allSettled([...inFlight.map((r) => r.sent), checkpoint]);
      await this.dropProducer();
      throw e;
    }
    if (done > 0) this.ahead = { from: next, round: prepared };
    return done;
  }

  /** The records of the events from `from` on (one round's worth), or undefined when there are none yet. */
  private prepare(from: number): Promise<PreparedRound | undefined> {
    return this.readRound(from, this.opts.batchSize ?? 2000);
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.dropProducer();
  }
}
