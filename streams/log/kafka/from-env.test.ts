import { PreconditionError } from '../../errors';
import { kafkaOptionsFromEnv } from './from-env';

describe('kafkaOptionsFromEnv', () => {
  test('given brokers and a registry, then the options carry them', () => {
    expect(kafkaOptionsFromEnv({ KAFKA_BROKERS: 'a:9092, b:9093', SCHEMA_REGISTRY_URL: 'http://r:8081/apis/ccompat/v7' })).toMatchObject({
      brokers: ['a:9092', 'b:9093'],
      registryUrl: 'http://r:8081/apis/ccompat/v7',
      readOnly: false,
    });
  });
  test('without KAFKA_BROKERS it says what to set', () => {
    expect(() => kafkaOptionsFromEnv({})).toThrow(PreconditionError);
    expect(() => kafkaOptionsFromEnv({})).toThrow(/KAFKA_BROKERS/);
  });
  test('a broker without a port is named', () => {
    expect(() => kafkaOptionsFromEnv({ KAFKA_BROKERS: 'localhost' })).toThrow(/localhost/);
  });
  test('read-only and writer id come from the environment', () => {
    expect(kafkaOptionsFromEnv({ KAFKA_BROKERS: 'a:1', TRUST_KAFKA_READ_ONLY: '1', TRUST_KAFKA_WRITER_ID: 'w2' })).toMatchObject({ readOnly: true, writerId: 'w2' });
  });
});
