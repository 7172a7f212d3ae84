/**
 * The live alert path: Debian's Prometheus and Alertmanager, configured from infra/observe/*.yml
 * and a profile of infra/slo.yaml (`observe.live` or `observe.drill`), data in a temporary
 * directory, readiness polled (GET /-/ready) with a deadline.
 *
 *   node -r ./test/support/swc-register.js infra/observe/stack.ts up     (make observe-up)
 *   node -r ./test/support/swc-register.js infra/observe/stack.ts down   (make observe-down)
 *
 * Environment of the CLI: PROMETHEUS_PORT (9090), ALERTMANAGER_PORT (9093), OBSERVE_PROFILE
 * (live|drill, default live), TRUST_URL (the service Prometheus scrapes and Alertmanager posts
 * to, default http://127.0.0.1:${PORT:-8080}), and for the webhook's key either
 * TRUST_ALERTMANAGER_KEY_FILE (a file holding a key) or TRUST_DATA_DIR (a producer key of tenant
 * `system` is made there with `trust tenant add`). The key is written to a 0600 file in the temp
 * dir and never printed.
 */
import { Command } from 'commander';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { durationSeconds } from '../../projections/ops/slo-spec';
import { loadProfiles, type ObserveProfile, type ProfileName } from '../prometheus/profiles';
import { issueKey } from '../load/service-process';

