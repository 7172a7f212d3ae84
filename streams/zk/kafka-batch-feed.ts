/**
 * On Kafka, the provers of all instances share the planned batches as one consumer group
 * (`<prefix>.zk-provers`) on the BatchPlanned topic: each batch is proved by the instance that owns
 * its partition, and its offset is committed only once the outcome is on the log. A crash or a
 * rebalance before that redelivers the batch; outcome ids derive from the batch id, so a redo
 * appends nothing twice.
 */
import type { Consumer } from 'kafkajs';
import type { RecordedEvent } from '../../schemas/envelope';
import { isTransient } from '../errors';
import { deadLetters } from '../metrics';
import type { KafkaEventLog } from '../log/kafka/kafka-event-log';

/** The provers' name in metrics (their group id carries the log prefix). */
const PROVER_GROUP_NAME = 'zk-provers';

export const PROVER_GROUP = (prefix: string) => `${prefix}.${PROVER_GROUP_NAME}`;

export async function consumeBatchesAsGroup(log: KafkaEventLog, handle: (e: RecordedEvent) => Promise<void>): Promise<Consumer> {
  const topic = log.codec.entry('BatchPlanned').topic;
  const consumer = log.kafka.consumer({ groupId: PROVER_GROUP(log.prefix), maxWaitTimeInMs: 200, sessionTimeout: 30_000, heartbeatInterval: 3000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const events: RecordedEvent[] = [];
      for (const m of batch.messages) {
        try {
          const e = await log.eventOfRecord(m, (type) => type === 'BatchPlanned');
          if (e) events.push(e);
        } catch (err) {
          if (isTransient(err)) throw err; // the registry is down: the batch is redelivered
          // Not a batch this service planned (those are written whole): skipped, counted, never retried.
          deadLetters.inc({ processor: PROVER_GROUP_NAME });
        }
      }
      // Prove the partition's batches side by side (the pool queues them); keep the membership alive meanwhile.
      const beat = setInterval(() => void heartbeat().catch(() => undefined), 2000);
      try {
        await Promise.all(events.map(handle));
      } finally {
        clearInterval(beat);
      }
      resolveOffset(batch.lastOffset());
      // autoCommit is off, so commitOffsetsIfNecessary would never fire: commit the next offset explicitly.
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(BigInt(batch.lastOffset()) + 1n) }]);
    },
  });
  return consumer;
}
