/**
 * The whole service on Kafka (TRUST_LOG=kafka): the registry's routes, processors and projections,
 * unchanged. The PCQ demo goes in over HTTP; the anomalies the Kafka processors derive equal the
 * embedded run's, a second instance's `trust replay` (read-only, never fencing the writer) finds
 * every chain intact and every projection equal to a clean rebuild.
 */
import { spawnSync } from 'node:child_process';
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
import { describeWithRegistry, uniqueName } from './env';

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
});
