/**
 * A processor whose state is partitioned by key, run as a Kafka consumer group on the catalog
 * topics of its inputs, with exactly-once effects in PostgreSQL: per fetched batch of one input
 * partition, the emitted events, the changed states and the partition's last store position commit
 * in one transaction. Instances sharing the group split the partitions, so one processor scales
 * out across instances.
 *
 * Fencing: before its first batch of a partition an instance takes an advisory lock named after
 * (processor, topic, partition) on its own session, and runs every batch's transaction on that
 * session; it gives the lock up when the group takes the partition away (the rebalance callback:
 * librdkafka calls it between batches, never during one). A zombie that lost the
 * partition but still holds the lock keeps the new owner waiting rather than committing beside it;
 * a zombie whose session died cannot commit at all.
 *
 * Duplicates: the relay publishes at least once, in store order, so a record at or below the
 * partition's committed position is a repeat (or a redelivery after a rebalance) and is skipped;
 * emitted ids are derived from the input, so even a repeated effect would be stored once.
 * States other partitions' inputs may touch are row-locked for the transaction.
 */
import pg from 'pg';
import { BehaviorSubject } from 'rxjs';
import type { NewEvent, RecordedEvent } from '../../../schemas/envelope';
import { isTransient } from '../../../schemas/errors';
import { groupConsumer, nextOffset, type Consumer, type EachBatchPayload, type Kafka } from '../../log/kafka/client';
import { readEnvelope } from '../../log/kafka/headers';
import type { PgEventLog } from '../../log/postgres/pg-event-log';
import { deadLetters } from '../../metrics';
import { recordDeadLetter } from '../effects';
import type { ProcessorDefinition } from '../processor';
import { backoffMs } from '../retry';
import { commitProcessorBatch } from './commit-batch';
import { lockKey } from './lease';

export interface GroupRunnerOptions {
  kafka: Kafka;
  /** The deployment: its group is `<prefix>.processor.<name>`; records of other deployments are left alone. */
  prefix: string;
  /** A catalog-topic value as its payload (the registry's wire format, or bare Avro). */
  decode: (type: string, schemaVersion: number, value: Buffer) => Promise<unknown>;
  maxAttempts?: number;
}

export class PgGroupRunner<S> {
  readonly name: string;
  readonly groupId: string;
  /** Inputs committed by this instance so far (tests, diagnostics). */
  readonly handled$ = new BehaviorSubject(0);
  lastError: unknown;
  private session: pg.Client | undefined;
  private consumer: Consumer | undefined;
  private readonly held = new Set<string>();
  private readonly inputs: Set<string>;

  constructor(
    private readonly log: PgEventLog,
    readonly def: ProcessorDefinition<S>,
    private readonly opts: GroupRunnerOptions,
  ) {
    this.name = `processor:${def.name}`;
    this.groupId = `${opts.prefix}.processor.${def.name}`;
    this.inputs = new Set(def.inputs);
  }

  inputTopics(): string[] {
    return [...new Set(this.def.inputs.map((t) => this.log.codec.entry(t).topic))].sort();
  }

