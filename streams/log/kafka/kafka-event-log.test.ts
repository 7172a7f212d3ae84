/**
 * The EventLog contract suite, unchanged, against a real Apache Kafka broker (and the schema
 * registry when SCHEMA_REGISTRY_URL is set). Skipped unless KAFKA_BROKERS is set: run it with
 * `make test-kafka` or `infra/with-kafka.sh npx jest streams/log/kafka`.
 */
import { describeEventLogContract } from '../contract';
import { KafkaEventLog } from './kafka-event-log';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
const registryUrl = process.env.SCHEMA_REGISTRY_URL || undefined;

if (brokers.length) {
  // One journal per test run: each test connects a fresh adapter whose mirror replays only this run.
  const prefix = `trust.test.${process.pid}.${Date.now().toString(36)}`;
  describeEventLogContract('kafka', async () => {
    const log = await KafkaEventLog.connect({ brokers, registryUrl, prefix, clientId: 'contract' });
    return { log, cleanup: () => log.close() };
  });
} else {
  test.skip('EventLog contract on Kafka (set KAFKA_BROKERS, e.g. via infra/with-kafka.sh)', () => undefined);
}
