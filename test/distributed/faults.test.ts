/**
 * Servers failing under a running distributed instance (`trust serve` as a child process):
 * PostgreSQL stopped for 10 s mid-ingest (requests get 503 with Retry-After, the process never
 * crashes, it recovers by itself, every acknowledged event is stored once); the Kafka broker stopped
 * mid-ingest (appends go on: the store does not need the bus; the relay publishes everything once
 * the broker is back); SIGTERM while PostgreSQL is down exits within the shutdown timeout.
 * The 10 s outages are the faults themselves, not waits for a condition.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { issueKey } from '../../connectors/auth/api-keys';
import { startServe, type ServiceProcess } from '../../infra/load/service-process';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { readEnvelope } from '../../streams/log/kafka/headers';
import { databaseUrl, describeDistributed, eventually, instanceEnv, kafkaBrokers, uniqueName } from './env';

const INFRA = join(__dirname, '..', '..', 'infra');
const canRestart = !!process.env.PG_RUN_DIR && !!process.env.KAFKA_RUN_DIR;
const d = canRestart ? describeDistributed : describe.skip;
const outage = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pg = (action: 'start' | 'stop') => execFileSync('bash', [join(INFRA, 'postgres', `${action}.sh`)], { env: process.env, stdio: 'ignore' });
const kafka = (action: 'start' | 'stop') => execFileSync('bash', [join(INFRA, 'kafka', `${action}.sh`), ...(action === 'stop' ? ['--keep-data'] : [])], { env: process.env, stdio: 'ignore' });

/** A sample's value on a /metrics page (NaN when the series is absent). */
function metric(page: string, name: string, label: string, value: string): number {
  const line = page.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`${label}="${value}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

d('servers failing under a distributed instance', () => {
  const prefix = uniqueName('trust.faults');
  const tenant = prefix.replace(/\W/g, '');
  const env = instanceEnv(prefix, { TRUST_ZK_WORKERS: '0', TRUST_SLO_SAMPLE_SECONDS: '3600', TRUST_SHUTDOWN_TIMEOUT_MS: '8000' });
  const admin = issueKey(tenant, 'admin');
  let svc: ServiceProcess;
  let store: PgEventLog;
  const acked = new Map<string, number>();
  const statuses: Record<number, number> = {};
  let retryAfterSeen = false;
  let seq = 0;
  const scrape = async () => (await fetch(`${svc.url}/metrics`)).text();

  /** One batch, sent until it is acknowledged (503 and refused connections are retried with the same ids). */
  async function ingest(batch = 20): Promise<void> {
    const events = Array.from({ length: batch }, () => {
      const n = seq++;
      return { id: `${tenant}-${n}`, type: 'AnnotationAdded', stream: `${tenant}-s${n % 7}`, tenant, payload: { subject: 's', text: String(n), author: 'fault', tags: [] } };
    });
    for (;;) {
      const res = await fetch(`${svc.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.key}` },
        body: JSON.stringify({ events }),
      });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 503) {
        retryAfterSeen ||= Number(res.headers.get('retry-after')) > 0;
        await res.arrayBuffer();
        await outage(200);
        continue;
      }
      const body = (await res.json()) as { ids: string[]; positions: number[] };
      expect(res.status).toBe(202);
      body.ids.forEach((id, i) => acked.set(id, body.positions[i]));
      return;
    }
  }

  beforeAll(async () => {
    store = await PgEventLog.open({ connectionString: databaseUrl });
    await store.append([admin.event]);
    const { TRUST_DATA_DIR, ...rest } = env;
    svc = await startServe(TRUST_DATA_DIR!, 0, rest as Record<string, string>);
    // The key is folded before the first request (each instance folds its own read models).
    await eventually(() => fetch(`${svc.url}/v1/events?limit=1`, { headers: { authorization: `Bearer ${admin.key}` } }), (r) => r.status === 200, 30_000);
  }, 120_000);

  afterAll(async () => {
    svc?.proc.kill('SIGKILL');
    await store?.close().catch(() => undefined);
    rmSync(env.TRUST_DATA_DIR!, { recursive: true, force: true });
  });

  test('PostgreSQL stopped for 10 s mid-ingest: 503 with Retry-After meanwhile, no crash, recovery, every acknowledged event once', async () => {
    for (let i = 0; i < 10; i++) await ingest();
    const during = (async () => {
      while (acked.size < 600) await ingest();
    })();
    pg('stop');
    await outage(10_000);
    pg('start');
    await during;
    expect(svc.proc.exitCode).toBeNull();
    expect(statuses[503]).toBeGreaterThan(0);
    expect(retryAfterSeen).toBe(true);
    expect(Object.keys(statuses).map(Number).sort()).toEqual([202, 503]);
    await store.close();
    store = await PgEventLog.open({ connectionString: databaseUrl });
    const mine = (await store.readStored({ from: 1, limit: 1_000_000 })).filter((e) => e.tenant === tenant);
    expect(new Set(mine.map((e) => e.id)).size).toBe(mine.length);
    expect([...acked].filter(([id, pos]) => !mine.some((e) => e.id === id && e.position === pos))).toEqual([]);
    // Healthy again by itself: every follower committed after the outage.
    const health = await eventually(async () => (await fetch(`${svc.url}/healthz`)).status, (s) => s === 200, 30_000);
    expect(health).toBe(200);
  }, 120_000);

  test('the broker stopped mid-ingest: appends go on, the relay shows its lag and its failure on /metrics, and publishes every event once it is back', async () => {
    kafka('stop');
    const before = acked.size;
    for (let i = 0; i < 10; i++) await ingest();
    expect(acked.size).toBe(before + 200);
    // What an SRE's alerts read (infra/prometheus/instance-rules.yml): the relay's lag grows with
    // the appends it cannot publish, and it reports failing once the producer gives a round up.
    const relay = `relay:${prefix}`;
    const lag = async () => metric(await scrape(), 'trust_processor_lag_events', 'processor', relay);
    expect(await eventually(lag, (n) => n >= 200, 10_000)).toBeGreaterThanOrEqual(200);
    const failing = async () => metric(await scrape(), 'trust_component_failing', 'component', relay);
    expect(await eventually(failing, (n) => n === 1, 90_000)).toBe(1);
    kafka('start');
    const ids = new Set([...acked.keys()]);
    const published = async () => {
      const dump = execFileSync('kcat', ['-b', kafkaBrokers[0], '-C', '-t', 'trust.annotations.notes', '-o', 'beginning', '-e', '-q', '-f', '%h\n'], { maxBuffer: 256 * 1024 * 1024 }).toString();
      return dump
        .split('\n')
        .filter((l) => l.startsWith('trust.envelope=') && l.includes(prefix))
        .map((l) => readEnvelope({ 'trust.envelope': l.slice('trust.envelope='.length) })!)
        .filter((r) => r.log === prefix && ids.has(r.envelope.id))
        .map((r) => r.envelope.id);
    };
    const got = await eventually(published, (p) => new Set(p).size >= ids.size, 90_000);
    expect(new Set(got)).toEqual(ids);
    expect(await eventually(lag, (n) => n === 0, 30_000)).toBe(0);
    expect(await eventually(failing, (n) => n === 0, 30_000)).toBe(0);
  }, 240_000);

  test('an instance started while the broker is down serves at once; its bus connects when the broker is back', async () => {
    const prefix2 = uniqueName('trust.late-bus');
    const env2 = instanceEnv(prefix2, { TRUST_ZK_WORKERS: '0', TRUST_SLO_SAMPLE_SECONDS: '3600' });
    kafka('stop');
    let brokerBack = false;
    let late: ServiceProcess | undefined;
    try {
      const { TRUST_DATA_DIR, ...rest } = env2;
      late = await startServe(TRUST_DATA_DIR!, 0, rest as Record<string, string>);
      const id = `${tenant}-late-bus`;
      const post = () =>
        fetch(`${late!.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.key}` },
          body: JSON.stringify({ id, type: 'AnnotationAdded', stream: `${tenant}-late`, tenant, payload: { subject: 's', text: 'late', author: 'fault', tags: [] } }),
        });
      // The key is folded from the store, the append goes to the store: no broker needed.
      expect((await eventually(post, (r) => r.status === 202, 30_000)).status).toBe(202);
      // Meanwhile the instance says what it waits for (once its first attempt to reach the broker gave up).
      const failing = async () => ((await (await fetch(`${late!.url}/healthz`)).json()) as { failing: string[] }).failing;
      expect(await eventually(failing, (f) => f.includes('kafka'), 90_000)).toContain('kafka');
      kafka('start');
      brokerBack = true;
      const published = async () => {
        const dump = execFileSync('kcat', ['-b', kafkaBrokers[0], '-C', '-t', 'trust.annotations.notes', '-o', 'beginning', '-e', '-q', '-f', '%h\n'], { maxBuffer: 256 * 1024 * 1024 }).toString();
        return dump.includes(`"id":"${id}"`) && dump.includes(prefix2);
      };
      expect(await eventually(published, (p) => p, 90_000)).toBe(true);
    } finally {
      if (!brokerBack) kafka('start');
      late?.proc.kill('SIGKILL');
      rmSync(env2.TRUST_DATA_DIR!, { recursive: true, force: true });
    }
  }, 240_000);

  test('SIGTERM while PostgreSQL is down: the process exits within its shutdown timeout', async () => {
    pg('stop');
    try {
      const t0 = Date.now();
      svc.proc.kill('SIGTERM');
      await svc.exited;
      expect(Date.now() - t0).toBeLessThan(8000 + 5000);
    } finally {
      pg('start');
    }
  }, 60_000);
});