const ROOT = join(__dirname, '..', '..');
export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface ObserveOptions {
  profile: ProfileName;
  prometheusPort: number;
  alertmanagerPort: number;
  /** host:port of the service's /metrics. */
  target: string;
  /** The service's webhook receiver, e.g. http://127.0.0.1:8080/v1/ops/alertmanager. */
  webhookUrl: string;
  /** Bearer key Alertmanager sends (an admin key, or a producer key of tenant `system`). */
  webhookKey: string;
  /** Keep the processes running after this Node process exits (make observe-up). */
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface ObserveStack {
  dir: string;
  profile: ObserveProfile;
  prometheusUrl: string;
  alertmanagerUrl: string;
  pids: number[];
  stop(): Promise<void>;
}

/** Fills ${NAME} placeholders; an unknown one is an error, not an empty string. */
export function render(template: string, values: Record<string, string | number>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for \${${name}} in an observe template`);
    return String(values[name]);
  });
}

export function renderConfigs(opts: ObserveOptions, dir: string, profile: ObserveProfile): { prometheus: string; alertmanager: string } {
  const values = {
    PROFILE: profile.name,
    SCRAPE_INTERVAL: profile.scrapeInterval,
    EVALUATION_INTERVAL: profile.evaluationInterval,
    SLO_RULES: join(ROOT, 'infra', 'prometheus', profile.name === 'drill' ? 'drill/slo-rules.yml' : 'slo-rules.yml'),
    INSTANCE_RULES: join(ROOT, 'infra', 'prometheus', 'instance-rules.yml'),
    ALERTMANAGER_PORT: opts.alertmanagerPort,
    TRUST_TARGET: opts.target,
    GROUP_WAIT: profile.groupWait,
    GROUP_INTERVAL: profile.groupInterval,
    REPEAT_INTERVAL: profile.repeatInterval,
    WEBHOOK_URL: opts.webhookUrl,
    WEBHOOK_KEY_FILE: join(dir, 'webhook.key'),
  };
  return {
    prometheus: render(readFileSync(join(__dirname, 'prometheus.yml'), 'utf8'), values),
    alertmanager: render(readFileSync(join(__dirname, 'alertmanager.yml'), 'utf8'), values),
  };
}

/** Polls `url` until it answers 200, or throws at the deadline with the process' log tail. */
export async function waitReady(url: string, deadlineMs: number, logFile: string, proc?: ChildProcess): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    const dead = proc && (proc.exitCode !== null || proc.signalCode !== null);
    if (dead || Date.now() > deadlineMs) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`${url} ${dead ? 'exited' : 'not ready by the deadline'}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function launch(bin: string, args: string[], logFile: string, detached: boolean): ChildProcess {
  const fd = openSync(logFile, 'a');
  const proc = spawn(bin, args, { stdio: ['ignore', fd, fd], detached });
  closeSync(fd);
  if (detached) proc.unref();
  return proc;
}

async function killAndWait(pid: number, deadlineMs: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  while (alive() && Date.now() < deadlineMs) await new Promise((r) => setTimeout(r, 50));
  if (alive()) process.kill(pid, 'SIGKILL');
}

export async function startObserve(opts: ObserveOptions): Promise<ObserveStack> {
  for (const bin of [PROMETHEUS_BIN, ALERTMANAGER_BIN]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run infra/observe/install.sh (Debian's prometheus and prometheus-alertmanager)`);
  }
  const profile = loadProfiles()[opts.profile];
  const dir = mkdtempSync(join(tmpdir(), 'trust-observe-'));
  writeFileSync(join(dir, 'webhook.key'), opts.webhookKey, { mode: 0o600 });
  const cfg = renderConfigs(opts, dir, profile);
  writeFileSync(join(dir, 'prometheus.yml'), cfg.prometheus);
  writeFileSync(join(dir, 'alertmanager.yml'), cfg.alertmanager);
  const detached = !!opts.detached;
  const am = launch(
    ALERTMANAGER_BIN,
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'alertmanager')}`, `--web.listen-address=127.0.0.1:${opts.alertmanagerPort}`, '--cluster.listen-address=', '--log.level=warn'],
    join(dir, 'alertmanager.log'),
    detached,
  );
  const prom = launch(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${opts.prometheusPort}`,
      '--storage.tsdb.retention.time=1d',
      '--log.level=warn',
    ],
    join(dir, 'prometheus.log'),
    detached,
  );
  const pids = [prom.pid!, am.pid!];
  const stack: ObserveStack = {
    dir,
    profile,
    prometheusUrl: `http://127.0.0.1:${opts.prometheusPort}`,
    alertmanagerUrl: `http://127.0.0.1:${opts.alertmanagerPort}`,
    pids,
    async stop() {
      const deadline = Date.now() + 10000;
      await Promise.all(pids.map((pid) => killAndWait(pid, deadline)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 30000);
    await waitReady(`${stack.alertmanagerUrl}/-/ready`, deadline, join(dir, 'alertmanager.log'), am);
    await waitReady(`${stack.prometheusUrl}/-/ready`, deadline, join(dir, 'prometheus.log'), prom);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}

/** Prometheus' instant query; the vector's first value (NaN when empty). */
export async function promQuery(prometheusUrl: string, query: string, time?: number): Promise<{ value: number; result: { metric: Record<string, string>; value: [number, string] }[] }> {
  const params = new URLSearchParams({ query });
  if (time !== undefined) params.set('time', String(time / 1000));
  const res = await fetch(`${prometheusUrl}/api/v1/query?${params}`);
  const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] | [number, string] } };
  if (body.status !== 'success') throw new Error(`Prometheus query failed: ${body.error}: ${query}`);
  const result = body.data.resultType === 'scalar' ? [{ metric: {}, value: body.data.result as [number, string] }] : (body.data.result as { metric: Record<string, string>; value: [number, string] }[]);
  return { value: result.length ? Number(result[0].value[1]) : NaN, result };
}

