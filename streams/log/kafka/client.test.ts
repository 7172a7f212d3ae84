import { maskForLog } from './client';

describe('the Kafka client logger', () => {
  test('masks passwords, secrets and tokens in what librdkafka says, and the configured SASL password wherever it appears', () => {
    expect(maskForLog('sasl.password=hunter2 broker=b:9092')).toBe('[kafka t] error: sasl.password=*** broker=b:9092');
    expect(maskForLog('{"password":"p@ss","user":"u"}')).not.toContain('p@ss');
    expect(maskForLog('oauth token: abc.def.ghi')).not.toContain('abc.def.ghi');
    expect(maskForLog('auth failed for s3cr3t-value', ['s3cr3t-value'])).toBe('[kafka t] error: auth failed for ***');
  });
});
