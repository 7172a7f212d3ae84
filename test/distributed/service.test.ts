/**
 * The whole service in distributed mode (PostgreSQL + Kafka): the registry's routes, processors and
 * projections, unchanged. The PCQ demo goes in over HTTP; the anomalies the leased processors
 * derive equal the embedded run's, exactly once; the auditor's replay (read-only) finds every chain
 * intact and every projection equal to a clean rebuild; the relay publishes every stored event to
 * its catalog topic once, and no raw selector reaches any topic; a second instance answers pages,
 * previews and reports from the same shared read models.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueKey } from '../../connectors/auth/api-keys';
import { replay } from '../../connectors/audit/replay';
import { snapshotToSqlite } from '../../connectors/audit/snapshot';
import { loadConfig } from '../../connectors/config';
import { callApi } from '../../connectors/http/client';
import { lacDomain } from '../../connectors/http/routes/lac';
import { pcqDomain } from '../../connectors/http/routes/pcq';
import { listen, type RunningServer } from '../../connectors/http/server';
import { startTestService } from '../../connectors/http/testing';
import { allProjections } from '../../connectors/registry';
import { openConfiguredService, type Service } from '../../connectors/service';
import { KafkaRelay } from '../../streams/bus/relay';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { leafOf, leavesOf, normalise } from '../../streams/zk/selector';
import { releaseCurves, snarkjs } from '../../streams/zk/snarkjs';
import { databaseUrl, describeDistributed, envelopesOn, eventually, instanceEnv, kafkaBrokers, uniqueName } from './env';

const ROOT = join(__dirname, '..', '..');
type Anomaly = { fixtureId: string; kind: string; label: string; runtimes: string[] };
const summary = (rows: Anomaly[]) => rows.map((a) => `${a.fixtureId} ${a.kind} ${a.label} ${a.runtimes.join('>')}`).sort();

describeDistributed('trust serve in distributed mode', () => {
  const env = instanceEnv(uniqueName('trust.svc'));
  let service: Service;
  let running: RunningServer;
  let url = '';
  const issued = issueKey('demo', 'producer');
  const call = (method: string, path: string, body?: unknown) => callApi(url, method, path, { key: issued.key, body });

  beforeAll(async () => {
    service = await openConfiguredService(loadConfig(env));
    await service.start();
    running = await listen(service, 0);
    url = `http://127.0.0.1:${running.port}`;
    await service.log.append([issued.event]);
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await releaseCurves(); // the test's own verify started snarkjs's curve workers
    rmSync(env.TRUST_DATA_DIR!, { recursive: true, force: true });
  });

  test('the PCQ demo derives the same anomalies as on the embedded log, exactly once, and the auditor replay holds', async () => {
    const embedded = await startTestService();
    let expected: string[];
    try {
      const key = await embedded.keyFor('demo', 'producer');
      await pcqDomain.demo!({ tenant: 'demo', request: (m, p, b) => embedded.request(m, p, key, b) });
      expected = summary((await embedded.request('GET', '/v1/pcq/anomalies', key)).body);
    } finally {
      await embedded.stop();
    }
    expect(expected.length).toBeGreaterThan(4);

    expect(service.config.logMode).toBe('distributed');
    const lines = await pcqDomain.demo!({ tenant: 'demo', request: call });
    expect(lines[0]).toMatch(/12 PCQ fixtures/);
    // Detection and triage are two leased processors: wait until every anomaly is labelled.
    const got = await eventually(
      async () => summary((await call('GET', '/v1/pcq/anomalies')).body),
      (s) => s.length >= expected.length && !s.some((line) => line.includes(' null ')),
    );
    expect(got).toEqual(expected);

    const log = service.log as PgEventLog;
    // Exactly once: every replay was checked once.
    const checks = await log.read({ types: ['ReproducibilityChecked'], limit: 100_000 });
    expect(checks.length).toBeGreaterThan(0);
    expect(new Set(checks.map((e) => e.id)).size).toBe(checks.length);

    const auditor = await PgEventLog.open({ connectionString: databaseUrl, readOnly: true });
    const dir = mkdtempSync(join(tmpdir(), 'tf-audit-'));
    try {
      await service.ctx.settled(await log.head(), 30_000);
      const snapshot = await snapshotToSqlite(auditor, join(dir, 'store.db'));
      const report = await replay(snapshot, service.readModels, allProjections());
      await snapshot.close();
      expect(report.breaks).toEqual([]);
      expect(report.projections.filter((p) => !p.match)).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await auditor.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  test('read models are shared: after the LAC demo through this instance, a second instance serves the preview page, analytics, the SLO report and pages', async () => {
    const admin = issueKey('demo', 'admin');
    await service.log.append([admin.event]);
    const lines = await lacDomain.demo!({ tenant: 'demo', request: (method, path, body) => callApi(url, method, path, { key: admin.key, body }) });
    const page = /\/ui\/lac\/promotions\/(pv-[\w-]+)/.exec(lines.join('\n'))![0];
    // A second instance: nothing of its own on disk, the read models it answers from are the shared ones.
    const second = await openConfiguredService(loadConfig(instanceEnv(env.TRUST_KAFKA_PREFIX!)));
    await second.start();
    const other = await listen(second, 0);
    const get = (path: string) => callApi(`http://127.0.0.1:${other.port}`, 'GET', path, { key: admin.key });
    try {
      const promotion = await get(page);
      expect(promotion.status).toBe(200);
      expect(String(promotion.body)).toContain('1.1.0');
      const analytics = await get('/v1/lac/analytics');
      expect(analytics.status).toBe(200);
      expect(analytics.body).toMatchObject({ promotions: 1 });
      const slo = await get('/v1/ops/slo');
      expect(slo.status).toBe(200);
      expect(slo.body.slos.length).toBeGreaterThan(0);
      for (const path of ['/ui/ops/slo', '/ui/pcq/timeline?tenant=demo']) expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    } finally {
      await other.stop();
    }
  }, 180_000);

  test('`trust tenant add` in distributed mode issues a key the running service accepts', async () => {
    const cli = spawnSync(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, 'connectors/cli/main.ts'), 'tenant', 'add', 'globex', '--role', 'auditor'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const key = cli.stdout.trim().split('\n').pop()!;
    const read = () => callApi(url, 'GET', '/v1/events?limit=1', { key });
    expect((await eventually(read, (r) => r.status === 200, 30_000)).status).toBe(200);
  }, 60_000);

  test('ZK-TX in distributed mode: the leased prover proves a job, the proof verifies, and no raw selector reaches any topic', async () => {
    const alpha = issueKey('alpha', 'producer');
    const beta = issueKey('beta', 'producer');
    await service.log.append([alpha.event, beta.event]);
    const PEPPER = '0badc0ffee0ddf00d5eed5a1750a1fbeefcafe0123456789abcdef0123456789';
    const CANARY = 'Canary-PGK-41c9e2@Trust-Fabric.Test';
    const leaves = await leavesOf([CANARY, 'ana@alpha.example', 'bo@alpha.example'], PEPPER);
    const set = await eventually(() => callApi(url, 'POST', '/v1/zk/sets', { key: alpha.key, body: { setId: 'customers', pepperVersion: 1, leaves } }), (r) => r.status === 201, 30_000);
    expect(set.status).toBe(201);
    const query = await leafOf(` ${CANARY.toLowerCase()} `, PEPPER);
    const job = await eventually(
      () => callApi(url, 'POST', '/v1/zk/jobs', { key: beta.key, body: { counterparty: 'alpha', setId: 'customers', query, pepperVersion: 1 } }),
      (r) => r.status === 202,
      30_000,
    );
    expect(job.status).toBe(202);
    const done = await eventually(() => callApi(url, 'GET', `/v1/zk/jobs/${job.body.jobId}`, { key: beta.key }), (r) => r.body?.status === 'done' || r.body?.status === 'failed', 90_000);
    expect(done.body.status).toBe('done');
    expect(done.body.result.overlap).toBe(true);
    const vk = await callApi(url, 'GET', `/v1/zk/verification-keys/${done.body.result.circuit}`, { key: beta.key });
    expect(await snarkjs().groth16.verify(vk.body, done.body.result.publicSignals, done.body.result.proof)).toBe(true);

    // The relay has published everything stored so far: each event once, on its catalog topic.
    const log = service.log as PgEventLog;
    const head = await log.head();
    const relay = service.processors.find((p) => p instanceof KafkaRelay) as KafkaRelay;
    await eventually(async () => relay.progress$.value, (p) => p >= head, 60_000);
    const stored = (await log.readStored({ from: 1, limit: 1_000_000 })).filter((e) => e.position <= head).map((e) => e.id);
    const cat = log.codec.cat;
    const published = [...cat.topics.keys()].flatMap((t) => envelopesOn(t)).filter((r) => r.log === env.TRUST_KAFKA_PREFIX).map((r) => r.id);
    expect(new Set(published).size).toBe(published.length);
    const missing = stored.filter((id) => !published.includes(id));
    expect(missing).toEqual([]);

    // Canary: neither the raw nor the normalised selector is in any record (key, headers, value) of any topic.
    const needles = [CANARY, normalise(CANARY)].map((s) => Buffer.from(s, 'utf8'));
    for (const topic of cat.topics.keys()) {
      const dump = execFileSync('kcat', ['-b', kafkaBrokers[0], '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k %h %s\n'], { maxBuffer: 512 * 1024 * 1024 });
      for (const n of needles) expect({ topic, found: dump.includes(n) }).toEqual({ topic, found: false });
    }
  }, 180_000);
});
