/**
 * Keeps the local SQLite mirror equal to the journal and checkpoint topics: a consumer (its own
 * throw-away group, no committed offsets: the mirror is rebuilt from offset 0 on every start)
 * copies each committed record into the mirror. `catchUp()` waits until everything committed
 * before the call is in the mirror (read-committed end offsets, polled, never a fixed sleep).
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { TransientError } from '../../errors';
import type { SqliteEventLog } from '../sqlite/sqlite-event-log';
import { storedFromRecord } from './headers';
import type { InternalTopics } from './topics';

export class JournalTail {
  private consumer: Consumer | undefined;
  /** Last offset (inclusive) the mirror has consumed, per topic (single-partition topics). */
  private readonly consumedThrough = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private readonly hasRow;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly topics: InternalTopics,
    private readonly mirror: SqliteEventLog,
    private readonly groupPrefix: string,
  ) {
    this.hasRow = mirror.db.prepare('SELECT 1 FROM events WHERE position = ?').pluck();
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `${this.groupPrefix}.mirror.${randomUUID()}`, maxWaitTimeInMs: 100, retry: { retries: 10 } });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      this.consumedThrough.set(e.payload.topic, Number(e.payload.lastOffset));
      for (const w of [...this.waiters]) w();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topics.journal, this.topics.checkpoints], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.topic === this.topics.journal) this.copyEvents(batch.messages);
        else this.copyCheckpoints(batch.messages);
      },
    });
  }

  private copyEvents(messages: { offset: string; value: Buffer | null; headers?: import('kafkajs').IHeaders }[]): void {
    let added = 0;
    this.mirror.db.transaction(() => {
      for (const m of messages) {
        const position = Number(m.offset) + 1;
        if (!m.value || this.hasRow.get(position)) continue;
        const stored = storedFromRecord(m.headers, m.value, position);
        if (stored) (this.mirror.insertStored(stored), added++);
      }
    })();
    if (added) this.mirror.notify();
  }

  private copyCheckpoints(messages: { key: Buffer | null; value: Buffer | null; headers?: import('kafkajs').IHeaders }[]): void {
    for (const m of messages) {
      if (!m.key || !m.value) continue;
      this.mirror.setCheckpointSync(m.key.toString(), Number(m.value.toString()));
    }
  }

  /** Resolves once the mirror holds everything committed to the internal topics before this call. */
  async catchUp(timeoutMs = 30_000): Promise<void> {
    const targets = await Promise.all(
      [this.topics.journal, this.topics.checkpoints].map(async (topic) => {
        const [p] = await this.admin.fetchTopicOffsets(topic);
        return { topic, end: Number(p.offset), low: Number(p.low) };
      }),
    );
    const done = () => targets.every((t) => t.end <= t.low || (this.consumedThrough.get(t.topic) ?? -1) >= t.end - 1);
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new TransientError(`the journal mirror did not catch up within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
