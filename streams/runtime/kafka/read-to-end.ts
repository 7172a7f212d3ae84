/**
 * Reads a topic from the beginning up to its current (read-committed) end, then stops: how a
 * processor restores its state from its changelog. No fixed waits: done when every partition's
 * consumed offset reaches the end offset taken at the start.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

export async function readTopicToEnd(kafka: Kafka, admin: Admin, topic: string, onMessage: (m: KafkaMessage) => void, timeoutMs = 30_000): Promise<void> {
  const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.offset) > Number(p.low));
  if (ends.length === 0) return;
  const remaining = new Map(ends.map((p) => [p.partition, Number(p.offset) - 1]));
  const consumer = kafka.consumer({ groupId: `restore.${topic}.${randomUUID()}`, maxWaitTimeInMs: 100 });
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const last = remaining.get(e.payload.partition);
    if (last !== undefined && Number(e.payload.lastOffset) >= last) remaining.delete(e.payload.partition);
    if (remaining.size === 0) finish();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => batch.messages.forEach(onMessage) });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`restoring ${topic} timed out`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
