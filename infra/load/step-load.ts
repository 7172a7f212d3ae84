/**
 * `make load`: a step-load with autocannon on the service — ingest + decide —
 * stepping 300 → 330 → 360 requests/s (LOAD_STEPS, LOAD_STEP_SECONDS), with unique proof jobs beside
 * it at LOAD_PROOF_RPS (default 2/s; proof-flow.ts), each followed from POST to its readable result. Against TRUST_URL with
 * TRUST_KEY when set, else against a `trust serve` it starts on 127.0.0.1 over a fresh data dir.
 * Prints p50/p95/p99 and the error rate per step, the SLO burn measured from the service's own
 * /metrics, saves JSON and HTML under infra/load/reports/, and ends with the bench JSON line.
 */
import autocannon from 'autocannon';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sliCounts, type SliCount } from '../../projections/ops/sli-counts';
import { errorBudget, loadSloSpec, round, type SloSpec } from '../../projections/ops/slo-spec';
import { fetchMetrics } from './metrics-text';
import { benchLine, percentile, renderLoadHtml, type ClassResult, type LoadReport, type SloBurn, type StepResult } from './load-report';
import { issueAdminKey, startServe, stopServe, type ServiceProcess } from './service-process';
import { ProofFlow } from './proof-flow';
import { ALL_CLASSES, apiFor, RouteMissing, type TrafficClass } from './traffic';

export interface StepOptions {
  url: string;
  key: string;
  rps: number;
  seconds: number;
  classes: TrafficClass[];
  spec: SloSpec;
  /** Unique proof jobs offered beside the mix (per second), each followed to its result. */
  proofs?: { flow: ProofFlow; rate: number };
}

let sequence = 0;

/** Lowest burn rate that pages: a step above it would page if sustained for the short window. */
export const pageFactor = (spec: SloSpec): number => Math.min(...spec.alerting.page.windows.map((w) => w.burnRate));

export function sloBurns(spec: SloSpec, before: SliCount[], after: SliCount[]): SloBurn[] {
  return spec.slos.map((slo) => {
    const a = after.find((c) => c.slo === slo.name)!;
    const b = before.find((c) => c.slo === slo.name)!;
    const total = a.total - b.total;
    const bad = total - (a.good - b.good);
    const errorRatio = total > 0 ? round(bad / total) : null;
    return { slo: slo.name, total, errorRatio, burnRate: errorRatio === null ? null : round(errorRatio / errorBudget(slo), 6) };
  });
}

export async function runStep(o: StepOptions): Promise<StepResult> {
  const before = sliCounts(o.spec, await fetchMetrics(o.url));
  const totalShare = o.classes.reduce((n, c) => n + c.share, 0);
  const all: number[] = [];
  const byClass: Record<string, ClassResult> = {};
  const started = Date.now();
  const proofRun = o.proofs && o.proofs.rate > 0 ? o.proofs.flow.run(o.proofs.rate, o.seconds) : undefined;
  await Promise.all(
    o.classes.map(async (cls) => {
      const rate = Math.max(1, Math.round((o.rps * cls.share) / totalShare));
      const latencies: number[] = [];
      const statuses: Record<string, number> = {};
      let errors = 0;
      let finished!: (err?: unknown) => void;
      const done = new Promise<void>((resolve, reject) => (finished = (err) => (err ? reject(err) : resolve())));
      const instance = autocannon({
        url: o.url,
        connections: Math.max(4, Math.ceil(rate / 15)),
        overallRate: rate,
        duration: o.seconds,
        timeout: 10,
        requests: [
          {
            method: cls.method,
            path: cls.path,
            headers: { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: JSON.stringify(cls.body(sequence++)) }),
          },
        ],
      }, (err) => finished(err));
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status < 200 || status > 299) errors++;
      });
      instance.on('reqError', () => {
        errors++;
        statuses.error = (statuses.error ?? 0) + 1;
      });
      await done;
      latencies.sort((a, b) => a - b);
      all.push(...latencies);
      byClass[cls.name] = { requests: latencies.length + (statuses.error ?? 0), errors, statuses, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const proofs = await proofRun;
  all.sort((a, b) => a - b);
  const requests = Object.values(byClass).reduce((n, c) => n + c.requests, 0);
  const errors = Object.values(byClass).reduce((n, c) => n + c.errors, 0);
  const after = sliCounts(o.spec, await fetchMetrics(o.url));
  const slo = sloBurns(o.spec, before, after);
  return {
    rps: o.rps,
    seconds: o.seconds,
    requests,
    achievedRps: requests / elapsed,
    errors,
    // a proof job that fails or never completes is an error of the step, like a failed request
    errorRate: requests + (proofs?.submitted ?? 0) ? (errors + (proofs?.failed ?? 0)) / (requests + (proofs?.submitted ?? 0)) : 1,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    max: all[all.length - 1] ?? 0,
    byClass,
    ...(proofs ? { proofs } : {}),
    slo,
    sloBurned: slo.some((b) => b.burnRate !== null && b.burnRate > pageFactor(o.spec)),
  };
}

