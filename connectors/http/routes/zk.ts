/**
 * ZK-TX HTTP surface (mounted under /v1, after auth):
 *   POST /zk/sets                      {setId, pepperVersion, leaves} → 201 {setId, root, size, pepperVersion}
 *   GET  /zk/sets                      the tenant's committed sets (?limit=&cursor=; auditors, admins: ?tenant=)
 *   GET  /zk/sets/:setId               own sets only
 *   POST /zk/jobs                      {counterparty?, setId, query, pepperVersion, budgetMs?} → 202 {jobId}   (429 + Retry-After over quota)
 *   GET  /zk/jobs                      the tenant's proof jobs, newest first, with status, latency and answer (?limit=&cursor=; auditors, admins: ?tenant=)
 *   GET  /zk/jobs/:id                  {jobId, status, result, timings, reasons} — a producer's own jobs only (404 for others')
 *   GET  /zk/verification-keys/:circuit  the snarkjs verification key (x-vk-hash: its sha256)
 *   GET  /zk/pepper                    {version}
 *   POST /zk/pepper                    admin: {version} activates a new pepper version (sets must be re-committed)
 * Leaves and queries are decimal field elements computed by the client (SDK or `trust zk leaves`):
 * raw selectors never reach the server, and nothing here logs a request body. The commands and
 * queries are application/zk/zk-app.ts; this file maps them to HTTP and wires the domain.
 */
import { Router } from 'express';
import { NotFoundError } from '../../../schemas/errors';
import { isCircuitName, useArtifactsDir, verificationKey } from '../../../streams/zk/artifacts';
import { ZkProverService } from '../../../streams/zk/exchange';
import { makePlanner } from '../../../streams/zk/planner';
import { TenantQuota } from '../../../streams/zk/quota';
import { TenantSealer } from '../../../streams/zk/sealing';
import { currentPepper, projections as zkProjections } from '../../../projections/zk';
import { zkDemo } from '../../../application/zk/demo';
import { activatePepper, commitSet, jobsPage, jobView, requestJob, setsPage, setView, waitForJob } from '../../../application/zk/zk-app';
import { pageRequest } from '../../../projections/paging';
import { zkOptionsFromEnv, zkPlannerOptions, type ZkOptions } from '../../config';
import { asyncRoute, principalOf } from '../async-route';
import type { Principal, RouteModule, ServiceContext } from '../context';
import { readTenantOf } from '../read-tenant';

/** Producers read their own jobs by id; auditors and admins any tenant's (null). */
const jobTenant = (p: Principal) => (p.role === 'producer' ? p.tenant : null);
import type { DomainModule, WorkerModule } from '../../registry';

/**
 * The prover of one instance, started and stopped with the service (a DomainModule worker). On the
 * embedded log it follows BatchPlanned on the log; on Kafka the instances share the batches as one
 * consumer group. `workers: 0` (TRUST_ZK_WORKERS=0): this instance plans but does not prove.
 */
export function zkProverWorker(options: ZkOptions = {}): WorkerModule {
  const opts = { ...zkOptionsFromEnv(), ...options };
  useArtifactsDir(opts.artifacts);
  return (ctx: ServiceContext) => {
    let prover: ZkProverService | undefined;
    return {
      name: 'zk.prover',
      async start() {
        if (opts.workers <= 0 || prover) return;
        prover = new ZkProverService(ctx.log, TenantSealer.fromDataDir(ctx.dataDir, opts.secretHex), {
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
  useArtifactsDir(opts.artifacts);
  return (ctx: ServiceContext) => {
    let sealerOnce: TenantSealer | undefined;
    const sealer = new Proxy({} as TenantSealer, {
      get: (_t, prop) => {
        sealerOnce ??= TenantSealer.fromDataDir(ctx.dataDir, opts.secretHex);
        const v = (sealerOnce as unknown as Record<string | symbol, unknown>)[prop];
        return typeof v === 'function' ? v.bind(sealerOnce) : v;
      },
    });
    const quota = new TenantQuota(opts.quota.ratePerSec, opts.quota.burst);
    const r = Router();
    r.get('/zk/pepper', asyncRoute(async (_req, res) => void res.json({ version: await currentPepper(ctx.readModels) })));
    r.post('/zk/pepper', asyncRoute(async (req, res) => void res.status(201).json(await activatePepper(ctx, principalOf(req), req.body))));
    r.post('/zk/sets', asyncRoute(async (req, res) => void res.status(201).json(await commitSet(ctx, principalOf(req), req.body))));
    r.get('/zk/sets', asyncRoute(async (req, res) => void res.json(await setsPage(ctx, readTenantOf(req), pageRequest(req.query, 1)))));
    r.get('/zk/jobs', asyncRoute(async (req, res) => void res.json(await jobsPage(ctx, readTenantOf(req), pageRequest(req.query, 2)))));
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
        const tenant = jobTenant(principalOf(req));
        if (req.query.wait === 'true') await waitForJob(ctx, tenant, req.params.id);
        res.json(await jobView(ctx, sealer, tenant, req.params.id));
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

export const zkDomain: DomainModule = {
  name: 'zk',
  // batchMin: queued checks of one requester on one root that make a batch4 proof (TRUST_ZK_BATCH_MIN; by default 4 with the
  // native prover, for checks with 2 s of budget left, and 5 = never with snarkjs: measured, docs/zk.md)
  processors: [makePlanner(zkPlannerOptions())],
  projections: zkProjections,
  routes: [zkRoutes],
  workers: [zkProverWorker()],
  demo: zkDemo,
};

