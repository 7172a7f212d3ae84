import { KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';
import { isTransient, TransientError, TrustError, ValidationError, VersionConflictError } from '../errors';
import { backoffMs } from './retry';

describe('whether to retry', () => {
  test('our errors say it by their code: an outage yes, a mistake no', () => {
    expect(isTransient(new TransientError('registry away'))).toBe(true);
    expect(isTransient(new TrustError('UNAVAILABLE', 'processing behind'))).toBe(true);
    expect(isTransient(new ValidationError([{ field: 'x', problem: 'bad' }]))).toBe(false);
    expect(isTransient(new VersionConflictError('s', 1, 2))).toBe(false);
  });

  test("kafkajs's own retriable flag is carried through", () => {
    expect(isTransient(new KafkaJSConnectionError('broker down'))).toBe(true);
    expect(isTransient(new KafkaJSNonRetriableError('bad request'))).toBe(false);
  });

  test('SQLite busy is retried; a plain error is not', () => {
    expect(isTransient(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isTransient(new Error('boom'))).toBe(false);
    expect(isTransient({ retriable: true })).toBe(false); // not a kafkajs error: no say
  });
});

describe('backoff with full jitter', () => {
  test('grows exponentially from 100 ms to the 5 s cap, scaled by the jitter', () => {
    expect([0, 1, 2, 3, 10, 40].map((a) => backoffMs(a, 100, 5000, () => 1))).toEqual([100, 200, 400, 800, 5000, 5000]);
    expect(backoffMs(3, 100, 5000, () => 0)).toBe(0);
    expect(backoffMs(3, 100, 5000, () => 0.5)).toBe(400);
  });
});
