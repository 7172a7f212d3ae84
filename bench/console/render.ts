/**
 * `make bench-console`: each console page's time to render in headless Chromium, with the
 * `make bench-pcq` data set loaded (1,000 fixtures × 5 releases × 2 runtimes) next to the LAC and
 * ZK-TX demo data, on a real service. A page's time runs from the navigation (a full load of
 * /ui/#/<page>) to its content on screen (its data drawn, not a spinner); median of --runs loads.
 * Target < 1 s per page. Prints the conditions, one line per page, then one JSON line.
 *   node -r ./test/support/swc-register.js bench/console/render.ts [--fixtures 1000] [--runs 3]
 */
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { launchBrowser } from '../../test/support/browser';
import { startTestService } from '../../connectors/http/testing';
import { domains } from '../../connectors/registry';
import { consoleDir } from '../../connectors/http/console';
import { pcqBenchSet } from '../pcq/data';

const args = new Command()
  .option('--fixtures <n>', 'fixtures in the bench-pcq data set', Number, 1000)
  .option('--runs <n>', 'loads per page (the median is reported)', Number, 3)
  .parse(process.argv)
  .opts<{ fixtures: number; runs: number }>();
const FIXTURES = args.fixtures;
const RUNS = args.runs;
const TARGET_MS = 1000;

const PAGES: { name: string; hash: string; ready: string }[] = [
  { name: 'home', hash: '#/', ready: '[data-testid=slo-table]' },
  { name: 'studio', hash: '#/studio', ready: '[data-testid=policies]' },
  { name: 'studio_policy', hash: '#/studio/analytics-access', ready: '[data-testid=versions]' },
  { name: 'new_policy', hash: '#/new', ready: '[data-testid=bundle-tenant\\.isolation]' },
  { name: 'analytics', hash: '#/analytics', ready: '[data-testid=per-author]' },
  { name: 'pcq', hash: '#/pcq', ready: '[data-testid=cluster]' },
  { name: 'zk', hash: '#/zk', ready: '[data-testid=jobs]' },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  if (!existsSync(join(consoleDir(), 'index.html'))) throw new Error('the console is not built: run `make console`');
  const svc = await startTestService();
  const tenant = 'bench';
  const admin = await svc.keyFor(tenant, 'admin');
  const request = (method: string, path: string, body?: unknown) => svc.request(method, path, admin, body);
  const must = async (method: string, path: string, body: unknown, status: number) => {
    const r = await request(method, path, body);
    if (r.status !== status) throw new Error(`${method} ${path} → ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  };
  const t0 = performance.now();
  const set = pcqBenchSet(FIXTURES);
  for (let i = 0; i < set.manifests.length; i += 1000) await must('POST', '/v1/pcq/fixtures', set.manifests.slice(i, i + 1000), 201);
  for (const tag of set.releases) await must('POST', '/v1/pcq/releases', tag, 201);
  for (let i = 0; i < set.replays.length; i += 500) await must('POST', '/v1/pcq/replays', { replays: set.replays.slice(i, i + 500) }, 202);
  for (const d of domains()) if (d.demo && d.name !== 'pcq') await d.demo({ tenant, request });
  await svc.service.ctx.settled(svc.service.log.headSync(), 300_000);
  const loadS = (performance.now() - t0) / 1000;

  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${svc.url}/ui/login?next=%2Fui%2F`);
  await page.fill('#key', admin);
  await page.click('button[type=submit]');
  await page.waitForURL(`${svc.url}/ui/`);
  const figures: Record<string, number> = {};
  for (const p of PAGES) {
    const times: number[] = [];
    for (let run = 0; run < RUNS + 1; run++) {
      await page.goto('about:blank');
      const t = performance.now();
      await page.goto(`${svc.url}/ui/${p.hash}`);
      await page.locator(p.ready).first().waitFor({ timeout: 60_000 });
      if (run > 0) times.push(performance.now() - t); // the first load warms the browser cache and the service
    }
    figures[`render_ms_${p.name}`] = Math.round(median(times));
  }
  await browser.close();
  const head = svc.service.log.headSync();
  await svc.stop();

  const max = Math.max(...Object.values(figures));
  console.log(`conditions: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, headless Chromium (${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}), embedded SQLite log`);
  console.log(`data: ${FIXTURES} fixtures × ${set.releases.length} releases × 2 runtimes = ${set.replays.length} replays + LAC and ZK-TX demo data; ${head} events, loaded and folded in ${loadS.toFixed(1)} s`);
  console.log(`time to render (full load of /ui/#/<page> to its data on screen, median of ${RUNS} after one warm-up):`);
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.replace('render_ms_', '').padEnd(14)} ${String(v).padStart(6)} ms${v < TARGET_MS ? '' : '  (over the 1 s target)'}`);
  figures.render_ms_max = max;
  console.log(JSON.stringify({ bench: 'console', figures, ratios: {}, targets: { render_ms_max: TARGET_MS }, pass: max < TARGET_MS }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
