import { PreconditionError } from '../../../schemas/errors';
import { kafkaOptionsFromEnv } from './from-env';

describe('kafkaOptionsFromEnv (the v1.1 journal to export)', () => {
  test('given brokers and a prefix, then the options carry them', () => {
    expect(kafkaOptionsFromEnv({ KAFKA_BROKERS: 'a:9092, b:9093', TRUST_KAFKA_PREFIX: 'trust.v11' })).toEqual({ brokers: ['a:9092', 'b:9093'], prefix: 'trust.v11' });
  });
  test('without KAFKA_BROKERS it says what to set', () => {
    expect(() => kafkaOptionsFromEnv({})).toThrow(PreconditionError);
    expect(() => kafkaOptionsFromEnv({})).toThrow(/KAFKA_BROKERS/);
  });
  test('a broker without a port is named', () => {
    expect(() => kafkaOptionsFromEnv({ KAFKA_BROKERS: 'localhost' })).toThrow(/localhost/);
  });
  test('without a prefix the v1.1 default applies', () => {
    expect(kafkaOptionsFromEnv({ KAFKA_BROKERS: 'a:1' }).prefix).toBeUndefined();
  });
});
