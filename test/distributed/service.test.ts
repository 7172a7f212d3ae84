/**
 * The whole service on Kafka (TRUST_LOG=kafka): the registry's routes, processors and projections,
 * unchanged. The PCQ demo goes in over HTTP; the anomalies the Kafka processors derive equal the
 * embedded run's, a second instance's `trust replay` (read-only, never fencing the writer) finds
 * every chain intact and every projection equal to a clean rebuild.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueKey } from '../../connectors/auth/api-keys';
import { replay } from '../../connectors/audit/replay';
import { loadConfig } from '../../connectors/config';
import { callApi } from '../../connectors/http/client';
import { pcqDomain } from '../../connectors/http/routes/pcq';
import { listen, type RunningServer } from '../../connectors/http/server';
import { startTestService } from '../../connectors/http/testing';
import { allProjections } from '../../connectors/registry';
import { openConfiguredService, type Service } from '../../connectors/service';
import { KafkaEventLog } from '../../streams/log/kafka/kafka-event-log';
import { kafkaOptionsFromEnv } from '../../streams/log/kafka/from-env';
import { PROVER_GROUP } from '../../streams/zk/kafka-batch-feed';
import { leafOf, leavesOf, normalise } from '../../streams/zk/selector';
import { releaseCurves, snarkjs } from '../../streams/zk/snarkjs';
import { describeWithRegistry, kafkaBrokers, uniqueName } from './env';

const ROOT = join(__dirname, '..', '..');
type Anomaly = { fixtureId: string; kind: string; label: string; runtimes: string[] };
const summary = (rows: Anomaly[]) => rows.map((a) => `${a.fixtureId} ${a.kind} ${a.label} ${a.runtimes.join('>')}`).sort();

/** Polls a condition on the service (each poll is a real request), up to `ms`. */
async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describeWithRegistry('trust serve on Kafka', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-kafka-svc-'));
  const env = { ...process.env, TRUST_LOG: 'kafka', TRUST_DATA_DIR: dataDir, PORT: '0', TRUST_KAFKA_PREFIX: uniqueName('trust.svc') };
  let service: Service;
  let running: RunningServer;
  let url = '';
  const issued = issueKey('demo', 'producer');
  const call = (method: string, path: string, body?: unknown) => callApi(url, method, path, { key: issued.key, body });

  beforeAll(async () => {
    service = await openConfiguredService(loadConfig(env), {}, env);
    running = await listen(service, 0);
    url = `http://127.0.0.1:${running.port}`;
    await service.log.append([issued.event]);
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await releaseCurves(); // the test's own verify started snarkjs's curve workers
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the PCQ demo derives the same anomalies as on the embedded log, and the auditor replay holds', async () => {
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

    expect(service.config.logMode).toBe('kafka');
    const lines = await pcqDomain.demo!({ tenant: 'demo', request: call });
    expect(lines[0]).toMatch(/12 PCQ fixtures/);
    // Detection and triage are two processors (two consumer groups): wait until every anomaly is labelled.
    const got = await eventually(
      async () => summary((await call('GET', '/v1/pcq/anomalies')).body),
      (s) => s.length >= expected.length && !s.some((line) => line.includes(' null ')),
    );
    expect(got).toEqual(expected);

    // Exactly once: every replay was checked once, whatever the consumer groups went through.
    const checks = (service.log as KafkaEventLog).mirror.readSync({ types: ['ReproducibilityChecked'], limit: 100_000 });
    expect(new Set(checks.map((e) => e.id)).size).toBe(checks.length);

    const auditor = await KafkaEventLog.connect({ ...kafkaOptionsFromEnv(env), readOnly: true });
    try {
      await auditor.sync();
      await service.ctx.settled(service.headSync(), 30_000);
      const report = replay(auditor.mirror, service.readModels, allProjections());
      expect(report.breaks).toEqual([]);
      expect(report.projections.filter((p) => !p.match)).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await auditor.close();
    }
  }, 180_000);

  test('`trust tenant add` on Kafka issues a key the running service accepts, without fencing its writer', async () => {
    const cli = spawnSync(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, 'connectors/cli/main.ts'), 'tenant', 'add', 'globex', '--role', 'auditor'], {
      cwd: ROOT,
      env: env,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    const key = cli.stdout.trim().split('\n').pop()!;
    const read = () => callApi(url, 'GET', '/v1/events?limit=1', { key });
    expect((await eventually(read, (r) => r.status === 200, 30_000)).status).toBe(200);
    // The service still appends (its writer was not fenced by the CLI's).
    const res = await call('POST', '/v1/events', { type: 'AnnotationAdded', stream: 'notes-after-cli', payload: { subject: 's', text: 't', author: 'a', tags: [] } });
    expect(res.status).toBe(202);
  }, 60_000);

  test('ZK-TX on Kafka: the provers\' consumer group proves a job, the proof verifies, and no raw selector reaches any topic', async () => {
    const alpha = issueKey('alpha', 'producer');
    const beta = issueKey('beta', 'producer');
    await service.log.append([alpha.event, beta.event]);
    const PEPPER = '0badc0ffee0ddf00d5eed5a1750a1fbeefcafe0123456789abcdef0123456789';
    const CANARY = 'Canary-KFK-41c9e2@Trust-Fabric.Test';
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

    // The batch was proved by the group: its offsets are committed.
    const admin = (service.log as KafkaEventLog).admin;
    // The commit follows the outcome's append, so it may land just after the job reads as done.
    const committed = async () => (await admin.fetchOffsets({ groupId: PROVER_GROUP(env.TRUST_KAFKA_PREFIX) })).flatMap((t) => t.partitions).some((p) => Number(p.offset) > 0);
    expect(await eventually(committed, (c) => c, 15_000)).toBe(true);

    // Canary: neither the raw nor the normalised selector is in any record (key, headers, value) of any topic.
    const needles = [CANARY, normalise(CANARY)].map((s) => Buffer.from(s, 'utf8'));
    for (const topic of (await admin.listTopics()).filter((t) => !t.startsWith('__'))) {
      const dump = execFileSync('kcat', ['-b', kafkaBrokers[0], '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k %h %s\n'], { maxBuffer: 512 * 1024 * 1024 });
      for (const n of needles) expect({ topic, found: dump.includes(n) }).toEqual({ topic, found: false });
    }
  }, 180_000);
});
