/**
 * Runs a processor on Kafka as a consumer group with exactly-once effects. For each fetched batch
 * of an input partition: the pure handler runs over the batch, then ONE Kafka transaction (through
 * the log's writer) appends the emitted events, writes the changed states to the processor's
 * compacted changelog topic and commits the input offsets (sendOffsets). A crash or rebalance
 * before the commit aborts all three; the batch is redone from the committed offsets, and derived
 * event ids make a redo idempotent on the log as a second line of defence.
 *
 * State lives in memory per key and is restored from the changelog (read to its end) whenever the
 * group (re)assigns partitions, so an instance taking over a partition resumes where the last
 * owner committed.
 */
import type { Consumer, KafkaMessage } from 'kafkajs';
import { Subject } from 'rxjs';
import type { NewEvent, RecordedEvent } from '../../../schemas/envelope';
import { isTransient } from '../../errors';
import type { KafkaEventLog } from '../../log/kafka/kafka-event-log';
import { ensureTopics } from '../../log/kafka/topics';
import { deadLetters, processedEvents } from '../../metrics';
import type { ProcessorDefinition } from '../processor';
import { recordDeadLetter } from '../effects';
import { processorStep } from '../step';
import { readTopicToEnd } from './read-to-end';

export interface KafkaProcessorOptions {
  /** Attempts for a handler failing with a transient error before the event is dead-lettered. */
  maxAttempts?: number;
  /** Consumer group (default `<log prefix>.processor.<name>`): instances sharing it split the partitions. */
  groupId?: string;
}

export class KafkaProcessorRunner<S> {
  readonly groupId: string;
  readonly changelogTopic: string;
  /** Emits the input events of each committed batch (after its transaction committed). */
  readonly committed$ = new Subject<RecordedEvent[]>();
  /** Set when the consumer crashed (kafkajs restarts it when the error is retriable); cleared by the next committed batch. */
  lastError: unknown;
  private consumer: Consumer | undefined;
  private readonly states = new Map<string, S>();
  private restoring: Promise<void> = Promise.resolve();
  private readonly keyOf: (e: RecordedEvent) => string;
  private readonly inputs: Set<string>;
  private readonly maxAttempts: number;

  constructor(
    private readonly log: KafkaEventLog,
    readonly def: ProcessorDefinition<S>,
    opts: KafkaProcessorOptions = {},
  ) {
    this.groupId = opts.groupId ?? `${log.prefix}.processor.${def.name}`;
    this.changelogTopic = `${log.prefix}.state.${def.name}`;
    this.keyOf = def.keyOf ?? (() => '*');
    this.inputs = new Set(def.inputs);
    this.maxAttempts = opts.maxAttempts ?? 3;
  }

  get name(): string {
    return this.def.name;
  }

  inputTopics(): string[] {
    return [...new Set(this.def.inputs.map((t) => this.log.codec.entry(t).topic))].sort();
  }

  async start(): Promise<void> {
    await ensureTopics(this.log.admin, [
      { topic: this.changelogTopic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ]);
    const consumer = this.log.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 200, sessionTimeout: 10_000, rebalanceTimeout: 20_000, heartbeatInterval: 1000 });
    this.consumer = consumer;
    // A (re)assignment may hand us keys another instance advanced: reload states before the first batch.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.restoring = this.restore();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.lastError = e.payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.inputTopics(), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        await this.restoring;
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const handled = await this.processBatch(batch.topic, batch.partition, batch.messages);
        // Committed: report it before the heartbeat, which throws when a rebalance has begun.
        resolveOffset(batch.lastOffset());
        this.lastError = undefined;
        if (handled.length > 0) processedEvents.inc({ processor: this.def.name }, handled.length);
        this.committed$.next(handled);
        await heartbeat();
      },
    });
  }

  /** State of a key as this instance last committed or restored it (tests, diagnostics). */
  stateOf(key = '*'): S {
    return this.states.get(key) ?? this.def.initialState();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private async restore(): Promise<void> {
    // The log mirror too: another instance may have appended to streams this one now owns.
    await this.log.sync();
    const restored = new Map<string, S>();
    await readTopicToEnd(this.log.kafka, this.log.admin, this.changelogTopic, (m) => {
      if (!m.key) return;
      if (m.value === null) restored.delete(m.key.toString());
      else restored.set(m.key.toString(), JSON.parse(m.value.toString()) as S);
    });
    this.states.clear();
    for (const [k, v] of restored) this.states.set(k, v);
  }

  private async processBatch(topic: string, partition: number, messages: KafkaMessage[]): Promise<RecordedEvent[]> {
    const overlay = new Map<string, S>();
    const emitted: NewEvent[] = [];
    const handled: RecordedEvent[] = [];
    for (const m of messages) {
      let e: RecordedEvent | undefined;
      try {
        e = await this.log.eventOfRecord(m, (type) => this.inputs.has(type));
      } catch (err) {
        if (isTransient(err)) throw err; // e.g. the registry is down: the batch is redone later
        // A record claiming to be a log event that cannot be read (a damaged or forged envelope, a
        // value its schema cannot decode) is dead-lettered: retrying it would stall the partition.
        deadLetters.inc({ processor: this.def.name });
        emitted.push(recordDeadLetter(this.def.name, `${topic}/${partition}/${m.offset}`, err));
        continue;
      }
      if (!e) continue;
      handled.push(e);
      const key = this.keyOf(e);
      const state = overlay.has(key) ? overlay.get(key)! : this.stateOf(key);
      const next = this.handleOne(state, e, emitted);
      overlay.set(key, next);
    }
    const nextOffset = String(Number(messages[messages.length - 1].offset) + 1);
    await this.log.appendWithEffects(emitted, {
      consumerGroupId: this.groupId,
      offsets: [{ topic, partitions: [{ partition, offset: nextOffset }] }],
      messages: [{ topic: this.changelogTopic, messages: [...overlay].map(([key, s]) => ({ key, value: JSON.stringify(s) })) }],
    });
    // Committed: only now does the in-memory state move (a failed commit leaves it as it was).
    for (const [k, v] of overlay) this.states.set(k, v);
    return handled;
  }

  private handleOne(state: S, e: RecordedEvent, out: NewEvent[]): S {
    const step = processorStep(this.def, this.log.codec, state, e, this.maxAttempts);
    out.push(...step.append);
    return step.state;
  }
}
