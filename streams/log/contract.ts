/**
 * The EventLog contract: every adapter (embedded SQLite, Kafka) must pass these tests unchanged.
 * Call `describeEventLogContract(name, factory)` from an adapter's test file.
 */
import { firstValueFrom, take, toArray, timeout } from 'rxjs';
import type { NewEvent } from '../../schemas/envelope';
import { IdempotencyConflictError, ValidationError, VersionConflictError } from '../../schemas/errors';
import type { EventLog } from './port';

export interface LogUnderTest {
  log: EventLog;
  cleanup: () => Promise<void>;
}

let counter = 0;
/** A unique stream name per test, so adapters backed by shared infrastructure (Kafka) need no reset. */
const uniqueStream = (base: string) => `${base}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

/** A small valid event for log tests (adapter-specific suites use it too). */
export const revoked = (stream: string, keyId: string, extra: Partial<NewEvent> = {}): NewEvent => ({
  type: 'TenantKeyRevoked',
  stream,
  tenant: 'acme',
  payload: { tenant: 'acme', keyId, reason: null },
  ...extra,
});

export function describeEventLogContract(adapter: string, factory: () => Promise<LogUnderTest>): void {
  describe(`EventLog contract: ${adapter}`, () => {
    let t: LogUnderTest;
    beforeEach(async () => {
      t = await factory();
    });
    afterEach(async () => {
      await t.cleanup();
    });

    test('given an empty stream, when one event is appended, then it reads back with version 1 and a hash', async () => {
      const s = uniqueStream('a');
      const [r] = await t.log.append([revoked(s, 'k1', { correlationId: 'corr-1' })]);
      expect(r).toMatchObject({ stream: s, streamVersion: 1, duplicate: false });
      const [e] = await t.log.readStream(s);
      expect(e).toMatchObject({ id: r.id, type: 'TenantKeyRevoked', streamVersion: 1, tenant: 'acme', correlationId: 'corr-1', prevHash: '' });
      expect(e.payload).toEqual({ tenant: 'acme', keyId: 'k1', reason: null });
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(e.position).toBe(r.position);
    });

    test('events of one stream are chained: each carries its predecessor hash', async () => {
      const s = uniqueStream('chain');
      await t.log.append([revoked(s, 'k1'), revoked(s, 'k2'), revoked(s, 'k3')]);
      const evs = await t.log.readStream(s);
      expect(evs.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
      expect(evs[1].prevHash).toBe(evs[0].hash);
      expect(evs[2].prevHash).toBe(evs[1].hash);
      expect(evs[0].position).toBeLessThan(evs[1].position);
    });

    test('appending the same id twice stores it once and answers the original position', async () => {
      const s = uniqueStream('idem');
      const [first] = await t.log.append([revoked(s, 'k1', { id: `${s}-e1` })]);
      const [again] = await t.log.append([revoked(s, 'k1', { id: `${s}-e1` })]);
      expect(again).toEqual({ ...first, duplicate: true });
      expect(await t.log.readStream(s)).toHaveLength(1);
    });

    test('the same id with different content is an idempotency conflict', async () => {
      const s = uniqueStream('idem2');
      await t.log.append([revoked(s, 'k1', { id: `${s}-e1` })]);
      await expect(t.log.append([revoked(s, 'OTHER', { id: `${s}-e1` })])).rejects.toBeInstanceOf(IdempotencyConflictError);
    });

    test('expectedVersion guards the stream: the right version appends, a stale one conflicts', async () => {
      const s = uniqueStream('occ');
      await t.log.append([revoked(s, 'k1', { expectedVersion: 0 })]);
      await t.log.append([revoked(s, 'k2', { expectedVersion: 1 })]);
      const err = await t.log.append([revoked(s, 'k3', { expectedVersion: 1 })]).catch((e) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect(err.details).toMatchObject({ stream: s, expectedVersion: 1, actualVersion: 2 });
    });

    test('a batch is all or nothing: one conflicting event stores none of them', async () => {
      const s = uniqueStream('atomic');
      const other = uniqueStream('atomic-other');
      await t.log.append([revoked(s, 'k1')]);
      await expect(t.log.append([revoked(other, 'x1'), revoked(s, 'k2', { expectedVersion: 0 })])).rejects.toBeInstanceOf(VersionConflictError);
      expect(await t.log.readStream(other)).toHaveLength(0);
      expect(await t.log.readStream(s)).toHaveLength(1);
    });

    test('a payload that breaks its schema is refused with the field named, and nothing is stored', async () => {
      const s = uniqueStream('bad');
      const err = await t.log
        .append([revoked(s, 'k1'), { type: 'TenantKeyRevoked', stream: s, tenant: 'acme', payload: { tenant: 'acme', keyId: 42 } }])
        .catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toContain('events[1].payload.keyId');
      expect(await t.log.readStream(s)).toHaveLength(0);
    });

    test('reads filter by type, stream and tenant, in log order, from a position', async () => {
      const s = uniqueStream('filter');
      const res = await t.log.append([
        revoked(s, 'k1'),
        { type: 'TenantKeyRevoked', stream: s, tenant: 'globex', payload: { tenant: 'globex', keyId: 'g1', reason: 'test' } },
        revoked(s, 'k3'),
      ]);
      const from = res[0].position;
      const acme = await t.log.read({ from, stream: s, tenant: 'acme' });
      expect(acme.map((e) => (e.payload as { keyId: string }).keyId)).toEqual(['k1', 'k3']);
      const afterFirst = await t.log.read({ from: res[1].position, stream: s, types: ['TenantKeyRevoked'] });
      expect(afterFirst.map((e) => e.position)).toEqual([res[1].position, res[2].position]);
      expect(await t.log.read({ from, stream: s, types: ['TenantKeyIssued'] })).toEqual([]);
      expect(await t.log.read({ from, stream: s, limit: 2 })).toHaveLength(2);
      expect(await t.log.head()).toBeGreaterThanOrEqual(res[2].position);
    });

    test('subscribe catches up from a position, then delivers live appends in order', async () => {
      const s = uniqueStream('sub');
      const res = await t.log.append([revoked(s, 'k1'), revoked(s, 'k2')]);
      const received = firstValueFrom(t.log.subscribe(res[0].position).pipe(take(4), toArray(), timeout(20000)));
      await t.log.append([revoked(s, 'k3')]);
      await t.log.append([revoked(s, 'k4')]);
      const evs = (await received).filter((e) => e.stream === s);
      expect(evs.map((e) => (e.payload as { keyId: string }).keyId)).toEqual(['k1', 'k2', 'k3', 'k4']);
    });

    test('named checkpoints start at 0 and keep what was set', async () => {
      const name = uniqueStream('cp');
      expect(await t.log.getCheckpoint(name)).toBe(0);
      await t.log.setCheckpoint(name, 42);
      await t.log.setCheckpoint(name, 43);
      expect(await t.log.getCheckpoint(name)).toBe(43);
    });
  });
}
