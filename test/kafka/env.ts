/**
 * What the Kafka integration tests need from their environment. They run only when
 * infra/with-kafka.sh (or `make test-kafka`) has started a broker and exported KAFKA_BROKERS;
 * otherwise they are skipped, so `jest` on a machine without Kafka stays green.
 */
import { kafkaClient, type Kafka } from '../../streams/log/kafka/client';
export const kafkaBrokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
export const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? '';

export const describeWithKafka: jest.Describe = kafkaBrokers.length ? describe : describe.skip;
export const describeWithRegistry: jest.Describe = kafkaBrokers.length && registryUrl ? describe : describe.skip;

let n = 0;
/** A topic or group name no other test run uses, so tests share one broker without resets. */
export const uniqueName = (base: string) => `${base}-${process.pid}-${Date.now().toString(36)}-${++n}`;

/** A client for the product's consumer groups in tests (the relay, the bridge and the runners take it). */
export const groupKafka = (): Kafka => kafkaClient({ brokers: kafkaBrokers, clientId: 'test', logLevel: 'nothing' });
