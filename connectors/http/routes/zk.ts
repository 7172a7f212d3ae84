/**
 * ZK-TX HTTP surface (mounted under /v1, after auth):
 *   POST /zk/sets                      {setId, pepperVersion, leaves} → 201 {setId, root, size, pepperVersion}
 *   GET  /zk/sets/:setId               own sets only
 *   POST /zk/jobs                      {counterparty?, setId, query, pepperVersion, budgetMs?} → 202 {jobId}   (429 + Retry-After over quota)
 *   GET  /zk/jobs/:id                  {jobId, status, result, timings, reasons} — own jobs only (404 for others')
 *   GET  /zk/verification-keys/:circuit  the snarkjs verification key (x-vk-hash: its sha256)
 *   GET  /zk/pepper                    {version}
 *   POST /zk/pepper                    admin: {version} activates a new pepper version (sets must be re-committed)
 * Leaves and queries are decimal field elements computed by the client (SDK or `trust zk leaves`):
 * raw selectors never reach the server, and nothing here logs a request body. The commands and
 * queries are application/zk/zk-app.ts; this file maps them to HTTP and wires the domain.
 */
import { Router } from 'express';
import { NotFoundError } from '../../../schemas/errors';
import { isCircuitName, verificationKey } from '../../../streams/zk/artifacts';
import { ZkProverService } from '../../../streams/zk/exchange';
import { zkProverDefaults } from '../../../streams/zk/prover-pool';
import { makePlanner } from '../../../streams/zk/planner';
import { TenantQuota } from '../../../streams/zk/quota';
import { TenantSealer } from '../../../streams/zk/sealing';
import { currentPepper, projections as zkProjections } from '../../../projections/zk';
import { zkDemo } from '../../../application/zk/demo';
import { activatePepper, commitSet, jobView, requestJob, setView, waitForJob } from '../../../application/zk/zk-app';
import { zkProverConfig, type ZkProverConfig } from '../../config';
import { asyncRoute, principalOf } from '../async-route';
import type { RouteModule, ServiceContext } from '../context';
import type { DomainModule, WorkerModule } from '../../registry';

export interface ZkOptions {
  /** Prover processes (TRUST_ZK_WORKERS; default: one per core with the native prover, 1 with snarkjs). 0: no prover in this instance. */
  workers?: number;
  retries?: number;
  /** Per-tenant job admission (TRUST_ZK_QUOTA_RPS / TRUST_ZK_QUOTA_BURST, default 50/s, burst 200). */
  quota?: { ratePerSec: number; burst: number };
  /** Default latency budget of a job (ms). */
  budgetMs?: number;
  /** Which prover proves (TRUST_ZK_PROVER=native|snarkjs, read by connectors/config.ts). */
  prover?: ZkProverConfig;
}

export function zkOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Required<ZkOptions> {
  const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);
  const prover = zkProverConfig(env);
  const defaults = zkProverDefaults(prover.kind);
  return {
    workers: num(env.TRUST_ZK_WORKERS, defaults.workers),
    retries: num(env.TRUST_ZK_RETRIES, 2),
    quota: { ratePerSec: num(env.TRUST_ZK_QUOTA_RPS, 50), burst: num(env.TRUST_ZK_QUOTA_BURST, 200) },
    budgetMs: num(env.TRUST_ZK_BUDGET_MS, 5000),
    prover: { ...prover, threads: prover.threads ?? defaults.threads },
  };
}

/**
 * The prover of one instance, started and stopped with the service (a DomainModule worker). On the
 * embedded log it follows BatchPlanned on the log; on Kafka the instances share the batches as one
 * consumer group. `workers: 0` (TRUST_ZK_WORKERS=0): this instance plans but does not prove.
 */
