/** The append decision of the PostgreSQL store, without a database: given what is stored, when a request comes, then these rows and results. */
import { codec } from '../../../schemas/codec';
import type { NewEvent } from '../../../schemas/envelope';
import { IdempotencyConflictError, VersionConflictError } from '../../../schemas/errors';
import { revoked } from '../contract';
import { ChainVerifier } from '../hash-chain';
import { planAppend, type PreparedEvent, type StoreView } from './append-plan';

const c = codec();
const prepared = (e: NewEvent, id = e.id ?? `id-${Math.random()}`): PreparedEvent => ({ event: e, id, ...c.encode(e.type, e.payload) });
const empty: StoreView = { position: 0, heads: new Map(), ids: new Map() };
const AT = '2026-12-02T12:00:00.000Z';

describe('planAppend', () => {
  test('given an empty store, when three events of two streams, then positions 1..3, versions per stream, chains that verify', () => {
    const plan = planAppend(empty, [prepared(revoked('a', 'k1'), 'e1'), prepared(revoked('b', 'k2'), 'e2'), prepared(revoked('a', 'k3'), 'e3')], AT);
    expect(plan.results.map((r) => [r.id, r.position, r.stream, r.streamVersion, r.duplicate])).toEqual([
      ['e1', 1, 'a', 1, false],
      ['e2', 2, 'b', 1, false],
      ['e3', 3, 'a', 2, false],
    ]);
    const v = new ChainVerifier();
    plan.rows.forEach((r) => v.check(r));
    expect(v.breaks).toEqual([]);
    expect(plan.position).toBe(3);
    expect(plan.heads.get('a')).toEqual({ version: 2, hash: plan.rows[2].hash });
  });

  test('given a stored id, when it comes again with the same content, then the original position, duplicate, and no row', () => {
    const first = planAppend(empty, [prepared(revoked('a', 'k1'), 'e1')], AT);
    const view: StoreView = { position: 1, heads: first.heads, ids: first.ids };
    const again = planAppend(view, [prepared(revoked('a', 'k1', { expectedVersion: 0 }), 'e1')], AT);
    expect(again.rows).toEqual([]);
    expect(again.results).toEqual([{ id: 'e1', position: 1, stream: 'a', streamVersion: 1, duplicate: true }]);
  });

  test('given a stored id, when it comes with other content, then an idempotency conflict', () => {
    const first = planAppend(empty, [prepared(revoked('a', 'k1'), 'e1')], AT);
    expect(() => planAppend({ position: 1, heads: first.heads, ids: first.ids }, [prepared(revoked('a', 'OTHER'), 'e1')], AT)).toThrow(IdempotencyConflictError);
  });

  test('given stream a at version 1, when a request expects 0, then a version conflict naming both versions, and the view is untouched', () => {
    const first = planAppend(empty, [prepared(revoked('a', 'k1'), 'e1')], AT);
    const view: StoreView = { position: 1, heads: first.heads, ids: first.ids };
    const err = (() => {
      try {
        planAppend(view, [prepared(revoked('b', 'x'), 'e2'), prepared(revoked('a', 'k2', { expectedVersion: 0 }), 'e3')], AT);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(VersionConflictError);
    expect((err as VersionConflictError).details).toMatchObject({ stream: 'a', expectedVersion: 0, actualVersion: 1 });
    expect([...view.heads.keys()]).toEqual(['a']);
    expect(view.position).toBe(1);
  });

  test('the same id twice in one request is stored once', () => {
    const plan = planAppend(empty, [prepared(revoked('a', 'k1'), 'e1'), prepared(revoked('a', 'k1'), 'e1')], AT);
    expect(plan.rows).toHaveLength(1);
    expect(plan.results.map((r) => r.duplicate)).toEqual([false, true]);
  });
});
