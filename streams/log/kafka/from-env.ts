/**
 * How the service opens the distributed log (TRUST_LOG=kafka), from its environment:
 *   KAFKA_BROKERS          host:port[,host:port...] (required)
 *   SCHEMA_REGISTRY_URL    Confluent-compatible registry (optional: bare Avro without it)
 *   TRUST_KAFKA_PREFIX     internal topics and groups (default trust.log)
 *   TRUST_KAFKA_WRITER_ID  transactional id of this instance's writer (default <prefix>.writer)
 *   TRUST_KAFKA_READ_ONLY  1 = never write (auditor replay next to a running service)
 */
import { PreconditionError } from '../../errors';
import { KafkaEventLog, type KafkaLogOptions } from './kafka-event-log';

export function kafkaOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaLogOptions {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) {
    throw new PreconditionError('TRUST_LOG=kafka needs KAFKA_BROKERS (e.g. 127.0.0.1:9092; `make kafka-up` starts a local broker)');
  }
  const bad = brokers.filter((b) => !/^[^:\s]+:\d+$/.test(b));
  if (bad.length) throw new PreconditionError(`KAFKA_BROKERS: expected host:port entries, got ${bad.join(', ')}`, { brokers: bad });
  return {
    brokers,
    registryUrl: env.SCHEMA_REGISTRY_URL || undefined,
    prefix: env.TRUST_KAFKA_PREFIX || undefined,
    writerId: env.TRUST_KAFKA_WRITER_ID || undefined,
    readOnly: env.TRUST_KAFKA_READ_ONLY === '1',
    clientId: 'trust-fabric',
  };
}

export function openKafkaLogFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<KafkaEventLog> {
  return KafkaEventLog.connect(kafkaOptionsFromEnv(env));
}
