/**
 * Reads a v1.1 deployment's Kafka journal (`<prefix>.journal`: one partition, the global order,
 * position = offset + 1, each record the event's Avro payload with its `trust.envelope` header)
 * from its first record to its committed end, read-only: what `trust events export --kafka-journal`
 * exports so a v1.1 deployment can move to the PostgreSQL store (docs/upgrade-v1.2.md). The v1.1
 * adapter that wrote journals is gone; this is all that is left of it.
 *
 * Committed records only (read_committed: aborted group commits are skipped, so positions may have
 * gaps, as in v1.1's own mirror). The end is the partition's last stable offset taken at the start;
 * the reader stops when librdkafka reports the end of the partition, never after a fixed wait.
 * It uses the client's native consumer API (manual assignment, end-of-partition events), which the
 * KafkaJS-compatible API does not offer, and commits nothing.
 */
import { randomUUID } from 'node:crypto';
import { KafkaConsumer, type Message } from '@confluentinc/kafka-javascript';
import { PreconditionError, TransientError } from '../../../schemas/errors';
import type { StoredEvent } from '../hash-chain';
import { kafkaClient, type LogLevelName } from './client';
import { storedFromRecord } from './headers';

export interface JournalOptions {
  brokers: string[];
  /** The v1.1 deployment's topic prefix (TRUST_KAFKA_PREFIX, default `trust.log`). */
  prefix?: string;
  /** Gives up (a TransientError) when the journal is not read to its end by then (default 5 min). */
  timeoutMs?: number;
  logLevel?: LogLevelName;
}

export const journalTopic = (prefix = 'trust.log') => `${prefix}.journal`;

/** Every committed event of the journal, in position order, handed to `onEvents` a fetch at a time. */
export async function readJournal(opts: JournalOptions, onEvents: (events: StoredEvent[]) => void): Promise<number> {
  const topic = journalTopic(opts.prefix);
  const admin = kafkaClient({ brokers: opts.brokers, clientId: 'trust-journal-export', logLevel: opts.logLevel }).admin();
  await admin.connect();
  let ends: { high: string; low: string }[];
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new PreconditionError(`no v1.1 journal topic '${topic}' on ${opts.brokers.join(',')} (set TRUST_KAFKA_PREFIX to the v1.1 deployment's prefix)`, { topic });
    }
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (ends.length === 0 || Number(ends[0].high) <= Number(ends[0].low)) return 0;

  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': opts.brokers.join(','),
      'client.id': 'trust-journal-export',
      'group.id': `${opts.prefix ?? 'trust.log'}.journal-export.${randomUUID()}`,
      'enable.auto.commit': false,
      'enable.partition.eof': true,
      'isolation.level': 'read_committed',
      'log_level': 3,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 10_000 }, (err) => (err ? reject(new TransientError(`could not reach Kafka: ${err.message}`, err)) : resolve())));
  let read = 0;
  try {
    consumer.assign([{ topic, partition: 0, offset: Number(ends[0].low) }]);
    const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
    let atEnd = false;
    consumer.on('partition.eof', () => void (atEnd = true));
    while (!atEnd) {
      if (Date.now() > deadline) throw new TransientError(`the journal ${topic} was not read to its end in time (${read} events so far)`);
      const messages = await new Promise<Message[]>((resolve, reject) => consumer.consume(1000, (err, ms) => (err ? reject(err) : resolve(ms))));
      const events: StoredEvent[] = [];
      for (const m of messages) {
        if (!m.value) continue;
        const headers = Object.assign({}, ...(m.headers ?? []).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]))));
        const e = storedFromRecord(headers, m.value, m.offset + 1);
        if (e) events.push(e);
      }
      if (events.length) (onEvents(events), (read += events.length));
    }
    return read;
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}
