/**
 * Where a v1.1 deployment's Kafka journal is, from the environment (`trust events export
 * --kafka-journal`):
 *   KAFKA_BROKERS          host:port[,host:port...] (required)
 *   TRUST_KAFKA_PREFIX     the v1.1 deployment's topic prefix (default trust.log)
 */
import { PreconditionError } from '../../../schemas/errors';
import type { JournalOptions } from './journal-reader';

export function kafkaOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): JournalOptions {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) {
    throw new PreconditionError('reading a Kafka journal needs KAFKA_BROKERS (e.g. 127.0.0.1:9092)');
  }
  const bad = brokers.filter((b) => !/^[^:\s]+:\d+$/.test(b));
  if (bad.length) throw new PreconditionError(`KAFKA_BROKERS: expected host:port entries, got ${bad.join(', ')}`, { brokers: bad });
  return { brokers, prefix: env.TRUST_KAFKA_PREFIX || undefined };
}
