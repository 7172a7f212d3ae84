/**
 * The EventLog contract suite, unchanged, on PostgreSQL, and what only a shared store must
 * guarantee: several processes appending at once, a tailing reader that never skips an event,
 * group commits that refuse one request without its neighbours. Skipped unless DATABASE_URL is
 * set: run with `make test-distributed` (or infra/with-kafka.sh, which starts PostgreSQL too).
 */
import { firstValueFrom, filter, scan, timeout } from 'rxjs';
import type { RecordedEvent } from '../../../schemas/envelope';
import { VersionConflictError } from '../../../schemas/errors';
import { describeEventLogContract, revoked } from '../contract';
import { ChainVerifier } from '../hash-chain';
import { PgEventLog } from './pg-event-log';
import { MIGRATIONS, migrate } from './migrations';

const url = process.env.DATABASE_URL;
const run = `${process.pid}-${Date.now().toString(36)}`;
const ev = revoked;

if (url) {
  describeEventLogContract('PostgreSQL', async () => {
    const log = await PgEventLog.open({ connectionString: url });
    return { log, cleanup: () => log.close() };
  });

  describe('PgEventLog on a shared store', () => {
    test('migrations apply once: a second run applies nothing', async () => {
      const log = await PgEventLog.open({ connectionString: url });
      expect(await migrate(log.pool)).toEqual([]);
      const versions = (await log.pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
      await log.close();
    });

    test('four processes appending at once: gap-free positions, every id read exactly once in position order by a tailing reader', async () => {
      const writers = await Promise.all([0, 1, 2, 3].map(() => PgEventLog.open({ connectionString: url, poolSize: 4 })));
      const reader = await PgEventLog.open({ connectionString: url });
      const start = (await reader.head()) + 1;
      const perWriter = 40;
      const perRequest = 10;
      const expected = new Set<string>();
      for (let w = 0; w < writers.length; w++) for (let r = 0; r < perWriter; r++) for (let i = 0; i < perRequest; i++) expected.add(`${run}-w${w}-r${r}-${i}`);
      // The reader tails while the writers commit: a position skipped at read time and committed later would be missed.
      const seen = firstValueFrom(
        reader.subscribe(start).pipe(
          filter((e) => e.id.startsWith(`${run}-w`)),
          scan((acc, e) => (acc.push(e), acc), [] as RecordedEvent[]),
          filter((acc) => acc.length >= expected.size),
          timeout(60_000),
        ),
      );
      await Promise.all(
        writers.map(async (log, w) => {
          // Requests of one writer overlap in time too: they share group commits.
          await Promise.all(
            Array.from({ length: perWriter }, (_, r) =>
              log.append(Array.from({ length: perRequest }, (_, i) => ev(`${run}-shared-${(r + i) % 7}`, `k${w}-${r}-${i}`, { id: `${run}-w${w}-r${r}-${i}` }))),
            ),
          );
        }),
      );
      const got = await seen;
      expect(got).toHaveLength(expected.size);
      expect(new Set(got.map((e) => e.id))).toEqual(expected);
      for (let i = 1; i < got.length; i++) expect(got[i].position).toBeGreaterThan(got[i - 1].position);
      // Gap-free: every position from start to the head is one event (ours or a concurrent test's).
      const all = await reader.readStored({ from: start, limit: 100_000 });
      all.forEach((e, i) => expect(e.position).toBe(start + i));
      const v = new ChainVerifier();
      for (const e of await reader.readStored({ from: 1, limit: 1_000_000 })) v.check(e);
      expect(v.breaks).toEqual([]);
      await Promise.all([...writers, reader].map((l) => l.close()));
    });

    test('concurrent writers racing on one stream with expectedVersion: one wins each version, the rest conflict, no version twice', async () => {
      const writers = await Promise.all([0, 1, 2].map(() => PgEventLog.open({ connectionString: url, poolSize: 2 })));
      const stream = `${run}-race`;
      let wins = 0;
      let conflicts = 0;
      for (let version = 0; version < 20; version++) {
        const outcomes = await Promise.allSettled(writers.map((log, w) => log.append([ev(stream, `v${version}-w${w}`, { expectedVersion: version })])));
        wins += outcomes.filter((o) => o.status === 'fulfilled').length;
        conflicts += outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof VersionConflictError).length;
      }
      expect(wins).toBe(20);
      expect(conflicts).toBe(40);
      const events = await writers[0].readStream(stream);
      expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await Promise.all(writers.map((l) => l.close()));
    });

    test('a retried append with expectedVersion whose first attempt landed answers the original position, not a conflict', async () => {
      const log = await PgEventLog.open({ connectionString: url });
      const other = await PgEventLog.open({ connectionString: url });
      const s = `${run}-retry`;
      const request = [ev(s, 'once', { id: `${s}-1`, expectedVersion: 0 })];
      const [first] = await log.append(request);
      // Another instance writes meanwhile; the client, which never saw the answer, sends the same request again.
      await other.append([ev(`${s}-elsewhere`, 'x')]);
      const [again] = await log.append(request);
      expect(again).toEqual({ ...first, duplicate: true });
      await expect(log.append([ev(s, 'new', { expectedVersion: 0 })])).rejects.toBeInstanceOf(VersionConflictError);
      await Promise.all([log.close(), other.close()]);
    });

    test('a group commit refuses the conflicting request only: its neighbours in the same group are stored', async () => {
      const log = await PgEventLog.open({ connectionString: url });
      const s = `${run}-group`;
      await log.append([ev(s, 'first')]);
      const outcomes = await Promise.allSettled([
        log.append([ev(`${s}-a`, 'a')]),
        log.append([ev(s, 'stale', { expectedVersion: 0 }), ev(`${s}-b`, 'never')]),
        log.append([ev(`${s}-c`, 'c')]),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await log.readStream(`${s}-b`)).toEqual([]);
      expect(await log.readStream(`${s}-a`)).toHaveLength(1);
      expect(await log.readStream(`${s}-c`)).toHaveLength(1);
      await log.close();
    });

    test('requests that queue while the lock is held elsewhere join the waiting group when their streams are known; a new stream waits for the next', async () => {
      const log = await PgEventLog.open({ connectionString: url });
      const s = `${run}-late`;
      await log.append([ev(s, 'known')]); // the cache now knows s
      const other = await log.pool.connect(); // another instance, mid-commit
      await other.query('BEGIN; SELECT position FROM log_head FOR UPDATE');
      const first = log.append([ev(s, 'first')]);
      // The group's lock message is waiting behind the other transaction (polled, not slept on).
      for (;;) {
        const waiting = await log.pool.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'BEGIN; SELECT position FROM log_head FOR UPDATE%'");
        if (waiting.rowCount) break;
      }
      const late = log.append([ev(s, 'late')]);
      const fresh = log.append([ev(`${s}-new`, 'fresh')]);
      await other.query('COMMIT');
      other.release();
      await Promise.all([first, late, fresh]);
      const txOf = async (stream: string) => (await log.pool.query('SELECT xmin::text AS tx, stream_version FROM events WHERE stream = $1 ORDER BY stream_version', [stream])).rows;
      const [, one, two] = await txOf(s);
      const [three] = await txOf(`${s}-new`);
      expect([one.stream_version, two.stream_version]).toEqual([2, 3]);
      expect(two.tx).toBe(one.tx); // the late request rode the waiting group's commit
      expect(three.tx).not.toBe(one.tx); // its stream needed a lookup: the next group
      const verifier = new ChainVerifier();
      for (const e of await log.readStored({ stream: s })) verifier.check(e);
      expect(verifier.breaks).toEqual([]);
      await log.close();
    });

    test('strings that look like SQL are stored verbatim: the group commit inlines values as escaped literals', async () => {
      const log = await PgEventLog.open({ connectionString: url });
      const hostile = [`${run}-it's`, `${run}-back\\slash\\'`, `${run}-"quoted", {braces}`, `${run}-'); DROP TABLE events; --`, `${run}-$1 $15 E'\\x00'`, `${run}-ends in $v`, `${run}-$v$ and $v0$ inside`];
      const appended = await Promise.all(hostile.map((s, i) => log.append([ev(s, `key ${s}`, { tenant: `t'${i}\\`, correlationId: `c"${s}` })])));
      for (const [i, s] of hostile.entries()) {
        const [stored] = await log.readStream(s);
        expect(stored).toMatchObject({ id: appended[i][0].id, stream: s, tenant: `t'${i}\\`, correlationId: `c"${s}`, payload: { keyId: `key ${s}` } });
      }
      const verifier = new ChainVerifier();
      for (const s of hostile) for (const e of await log.readStored({ stream: s })) verifier.check(e);
      expect(verifier.verified).toBe(hostile.length);
      expect(verifier.breaks).toEqual([]);
      await log.close();
    });
  });
} else {
  test.skip('EventLog contract on PostgreSQL (set DATABASE_URL, e.g. via make test-distributed)', () => undefined);
}
