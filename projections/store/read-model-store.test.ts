/**
 * The read-model store's contract on SQLite and, when DATABASE_URL is set (make test-kafka starts
 * PostgreSQL), on PostgreSQL: transactions all-or-nothing, savepoints, the checkpoint claim that
 * lets one instance fold a projection at a time, and every projection's SQL folding the same events
 * to the same digest on both dialects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase } from '../../infra/postgres/fresh-database';
import { allProjections, domains } from '../../connectors/registry';
import { startTestService, type TestService } from '../../connectors/http/testing';
import { projectionDigest } from '../digest';
import { ProjectionRunner } from '../projection-runner';
import type { ReadModelStore } from './port';
import { PgReadModels } from './postgres-store';
import { SqliteReadModels } from './sqlite-store';

const url = process.env.DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'tf-rm-'));

// A history with every projection's events: each domain's demo, through the real API (no prover running).
let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ workers: [] });
  const key = await svc.keyFor('demo', 'admin');
  for (const d of domains()) await d.demo?.({ tenant: 'demo', request: (method, path, body) => svc.request(method, path, key, body) });
  await svc.service.ctx.settled(await svc.service.log.head());
}, 120_000);
afterAll(async () => {
  await svc.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stores: [string, () => Promise<ReadModelStore>][] = [['SQLite', async () => new SqliteReadModels(join(dir, `rm-${Math.random().toString(36).slice(2)}.db`))]];
if (url) stores.push(['PostgreSQL', async () => PgReadModels.open({ connectionString: await freshDatabase(url, `rm_${process.pid}_${Date.now().toString(36)}`) })]);

describe.each(stores)('read-model store on %s', (_name, open) => {
  let store: ReadModelStore;
  beforeAll(async () => {
    store = await open();
    await store.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, n INTEGER NOT NULL, x REAL)');
  });
  afterAll(() => store.close());

  test('a transaction is all or nothing; readers outside it see its rows only after commit', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.run('INSERT INTO kv (k, n) VALUES (?, ?)', ['a', 1]);
        expect(await tx.get('SELECT n FROM kv WHERE k = ?', ['a'])).toEqual({ n: 1 });
        expect(await store.get('SELECT n FROM kv WHERE k = ?', ['a'])).toBeUndefined();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.get('SELECT n FROM kv WHERE k = ?', ['a'])).toBeUndefined();
    await store.transaction((tx) => tx.run('INSERT INTO kv (k, n, x) VALUES (?, ?, ?)', ['a', 2 ** 40, 0.1]));
    // 64-bit integers come back as numbers, REAL keeps double precision.
    expect(await store.get('SELECT n, x FROM kv WHERE k = ?', ['a'])).toEqual({ n: 2 ** 40, x: 0.1 });
  });

  test('a failed savepoint is undone alone; upsert arithmetic qualified by the table name', async () => {
    await store.transaction(async (tx) => {
      await expect(tx.savepoint(async () => {
        await tx.run('INSERT INTO kv (k, n) VALUES (?, ?)', ['b', 1]);
        throw new Error('undo b');
      })).rejects.toThrow('undo b');
      await tx.run('INSERT INTO kv (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = kv.n + excluded.n', ['a', 5]);
    });
    expect(await store.all('SELECT k, n FROM kv ORDER BY k')).toEqual([{ k: 'a', n: 2 ** 40 + 5 }]);
    expect(await store.columns('kv')).toEqual(['k', 'n', 'x']);
    expect(await store.columns('missing')).toEqual([]);
  });

  test("every projection folds the domains' demo history to the digest of the service's own SQLite read models", async () => {
    const log = svc.service.log;
    const reference = svc.service.readModels;
    for (const def of allProjections()) {
      const runner = new ProjectionRunner(store, log, def, { batchSize: 17 });
      await runner.catchUp();
      expect(await runner.position()).toBe(await log.head());
      expect({ def: def.name, digest: await projectionDigest(store, store, def) }).toEqual({ def: def.name, digest: await projectionDigest(reference, reference, def) });
      expect(await store.all('SELECT position, error FROM projection_errors WHERE name = ?', [def.name])).toEqual([]);
      if (def.applyBatch) {
        // A batch folded at once equals the same events applied one by one.
        const oneByOne = new SqliteReadModels(':memory:');
        const { applyBatch: _batched, ...plain } = def; // eslint-disable-line @typescript-eslint/no-unused-vars
        await new ProjectionRunner(oneByOne, log, plain, { batchSize: 17 }).catchUp();
        expect({ def: def.name, digest: await projectionDigest(oneByOne, oneByOne, def) }).toEqual({ def: def.name, digest: await projectionDigest(reference, reference, def) });
        await oneByOne.close();
      }
    }
  });

  test('two instances folding one projection at once: every event counted once; a held checkpoint is skipped, then waited for', async () => {
    const log = svc.service.log;
    const def = allProjections().find((d) => d.name === 'backbone.event-stats')!;
    const scoped = { ...def, name: 'two-instances.event-stats' }; // its own checkpoint row, the same tables
    await store.exec('DROP TABLE IF EXISTS event_stats');
    const [a, b] = [new ProjectionRunner(store, log, scoped, { batchSize: 7 }), new ProjectionRunner(store, log, scoped, { batchSize: 7 })];
    await Promise.all([a.catchUp(), b.catchUp(), a.catchUp(), b.catchUp()]);
    const counted = await store.get<{ n: number }>('SELECT sum(count) AS n FROM event_stats');
    expect(counted!.n).toBe(await log.head());

    // While another instance holds the checkpoint row, the background batch skips it at once...
    let release!: () => void;
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const holder = store.transaction(async (tx) => {
      await tx.get(`SELECT position FROM projection_meta WHERE name = ?${store.forUpdate(true)}`, [scoped.name]);
      held();
      await new Promise<void>((r) => (release = r));
    });
    await holding;
    if (store.dialect === 'postgres') expect(await a.runBatch()).toBe(0);
    // ...and read-your-writes waits for it, then finds nothing left to fold.
    const settling = b.settle(await log.head());
    release();
    await holder;
    await settling;
    expect(await b.position()).toBe(await log.head());
  });
});