/** Set up each class; the ones whose routes are not deployed are skipped (and reported). */
export async function prepareClasses(url: string, key: string): Promise<{ classes: TrafficClass[]; skipped: { name: string; reason: string }[] }> {
  const api = apiFor(url, key);
  const classes: TrafficClass[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const cls of ALL_CLASSES) {
    try {
      await cls.setup(api);
      classes.push(cls);
    } catch (err) {
      if (!(err instanceof RouteMissing) && process.env.LOAD_STRICT) throw err;
      skipped.push({ name: cls.name, reason: (err as Error).message });
    }
  }
  return { classes, skipped };
}

async function main(): Promise<void> {
  const spec = loadSloSpec();
  const steps = (process.env.LOAD_STEPS ?? '300,330,360').split(',').map(Number);
  const seconds = Number(process.env.LOAD_STEP_SECONDS ?? 20);
  let svc: ServiceProcess | undefined;
  let dataDir: string | undefined;
  let url = process.env.TRUST_URL;
  let key = process.env.TRUST_KEY;
  if (!url || !key) {
    dataDir = mkdtempSync(join(tmpdir(), 'trust-load-'));
    key = issueAdminKey(dataDir);
    svc = await startServe(dataDir);
    url = svc.url;
  }
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(url)) throw new Error(`load goes to this machine only (127.0.0.1); refusing ${url}`);
  try {
    const { classes, skipped } = await prepareClasses(url, key);
    // Unique proof jobs at LOAD_PROOF_RPS beside the mix (0: none); the set has LOAD_PROOF_LEAVES leaves.
    const proofRate = Number(process.env.LOAD_PROOF_RPS ?? 2);
    let proofs: StepOptions['proofs'];
    if (proofRate > 0) {
      try {
        const flow = await ProofFlow.setup(apiFor(url, key), Date.now().toString(36), { leaves: Number(process.env.LOAD_PROOF_LEAVES ?? 10_000) });
        proofs = { flow, rate: proofRate };
        console.log(`proof flow: ${proofRate} unique proof jobs/s over a committed set of ${flow.size} leaves, each followed to its result`);
      } catch (err) {
        if (process.env.LOAD_STRICT) throw err;
        skipped.push({ name: 'proofs', reason: (err as Error).message });
      }
    }
    for (const s of skipped) console.log(`skipped ${s.name}: ${s.reason}`);
    if (classes.length === 0) throw new Error('no request class could be set up');
    console.log(`warm-up 5 s at 100 rps (${classes.map((c) => c.name).join(' + ')})`);
    await runStep({ url, key, rps: 100, seconds: 5, classes, spec, proofs });
    const report: LoadReport = {
      startedAt: new Date().toISOString(),
      target: url,
      conditions: `${cpus().length} cores, node ${process.version}, steps ${steps.join('→')} rps × ${seconds} s, ${svc ? 'service started by the script (embedded log)' : 'external service'}`,
      classes: [...classes.map((c) => c.name), ...(proofs ? ['proofs'] : [])],
      skipped,
      pageFactor: pageFactor(spec),
      steps: [],
    };
    for (const rps of steps) {
      const r = await runStep({ url, key, rps, seconds, classes, spec, proofs });
      report.steps.push(r);
      const perClass = Object.entries(r.byClass).map(([n, c]) => `${n} p95 ${c.p95.toFixed(1)} ms err ${c.errors}/${c.requests} ${JSON.stringify(c.statuses)}`).join('; ');
      console.log(`${rps} rps: achieved ${r.achievedRps.toFixed(1)}/s, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${(r.errorRate * 100).toFixed(3)}% — ${perClass}`);
      if (r.proofs) {
        const p = r.proofs;
        console.log(`   proofs beside it: ${p.rate}/s offered, ${p.completed}/${p.submitted} completed (${p.completedPerS.toFixed(2)}/s), failed ${p.failed}, completion p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms ${JSON.stringify(p.statuses)}`);
      }
      const worst = r.slo.filter((b) => b.burnRate !== null).sort((a, b) => b.burnRate! - a.burnRate!)[0];
      console.log(`   SLO burn: ${r.sloBurned ? 'BURNED' : 'none past'} the ${report.pageFactor}x page line${worst ? ` (highest: ${worst.slo} ${worst.burnRate}x)` : ''}`);
    }
    const dir = process.env.LOAD_REPORT_DIR ?? join(__dirname, 'reports');
    mkdirSync(dir, { recursive: true });
    const stamp = report.startedAt.replace(/[:.]/g, '-');
    writeFileSync(join(dir, `load-${stamp}.json`), JSON.stringify({ ...report, bench: JSON.parse(benchLine(report)) }, null, 2));
    writeFileSync(join(dir, `load-${stamp}.html`), renderLoadHtml(report));
    console.log(`report: ${join(dir, `load-${stamp}.json`)} and .html`);
    console.log(benchLine(report));
  } finally {
    if (svc) await stopServe(svc);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`load: ${err?.stack ?? err}`);
    process.exit(1);
  });
}
