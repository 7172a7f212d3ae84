/**
 * Several instances on one PostgreSQL + Kafka, as an operator runs them: three `trust serve`
 * processes ingest concurrently into overlapping streams with expectedVersion; one is killed with
 * SIGKILL mid-ingest and restarted. Afterwards every acknowledged event is stored once, every chain
 * verifies, no (stream, version) is taken twice, every conflict was answered 409 (never a 5xx),
 * the processors derived each output exactly once, each instance's projections equal a clean
 * rebuild, and a new instance starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueKey } from '../../connectors/auth/api-keys';
import { replay } from '../../connectors/audit/replay';
import { snapshotToSqlite } from '../../connectors/audit/snapshot';
import { allProjections } from '../../connectors/registry';
import { PgReadModels } from '../../projections/store/postgres-store';
import { startServe, type ServiceProcess } from '../../infra/load/service-process';
import { ChainVerifier } from '../../streams/log/hash-chain';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { replayEventId } from '../../application/pcq/pcq-app';
import { manifest, replay as replayOf, GPU } from '../../streams/pcq/testing';
import { databaseUrl, describeDistributed, envelopesOn, eventually, instanceEnv, uniqueName } from './env';

type Outcome = { status: number; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describeDistributed('three instances, one killed mid-ingest', () => {
  const prefix = uniqueName('trust.multi');
  const run = prefix.replace(/\W/g, '');
  const envs = [0, 1, 2, 3].map(() => instanceEnv(prefix, { TRUST_ZK_WORKERS: '0', TRUST_SLO_SAMPLE_SECONDS: '3600' }));
  const instances: (ServiceProcess | undefined)[] = [];
  const admin = issueKey(run, 'admin');
  let store: PgEventLog;

  const start = async (i: number) => {
    const { TRUST_DATA_DIR, ...env } = envs[i];
    instances[i] = await startServe(TRUST_DATA_DIR!, 0, env as Record<string, string>);
    return instances[i]!;
  };
  const post = async (i: number, body: unknown, path = '/v1/events'): Promise<Outcome> => {
    const res = await fetch(`${instances[i]!.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.key}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    store = await PgEventLog.open({ connectionString: databaseUrl });
    await store.append([admin.event]);
    await Promise.all([0, 1, 2].map(start));
  }, 180_000);

  afterAll(async () => {
    for (const p of instances) p?.proc.kill('SIGKILL');
    await store?.close();
    for (const e of envs) rmSync(e.TRUST_DATA_DIR!, { recursive: true, force: true });
  });

  test('every acknowledged event once, chains intact, conflicts 409, processors exactly once, projections = rebuild', async () => {
    const acked = new Map<string, number>(); // id → position answered
    const statuses = new Map<number, number>();
    let conflicts = 0;
    let retriedAfterKill = 0;
    const fixtures = 6;
    // Fixtures first, with their baselines, so every GPU replay later is checked against one.
    const replayBody = (runId: string, fixtureId: string, over: Partial<ReturnType<typeof replayOf>> = {}) => {
      const { releaseTaggedAt, ...r } = replayOf({ runId, fixtureId, ...over }); // eslint-disable-line @typescript-eslint/no-unused-vars
      return r;
    };
    const fx = Array.from({ length: fixtures }, (_, f) => `fx-${f}`);
    expect((await post(0, { fixtures: fx.map((fixtureId) => manifest({ fixtureId })) }, '/v1/pcq/fixtures')).status).toBe(201);
    // Every instance folds the manifests before replays may name them (each has its own read models).
    for (const i of [0, 1, 2]) {
      const known = () => post(i, { replays: fx.map((f) => replayBody(`${run}-base-${f}`, f)) }, '/v1/pcq/replays');
      expect((await eventually(known, (r) => r.status === 202, 30_000)).status).toBe(202);
    }

    const killAt = 30; // requests acknowledged through instance 2 before it is killed
    let acksOn2 = 0;
    let killed: Promise<void> | undefined;
    const gpuReplays: string[] = [];
    // Two clients per instance, each sending 40 requests: annotations on 5 shared streams with
    // expectedVersion (they race each other), plus one GPU replay per request for the processors.
    const client = async (home: number, c: number) => {
      const versions = new Map<string, number>();
      for (let r = 0; r < 40; r++) {
        const note = `${run}-notes-${(c + r) % 5}`;
        const fixture = (c + r) % fixtures;
        const replayId = `${run}-gpu-${home}-${c}-${r}`;
        const body = () => ({
          events: [
            { id: `${run}-${home}-${c}-${r}-note`, type: 'AnnotationAdded', stream: note, tenant: run, expectedVersion: versions.get(note) ?? 0,
              payload: { subject: 's', text: `${home}/${c}/${r}`, author: 'load', tags: [] } },
          ],
        });
        const gpu = { replays: [replayBody(replayId, `fx-${fixture}`, { runtime: GPU, metrics: { accuracy: 0.9 + r / 1e5, mean_revenue: 120.5, rows: 1000 } })] };
        for (let target = home; ; ) {
          let res: Outcome;
          try {
            res = await post(target, body());
          } catch {
            // The instance died under us: the outcome is unknown, so send the same ids elsewhere.
            retriedAfterKill++;
            target = (target + 1) % 3;
            await killed;
            continue;
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 409 && res.body.code === 'VERSION_CONFLICT') {
            conflicts++;
            versions.set(note, res.body.details.actualVersion);
            continue;
          }
          expect(res.status).toBe(202);
          res.body.ids.forEach((id: string, i: number) => acked.set(id, res.body.positions[i]));
          versions.set(note, (versions.get(note) ?? 0) + 1);
          let replayed: Outcome;
          try {
            replayed = await post(target, gpu, '/v1/pcq/replays');
          } catch {
            retriedAfterKill++;
            target = (target + 1) % 3;
            await killed;
            replayed = await post(target, gpu, '/v1/pcq/replays');
          }
          statuses.set(replayed.status, (statuses.get(replayed.status) ?? 0) + 1);
          expect(replayed.status).toBe(202);
          acked.set(replayEventId(run, replayId), replayed.body.position);
          gpuReplays.push(replayEventId(run, replayId));
          if (target === 2 && ++acksOn2 === killAt) {
            instances[2]!.proc.kill('SIGKILL');
            killed = instances[2]!.exited.then(() => start(2)).then(() => undefined);
          }
          break;
        }
      }
    };
    await Promise.all([0, 1, 2].flatMap((home) => [0, 1].map((c) => client(home, 100 * home + c))));
    await killed;

    // Every acknowledged event is stored once, at the position it was acknowledged with.
    const stored = await store.readStored({ from: 1, limit: 1_000_000 });
    const byId = new Map(stored.map((e) => [e.id, e]));
    expect(byId.size).toBe(stored.length);
    // (A replay request answers the last position of its batch: one event here, so its own.)
    const lost = [...acked].filter(([id, pos]) => byId.get(id)?.position !== pos);
    expect(lost).toEqual([]);
    // No (stream, version) twice, positions gap-free, every chain verifies.
    expect(new Set(stored.map((e) => `${e.stream}#${e.streamVersion}`)).size).toBe(stored.length);
    stored.forEach((e, i) => expect(e.position).toBe(i + 1));
    const chains = new ChainVerifier();
    stored.forEach((e) => chains.check(e));
    expect(chains.breaks).toEqual([]);
    // Conflicts were answered 409, nothing else but 202.
    expect([...statuses.keys()].sort()).toEqual(conflicts ? [202, 409] : [202]);
    expect(conflicts).toBeGreaterThan(0);

    // The processors derived one check per GPU replay, exactly once, whichever instance held them.
    const checksOf = async () => (await store.read({ types: ['ReproducibilityChecked'], tenant: run, limit: 100_000 })).filter((e) => gpuReplays.includes(e.causationId!));
    const checks = await eventually(checksOf, (cs) => new Set(cs.map((c) => c.causationId)).size >= gpuReplays.length, 90_000);
    const perReplay = new Map<string, number>();
    for (const c of checks) perReplay.set(c.causationId!, (perReplay.get(c.causationId!) ?? 0) + 1);
    expect([...perReplay.values()].every((n) => n === 1)).toBe(true);
    expect(perReplay.size).toBe(gpuReplays.length);

    // Each instance's projections equal a clean rebuild (stopped first, at a committed point).
    const head = await store.head();
    await Promise.all(
      [0, 1, 2].map((i) => eventually(async () => ((await (await fetch(`${instances[i]!.url}/healthz`)).json()) as { head: number }).head, (h) => h >= head, 60_000)),
    );
    for (const i of [0, 1, 2]) {
      instances[i]!.proc.kill('SIGTERM');
      expect(await instances[i]!.exited).toBe(0);
    }
    const dir = mkdtempSync(join(tmpdir(), 'tf-multi-audit-'));
    try {
      const snapshot = await snapshotToSqlite(store, join(dir, 'store.db'));
      // One set of read models, folded by whichever instance held each projection's lock at the time.
      const live = PgReadModels.open({ connectionString: envs[0].DATABASE_URL! });
      const report = await replay(snapshot, live, allProjections());
      await live.close();
      expect({ mismatches: report.projections.filter((p) => !p.match), breaks: report.breaks }).toEqual({ mismatches: [], breaks: [] });
      expect(report.projections.filter((p) => p.position === 0).map((p) => p.name)).toEqual([]); // every projection folded
      await snapshot.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // The relay resumed wherever its lease went (instance 2, killed, may have held it): every stored event of this run is on its topic.
    const mine = stored.filter((e) => e.tenant === run);
    const topics = [...new Set(mine.map((e) => store.codec.entry(e.type).topic))];
    const onKafka = async () => new Set(topics.flatMap((t) => envelopesOn(t)).filter((r) => r.log === prefix).map((r) => r.id));
    const published = await eventually(onKafka, (ids) => mine.every((e) => ids.has(e.id)), 60_000);
    expect(mine.filter((e) => !published.has(e.id)).map((e) => e.id)).toEqual([]);

    // A new instance starts on the same deployment and answers.
    const fresh = await start(3);
    const res = await fetch(`${fresh.url}/v1/events?stream=${run}-notes-0&limit=1`, { headers: { authorization: `Bearer ${admin.key}` } });
    expect(res.status).toBe(200);
    console.log(`multi-instance: ${acked.size} events acknowledged, ${conflicts} conflicts (409), ${retriedAfterKill} requests resent after the kill, ${checks.length} checks derived`);
  }, 600_000);
});
