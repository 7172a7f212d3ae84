/**
 * make bench-zk-instances — ZK provers scaled out over service instances, on one PostgreSQL:
 * one distributed-mode instance against two (bench/zk/instance.ts, each its own process with
 * BENCH_ZK_INSTANCE_WORKERS native prover processes of one thread), offered the same proof jobs at
 * the same rate (unique queries: no dedup, no cache, no batching), rounds interleaved (one, two, one,
 * two). Every instance runs the planner's followers and a prover that claims batches in
 * PostgreSQL (zk_batch_claims), as `trust serve` does in distributed mode. Figures: completed proofs
 * per second over the round (first request to last proof), job latency (request appended → proof on
 * the log), the share of batches each instance proved, and `ratios.two_vs_one_prover_instance`.
 * Needs DATABASE_URL (the make target starts PostgreSQL with infra/with-kafka.sh); on this 2-core
 * machine the two instances' provers share the cores with PostgreSQL and both service processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BatchPlanned } from '../../schemas/generated/payloads';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { nativeProverBinary, NATIVE_BUILD_HINT } from '../../streams/zk/native-prover';
import { TenantSealer } from '../../streams/zk/sealing';
import { hasher, leavesOf } from '../../streams/zk/selector';
import { DEPTH, LowLeafTree } from '../../streams/zk/tree';
import { conditions, median, percentile, printBenchLine, round } from '../stats';

const RATE = Number(process.env.BENCH_ZK_INSTANCE_RATE ?? 6);
const SECONDS = Number(process.env.BENCH_ZK_INSTANCE_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ZK_INSTANCE_ROUNDS ?? 3);
const WORKERS = Number(process.env.BENCH_ZK_INSTANCE_WORKERS ?? 1);
const PEPPER = 'be0c4e5a1ab5c0ffee0ddba11cafe0123456789abcdef0123456789abcdef0123';
const ROOT = join(__dirname, '..', '..');

interface Instance {
  proc: ChildProcess;
  dataDir: string;
  exited: Promise<void>;
}

function startInstance(env: Record<string, string>): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-zk-inst-'));
  const proc = spawn(process.execPath, ['-r', join(ROOT, 'test', 'support', 'swc-register.js'), join(__dirname, 'instance.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, TRUST_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance not warm within 120 s: ${err}`)), 120_000);
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      if (/\bwarm\b/.test(out)) {
        clearTimeout(timer);
        resolve({ proc, dataDir, exited });
      }
    });
    void exited.then(() => reject(new Error(`instance exited before it was warm: ${err}`)));
  });
}

async function stopInstance(i: Instance): Promise<void> {
  i.proc.kill('SIGTERM');
  await i.exited;
  rmSync(i.dataDir, { recursive: true, force: true });
}

interface RoundResult {
  instances: number;
  jobs: number;
  proofsPerS: number;
  p50: number;
  p95: number;
  proveMs: number;
  failed: number;
  /** Batches proved by each instance (by claimant pid). */
  byInstance: number[];
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('bench-zk-instances needs DATABASE_URL (make bench-zk-instances starts PostgreSQL)');
  if (!nativeProverBinary()) {
    console.error(`bench-zk-instances: the native prover is not built; ${NATIVE_BUILD_HINT}`);
    process.exit(2);
  }
  console.log(`bench-zk-instances conditions ${conditions({ loadavg1m: round(loadavg()[0], 2), rate: RATE, seconds: SECONDS, rounds: ROUNDS, proverProcessesPerInstance: WORKERS, threadsPerProcess: 1 })}`);
  const store = await PgEventLog.open({ connectionString: databaseUrl });
  const unwatch = store.watch();
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const secret = randomBytes(32).toString('hex');
  const sealer = new TenantSealer(Buffer.from(secret, 'hex'));
  const leaves = await leavesOf(Array.from({ length: 200 }, (_, i) => `member-${i}@owner.example`), PEPPER);
  const tree = LowLeafTree.build(leaves.map(BigInt), await hasher());
  const root = tree.root.toString();
  const setStream = `zk-set:owner:bench-${Date.now()}`;
  await store.append([{ type: 'ZkSetCommitted', stream: setStream, tenant: 'owner', payload: { setId: setStream.split(':')[2], pepperVersion: 1, root, size: leaves.length, depth: DEPTH, leaves } }]);

  const jobsPerRound = Math.max(1, Math.round(RATE * SECONDS));
  const runRound = async (r: number, n: number): Promise<RoundResult> => {
    const env = { DATABASE_URL: databaseUrl, TRUST_ZK_SECRET: secret, BENCH_ZK_CAPACITY: String(n * WORKERS), BENCH_ZK_INSTANCE_WORKERS: String(WORKERS), TRUST_SLO_SAMPLE_SECONDS: '3600' };
    const instances: Instance[] = [];
    for (let i = 0; i < n; i++) instances.push(await startInstance(env));
    // unique in the whole run: a query asked before would be answered from the planner's proof cache
    const queries = await leavesOf(Array.from({ length: jobsPerRound }, (_, i) => `stranger-${r}-${n}-${i}@asker.example`), PEPPER);
    const from = (await store.head()) + 1;
    const submitted = new Map<string, number>();
    const doneAt = new Map<string, number>();
    const batchJobs = new Map<string, string[]>();
    const proveMs: number[] = [];
    let failed = 0;
    let finish!: () => void;
    const allDone = new Promise<void>((res) => (finish = res));
    const sub = store.subscribe(from, { types: ['BatchPlanned', 'ProofCompleted', 'ProofFailed'] }).subscribe((e) => {
      if (e.type === 'BatchPlanned') {
        const p = e.payload as BatchPlanned;
        batchJobs.set(p.batchId, p.jobs.map((j) => j.jobId));
        if (p.circuit !== 'cached') return;
        // answered from the proof cache (none expected: every query is new)
        for (const j of p.jobs) if (submitted.has(j.jobId) && !doneAt.has(j.jobId)) doneAt.set(j.jobId, Date.now());
        if (doneAt.size === jobsPerRound) finish();
        return;
      }
      const p = e.payload as { batchId: string; proveMs?: number };
      if (e.type === 'ProofFailed') failed++;
      else proveMs.push(p.proveMs ?? NaN);
      for (const j of batchJobs.get(p.batchId) ?? []) if (submitted.has(j) && !doneAt.has(j)) doneAt.set(j, Date.now());
      if (doneAt.size === jobsPerRound) finish();
    });
    const t0 = Date.now();
    for (let i = 0; i < jobsPerRound; i++) {
      const wait = t0 + (i * 1000) / RATE - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      const jobId = `zkj-bench-${r}-${n}-${i}-${randomBytes(3).toString('hex')}`;
      submitted.set(jobId, Date.now());
      await store.append([{ id: jobId, type: 'ProofRequested', stream: 'zk-jobs:asker', tenant: 'asker', payload: { jobId, counterparty: 'owner', setId: setStream.split(':')[2], setStream, root, pepperVersion: 1, querySealed: sealer.seal('asker', root, queries[i]), queryTag: sealer.tag('asker', root, queries[i]), budgetMs: 5000 } }]);
    }
    const timeout = new Promise<void>((res) => setTimeout(res, 180_000));
    await Promise.race([allDone, timeout]);
    sub.unsubscribe();
    const last = Math.max(...doneAt.values());
    const lat = [...doneAt.entries()].map(([j, t]) => t - submitted.get(j)!);
    const batches = [...batchJobs.entries()].filter(([, js]) => js.some((j) => submitted.has(j))).map(([b]) => b);
    const claims = (await db.query('SELECT claimant FROM zk_batch_claims WHERE batch_id = ANY($1::text[])', [batches])).rows as { claimant: string }[];
    const byInstance = instances.map((i) => claims.filter((c) => c.claimant.split(':')[1] === String(i.proc.pid)).length);
    for (const i of instances) await stopInstance(i);
    const result = { instances: n, jobs: jobsPerRound, proofsPerS: doneAt.size / ((last - t0) / 1000), p50: percentile(lat, 50), p95: percentile(lat, 95), proveMs: median(proveMs), failed: failed + (jobsPerRound - doneAt.size), byInstance };
    console.log(`  round ${r + 1}, ${n} instance(s) × ${WORKERS} prover process(es): ${jobsPerRound} jobs offered at ${RATE}/s → ${round(result.proofsPerS, 2)} proofs/s, latency p50 ${Math.round(result.p50)} ms, p95 ${Math.round(result.p95)} ms, prove median ${Math.round(result.proveMs)} ms, failed ${result.failed}, batches per instance ${JSON.stringify(byInstance)}`);
    return result;
  };

  const results: Record<'one' | 'two', RoundResult[]> = { one: [], two: [] };
  for (let r = 0; r < ROUNDS; r++) {
    results.one.push(await runRound(r, 1));
    results.two.push(await runRound(r, 2));
  }
  unwatch();
  await db.end();
  await store.close();

  const m = (arm: 'one' | 'two', k: 'proofsPerS' | 'p50' | 'p95' | 'proveMs') => median(results[arm].map((x) => x[k]));
  const ratio = m('two', 'proofsPerS') / m('one', 'proofsPerS');
  const shares = results.two.map((x) => Math.min(...x.byInstance) / Math.max(1, x.byInstance.reduce((a, b) => a + b, 0)));
  const failed = [...results.one, ...results.two].reduce((a, x) => a + x.failed, 0);
  console.log(`  two instances vs one (median of ${ROUNDS} interleaved rounds each): ${round(m('two', 'proofsPerS'), 2)} vs ${round(m('one', 'proofsPerS'), 2)} proofs/s → ${round(ratio, 2)}×`);
  const figures = {
    proof_jobs_offered_per_s: RATE,
    proof_jobs_per_round: jobsPerRound,
    prover_processes_per_instance: WORKERS,
    one_instance_proofs_per_s: round(m('one', 'proofsPerS'), 3),
    two_instances_proofs_per_s: round(m('two', 'proofsPerS'), 3),
    one_instance_p50_ms: Math.round(m('one', 'p50')),
    one_instance_p95_ms: Math.round(m('one', 'p95')),
    two_instances_p50_ms: Math.round(m('two', 'p50')),
    two_instances_p95_ms: Math.round(m('two', 'p95')),
    one_instance_prove_ms_p50: Math.round(m('one', 'proveMs')),
    two_instances_prove_ms_p50: Math.round(m('two', 'proveMs')),
    two_instances_smaller_share: round(median(shares), 3),
    failed_jobs: failed,
    loadavg_1m_at_end: round(loadavg()[0], 2),
  };
  const ratios = { two_vs_one_prover_instance: round(ratio, 3) };
  const targets = { two_vs_one_prover_instance: 1.5, failed_jobs: 0 };
  printBenchLine({ bench: 'zk-instances', figures, ratios, targets, pass: ratio >= targets.two_vs_one_prover_instance && failed === 0 });
  process.exit(0);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
