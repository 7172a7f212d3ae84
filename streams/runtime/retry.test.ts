import { KafkaJS } from '@confluentinc/kafka-javascript';
import { isTransient, TransientError, TrustError, ValidationError, VersionConflictError } from '../../schemas/errors';
import { backoffMs } from './retry';

describe('whether to retry', () => {
  test('our errors say it by their code: an outage yes, a mistake no', () => {
    expect(isTransient(new TransientError('registry away'))).toBe(true);
    expect(isTransient(new TrustError('UNAVAILABLE', 'processing behind'))).toBe(true);
    expect(isTransient(new ValidationError([{ field: 'x', problem: 'bad' }]))).toBe(false);
    expect(isTransient(new VersionConflictError('s', 1, 2))).toBe(false);
  });

  test("the Kafka client's errors: retriable by its flag or its librdkafka code, never when fatal", () => {
    const { KafkaJSError, KafkaJSConnectionError, KafkaJSAggregateError, ErrorCodes } = KafkaJS;
    expect(isTransient(new KafkaJSConnectionError('broker down', { code: ErrorCodes.ERR__TRANSPORT }))).toBe(true);
    expect(isTransient(new KafkaJSError('all brokers down', { code: ErrorCodes.ERR__ALL_BROKERS_DOWN }))).toBe(true);
    expect(isTransient(new KafkaJSError('delivery timed out', { code: ErrorCodes.ERR__MSG_TIMED_OUT }))).toBe(true);
    expect(isTransient(new KafkaJSError('new topic', { code: ErrorCodes.ERR_UNKNOWN_TOPIC_OR_PART }))).toBe(true);
    expect(isTransient(new KafkaJSError('leader moved', { code: ErrorCodes.ERR_NOT_LEADER_FOR_PARTITION }))).toBe(true);
    expect(isTransient(new KafkaJSError('txn', { code: ErrorCodes.ERR_UNKNOWN, retriable: true }))).toBe(true);
    expect(isTransient(new KafkaJSError('gap', { code: ErrorCodes.ERR__GAPLESS_GUARANTEE, fatal: true }))).toBe(false);
    expect(isTransient(new KafkaJSError('too large', { code: ErrorCodes.ERR_MSG_SIZE_TOO_LARGE }))).toBe(false);
    expect(isTransient(new KafkaJSError('no such topic', { code: ErrorCodes.ERR_TOPIC_AUTHORIZATION_FAILED }))).toBe(false);
    expect(isTransient(new KafkaJSAggregateError('two', [new KafkaJSError('a', { code: ErrorCodes.ERR__TRANSPORT }), new KafkaJSError('b', { code: ErrorCodes.ERR__TIMED_OUT })]))).toBe(true);
  });

  test('SQLite busy is retried; a plain error is not', () => {
    expect(isTransient(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isTransient(new Error('boom'))).toBe(false);
    expect(isTransient({ retriable: true })).toBe(false); // not a Kafka client error: no say
  });
});

describe('backoff with full jitter', () => {
  test('grows exponentially from 100 ms to the 5 s cap, scaled by the jitter', () => {
    expect([0, 1, 2, 3, 10, 40].map((a) => backoffMs(a, 100, 5000, () => 1))).toEqual([100, 200, 400, 800, 5000, 5000]);
    expect(backoffMs(3, 100, 5000, () => 0)).toBe(0);
    expect(backoffMs(3, 100, 5000, () => 0.5)).toBe(400);
  });
});
