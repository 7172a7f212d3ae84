/**
 * What the Kafka integration tests need from their environment. They run only when
 * infra/with-kafka.sh (or `make test-kafka`) has started a broker and exported KAFKA_BROKERS;
 * otherwise they are skipped, so `jest` on a machine without Kafka stays green.
 */
export const kafkaBrokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
export const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? '';

export const describeWithKafka: jest.Describe = kafkaBrokers.length ? describe : describe.skip;
export const describeWithRegistry: jest.Describe = kafkaBrokers.length && registryUrl ? describe : describe.skip;

let n = 0;
/** A topic or group name no other test run uses, so tests share one broker without resets. */
export const uniqueName = (base: string) => `${base}-${process.pid}-${Date.now().toString(36)}-${++n}`;