  async start(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined); // a start that failed half-way is redone whole
    const consumer = groupConsumer(this.opts.kafka, {
      groupId: this.groupId,
      // An instance that died is out of the group (its partitions reassigned) after this long.
      sessionTimeoutMs: 10_000,
      onRebalance: (kind, partitions) => {
        if (kind === 'assign') this.lastError = undefined; // in the group again: a failure before it is over
        // Partitions taken away: give their locks up, so their new owner can start.
        else void this.release(partitions).catch(() => undefined);
      },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.inputTopics() });
    await consumer.run({ eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (let attempt = 0; isRunning() && !isStale() && batch.messages.length > 0; attempt++) {
      try {
        const session = await this.sessionFor(batch.topic, batch.partition, heartbeat, () => isRunning() && !isStale());
        if (!session) return;
        const handled = await this.commit(session, batch.topic, batch.partition, batch.messages);
        resolveOffset(batch.lastOffset());
        // The store holds the position that counts; Kafka's offset only saves re-reading.
        await this.consumer!.commitOffsets([nextOffset(batch.topic, batch.partition, batch.lastOffset())]).catch(() => undefined);
        this.lastError = undefined;
        this.handled$.next(this.handled$.value + handled);
        return;
      } catch (err) {
        if (!isTransient(err)) this.dropSession(); // the session may be broken: its locks go with it
        this.lastError = err;
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
        await heartbeat().catch(() => undefined);
      }
    }
  }

  /** This instance's session holding the partition's lock, once it has it (undefined: the partition went away meanwhile). */
  private async sessionFor(topic: string, partition: number, heartbeat: () => Promise<void>, stillOurs: () => boolean): Promise<pg.Client | undefined> {
    if (!this.session) {
      const s = new pg.Client({ connectionString: this.log.connectionString });
      s.on('error', () => this.dropSession());
      await s.connect();
      this.session = s;
      this.held.clear();
    }
    const name = this.lockName(topic, partition);
    for (let attempt = 0; !this.held.has(name); attempt++) {
      if (!stillOurs()) return undefined;
      const got = (await this.session.query('SELECT pg_try_advisory_lock($1::bigint) AS got', [lockKey(name)])).rows[0].got as boolean;
      if (got) this.held.add(name);
      else (await new Promise((r) => setTimeout(r, backoffMs(attempt, 50, 1000))), await heartbeat());
    }
    return this.session;
  }

  private async commit(session: pg.Client, topic: string, partition: number, messages: EachBatchPayload['batch']['messages']): Promise<number> {
    const res = await session.query('SELECT last_position FROM processor_partitions WHERE processor = $1 AND topic = $2 AND partition = $3', [this.def.name, topic, partition]);
    const done = res.rows.length ? Number(res.rows[0].last_position) : 0;
    const events: RecordedEvent[] = [];
    const unreadable: NewEvent[] = [];
    let last = done;
    for (const m of messages) {
      const read = safeEnvelope(m.headers);
      // Ours (this deployment, a relayed event past what this partition committed) and wanted.
      if (!read || read.log !== this.opts.prefix || read.position === undefined || read.position <= last || !m.value) continue;
      last = read.position;
      if (!this.inputs.has(read.envelope.type)) continue;
      try {
        events.push({ ...read.envelope, position: read.position, payload: await this.opts.decode(read.envelope.type, read.envelope.schemaVersion, m.value) });
      } catch (err) {
        if (isTransient(err)) throw err; // the registry is away: the batch waits for it
        // A value its schema cannot read would stall the partition for good: dead-lettered instead.
        deadLetters.inc({ processor: this.def.name });
        unreadable.push(recordDeadLetter(this.def.name, `${topic}/${partition}/${m.offset}`, err, read.envelope.id));
      }
    }
    if (last === done) return 0;
    const opts = { maxAttempts: this.opts.maxAttempts, lockStates: true, alsoAppend: unreadable };
    await commitProcessorBatch(this.log, session, this.def, events, opts, (s) =>
      s
        .query(
          `INSERT INTO processor_partitions (processor, topic, partition, last_position) VALUES ($1, $2, $3, $4)
           ON CONFLICT (processor, topic, partition) DO UPDATE SET last_position = excluded.last_position`,
          [this.def.name, topic, partition, last],
        )
        .then(() => undefined),
    );
    return events.length;
  }

  private lockName(topic: string, partition: number): string {
    return `group:${this.opts.prefix}:${this.def.name}:${topic}:${partition}`;
  }

  private async release(partitions: { topic: string; partition: number }[]): Promise<void> {
    // Forgotten at once (a batch of a partition assigned again takes its lock anew: advisory locks
    // count, so a lock taken before an unlock below runs is still held after it), unlocked in order.
    const names = partitions.map((p) => this.lockName(p.topic, p.partition)).filter((n) => this.held.delete(n));
    const session = this.session;
    for (const name of names) await session?.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(name)]);
  }

  private dropSession(): void {
    const s = this.session;
    this.session = undefined;
    this.held.clear();
    s?.end().catch(() => undefined);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.dropSession();
  }
}

/** The envelope of a record, or undefined when it has none or it cannot be read (not this runner's to dead-letter: the bridge does). */
function safeEnvelope(headers: Parameters<typeof readEnvelope>[0]): ReturnType<typeof readEnvelope> {
  try {
    return readEnvelope(headers);
  } catch {
    return undefined;
  }
}