/** Polls until Prometheus has scraped the target once: its `up` (1 or 0), or null by the deadline. */
export async function pollScrape(prometheusUrl: string, deadlineMs: number): Promise<number | null> {
  for (;;) {
    const { value } = await promQuery(prometheusUrl, 'up{job="trust"}').catch(() => ({ value: NaN }));
    if (value === 1 || value === 0) return value;
    if (Date.now() > deadlineMs) return null;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls until Prometheus has scraped the target successfully (up == 1). */
export async function waitScraped(prometheusUrl: string, deadlineMs: number): Promise<void> {
  for (;;) {
    const { value } = await promQuery(prometheusUrl, 'up{job="trust"}').catch(() => ({ value: NaN }));
    if (value === 1) return;
    if (Date.now() > deadlineMs) throw new Error('Prometheus never scraped the service (up{job="trust"} != 1)');
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ------------------------------------------------------------------------------------- CLI

const stateFile = (prometheusPort: number) => join(tmpdir(), `trust-observe-${prometheusPort}.json`);

function portFrom(env: string | undefined, fallback: number, name: string): number {
  const p = Number(env ?? fallback);
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`${name} must be a port number, got '${env}'`);
  return p;
}

async function down(): Promise<number> {
  const prometheusPort = portFrom(process.env.PROMETHEUS_PORT, 9090, 'PROMETHEUS_PORT');
  const file = stateFile(prometheusPort);
  if (!existsSync(file)) {
    console.log(`observe: nothing running on PROMETHEUS_PORT=${prometheusPort}`);
    return 0;
  }
  const state = JSON.parse(readFileSync(file, 'utf8')) as { pids: number[]; dir: string };
  const deadline = Date.now() + 10000;
  await Promise.all(state.pids.map((pid) => killAndWait(pid, deadline)));
  rmSync(state.dir, { recursive: true, force: true });
  rmSync(file, { force: true });
  console.log(`observe: stopped Prometheus and Alertmanager, removed ${state.dir}`);
  return 0;
}

async function up(): Promise<number> {
  const prometheusPort = portFrom(process.env.PROMETHEUS_PORT, 9090, 'PROMETHEUS_PORT');
  const alertmanagerPort = portFrom(process.env.ALERTMANAGER_PORT, 9093, 'ALERTMANAGER_PORT');
  if (existsSync(stateFile(prometheusPort))) {
    console.error(`observe: already up on PROMETHEUS_PORT=${prometheusPort} (make observe-down first)`);
    return 1;
  }
  const profile = (process.env.OBSERVE_PROFILE ?? 'live') as ProfileName;
  if (profile !== 'live' && profile !== 'drill') throw new Error(`OBSERVE_PROFILE must be live or drill, got '${profile}'`);
  const trustUrl = new URL(process.env.TRUST_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`);
  let webhookKey: string;
  if (process.env.TRUST_ALERTMANAGER_KEY_FILE) webhookKey = readFileSync(process.env.TRUST_ALERTMANAGER_KEY_FILE, 'utf8').trim();
  else webhookKey = issueKey(process.env.TRUST_DATA_DIR ?? join(ROOT, '.data'), 'system', 'producer');
  const stack = await startObserve({
    profile,
    prometheusPort,
    alertmanagerPort,
    target: trustUrl.host,
    webhookUrl: new URL('/v1/ops/alertmanager', trustUrl).toString(),
    webhookKey,
    detached: true,
  });
  writeFileSync(stateFile(prometheusPort), JSON.stringify({ pids: stack.pids, dir: stack.dir }));
  console.log(`observe: Prometheus ${stack.prometheusUrl} and Alertmanager ${stack.alertmanagerUrl} ready (profile ${profile}, scraping ${trustUrl.host}, data in ${stack.dir})`);
  // The first scrape comes within one scrape interval: report whether the service answered it.
  const deadline = Date.now() + durationSeconds(stack.profile.scrapeInterval) * 1000 + 10000;
  const up = await pollScrape(stack.prometheusUrl, deadline);
  if (up === 1) console.log(`observe: ${trustUrl.host}/metrics scraped (up == 1)`);
  else console.log(`observe: warning: ${trustUrl.host}/metrics ${up === 0 ? 'did not answer the first scrape (up == 0)' : 'not scraped yet'}: is the service running? (make run)`);
  return 0;
}

if (require.main === module) {
  const report = (run: () => Promise<number>) => async () => {
    process.exitCode = await run().catch((err: Error) => {
      console.error(`observe: ${err.message}`);
      return 1;
    });
  };
  const program = new Command('stack').description('Prometheus and Alertmanager for the running service (make observe-up / observe-down)');
  program.command('up').description('start both, scraping TRUST_URL, alerts to its webhook').action(report(up));
  program.command('down').description('stop what `up` started on PROMETHEUS_PORT').action(report(down));
  void program.parseAsync(process.argv);
}