export function zkProverWorker(options: ZkOptions = {}): WorkerModule {
  const opts = { ...zkOptionsFromEnv(), ...options };
  return (ctx: ServiceContext) => {
    let prover: ZkProverService | undefined;
    return {
      name: 'zk.prover',
      async start() {
        if (opts.workers <= 0 || prover) return;
        prover = new ZkProverService(ctx.log, TenantSealer.fromDataDir(ctx.dataDir), {
          workers: opts.workers,
          retries: opts.retries,
          prover: opts.prover.kind,
          nativeBinary: opts.prover.binary,
          threads: opts.prover.threads,
        });
        prover.pool.unref();
        await prover.start();
      },
      async stop() {
        await prover?.close();
      },
    };
  };
}

export function makeZkRoutes(options: ZkOptions = {}): RouteModule {
  const opts = { ...zkOptionsFromEnv(), ...options };
  return (ctx: ServiceContext) => {
    let sealerOnce: TenantSealer | undefined;
    const sealer = new Proxy({} as TenantSealer, {
      get: (_t, prop) => {
        sealerOnce ??= TenantSealer.fromDataDir(ctx.dataDir);
        const v = (sealerOnce as unknown as Record<string | symbol, unknown>)[prop];
        return typeof v === 'function' ? v.bind(sealerOnce) : v;
      },
    });
    const quota = new TenantQuota(opts.quota.ratePerSec, opts.quota.burst);
    const r = Router();
    r.get('/zk/pepper', asyncRoute(async (_req, res) => void res.json({ version: await currentPepper(ctx.readModels) })));
    r.post('/zk/pepper', asyncRoute(async (req, res) => void res.status(201).json(await activatePepper(ctx, principalOf(req), req.body))));
    r.post('/zk/sets', asyncRoute(async (req, res) => void res.status(201).json(await commitSet(ctx, principalOf(req), req.body))));
    r.get('/zk/sets/:setId', asyncRoute(async (req, res) => void res.json(await setView(ctx, principalOf(req), req.params.setId))));
    r.post(
      '/zk/jobs',
      asyncRoute(async (req, res) => {
        const p = principalOf(req);
        quota.take(p.tenant); // 429 with Retry-After over quota, before anything else
        res.status(202).json(await requestJob(ctx, p, req.body, { sealer, budgetMs: opts.budgetMs }));
      }),
    );
    r.get(
      '/zk/jobs/:id',
      asyncRoute(async (req, res) => {
        if (req.query.wait === 'true') await waitForJob(ctx, principalOf(req).tenant, req.params.id);
        res.json(await jobView(ctx, sealer, principalOf(req).tenant, req.params.id));
      }),
    );
    r.get(
      '/zk/verification-keys/:circuit',
      asyncRoute(async (req, res) => {
        const c = req.params.circuit;
        if (!isCircuitName(c)) throw new NotFoundError('circuit', c);
        const vk = verificationKey(c);
        res.setHeader('x-vk-hash', vk.vkHash);
        res.type('application/json').send(vk.text);
      }),
    );
    return r;
  };
}

export const zkRoutes: RouteModule = makeZkRoutes();

/**
 * capacity: batches in flight at once across the deployment (TRUST_ZK_CAPACITY; default this
 * instance's prover processes). In distributed mode set it to the deployment's prover processes
 * (instances × TRUST_ZK_WORKERS), so every instance's idle provers find a batch to claim.
 */
function plannerOptions() {
  const opts = zkOptionsFromEnv();
  const defaults = zkProverDefaults(opts.prover.kind);
  const capacity = Number(process.env.TRUST_ZK_CAPACITY) || Math.max(1, opts.workers);
  return { capacity, batchMin: Number(process.env.TRUST_ZK_BATCH_MIN ?? defaults.batchMin) || 5, batchBudgetMs: defaults.batchBudgetMs };
}

export const zkDomain: DomainModule = {
  name: 'zk',
  // batchMin: queued checks of one requester on one root that make a batch4 proof (TRUST_ZK_BATCH_MIN; by default 4 with the
  // native prover, for checks with 2 s of budget left, and 5 = never with snarkjs: measured, docs/zk.md)
  processors: [makePlanner(plannerOptions())],
  projections: zkProjections,
  routes: [zkRoutes],
  workers: [zkProverWorker()],
  demo: zkDemo,
};

