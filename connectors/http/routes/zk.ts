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
 * raw selectors never reach the server, and nothing here logs a request body.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { firstValueFrom, of, timeout } from 'rxjs';
import type { NewEvent } from '../../../schemas/envelope';
import { AuthError, NotFoundError, PreconditionError, ValidationError, type FieldProblem } from '../../../schemas/errors';
import { CIRCUITS, isCircuitName, verificationKey, type CircuitName } from '../../../streams/zk/artifacts';
import { ZkProverService } from '../../../streams/zk/exchange';
import { zkProverDefaults } from '../../../streams/zk/prover-pool';
import { makePlanner } from '../../../streams/zk/planner';
import { TenantQuota } from '../../../streams/zk/quota';
import { TenantSealer } from '../../../streams/zk/sealing';
import { hasher } from '../../../streams/zk/selector';
import { CAPACITY, DEPTH, LowLeafTree, MAX_VALUE } from '../../../streams/zk/tree';
import { batchOf, currentPepper, jobOf, projections as zkProjections, setOf, type BatchRow } from '../../../projections/zk';
import { zkProverConfig, type ZkProverConfig } from '../../config';
import { asyncRoute, principalOf } from '../async-route';
import type { RouteModule, ServiceContext } from '../context';
import type { DemoApi, DomainModule, WorkerModule } from '../../registry';

export const SET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Pepper versions are Avro ints on the log (ZkPepperActivated, ZkSetCommitted). */
const MAX_PEPPER_VERSION = 2 ** 31 - 1;
const SET_ID_PROBLEM = 'is required: 1-64 characters of letters, digits, ".", "_" or "-"';

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

const isLeaf = (v: unknown): v is string => typeof v === 'string' && /^[1-9][0-9]{0,76}$/.test(v) && BigInt(v) < MAX_VALUE;
const LEAF_PROBLEM = 'must be a leaf: a decimal field element between 1 and p-2 (the output of `trust zk leaves` or the SDK), never a raw selector';

function body(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError([{ field: 'body', problem: 'must be a JSON object' }]);
  return raw as Record<string, unknown>;
}

function pepperVersionOf(v: unknown, problems: FieldProblem[]): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > MAX_PEPPER_VERSION) {
    problems.push({ field: 'pepperVersion', problem: `is required: an integer from 1 to ${MAX_PEPPER_VERSION} (the pepper version the leaves were computed with)` });
  }
  return v as number;
}

async function staleCheck(ctx: ServiceContext, version: number, field = 'pepperVersion'): Promise<void> {
  const current = await currentPepper(ctx.readModels);
  if (version !== current) {
    throw new PreconditionError(
      version < current
        ? `${field}: pepper version ${version} is stale; the current version is ${current}: recompute the leaves with pepper v${current} and send them again`
        : `${field}: pepper version ${version} is not active yet; the current version is ${current}`,
      { field, pepperVersion: version, currentPepperVersion: current, problems: [{ field, problem: `stale pepper version (current ${current})` }] },
    );
  }
}

export const setStream = (tenant: string, setId: string) => `zk-set:${tenant}:${setId}`;
export const jobsStream = (tenant: string) => `zk-jobs:${tenant}`;

const last = (rs: { position: number }[]) => Math.max(...rs.map((r) => r.position));

/** A job as GET /v1/zk/jobs/:id shows it (also used by the SDK tests). */
export async function jobView(ctx: ServiceContext, sealer: TenantSealer, tenant: string, jobId: string) {
  const job = await jobOf(ctx.readModels, jobId);
  if (!job || job.tenant !== tenant) throw new NotFoundError('job', jobId);
  const batch: BatchRow | undefined = job.batch_id ? await batchOf(ctx.readModels, job.batch_id) : undefined;
  let result: Record<string, unknown> | null = null;
  if (batch && batch.status === 'done' && batch.proof && batch.overlaps && job.check_index !== null) {
    const circuit = batch.circuit as CircuitName;
    const k = CIRCUITS[circuit].k;
    const overlaps = JSON.parse(batch.overlaps) as boolean[];
    const queries = (JSON.parse(batch.checks) as string[]).map((s) => sealer.unseal(batch.tenant, s));
    const pad = <T>(xs: T[]) => [...xs, ...Array(k - xs.length).fill(xs[0])];
    const publicSignals = [...pad(overlaps).map((o) => (o ? '1' : '0')), batch.root, ...pad(queries)];
    result = {
      overlap: overlaps[job.check_index],
      check: job.check_index,
      proof: JSON.parse(batch.proof),
      publicSignals,
      circuit,
      vkHash: batch.vk_hash,
    };
  }
  const ms = (a: string | null | undefined, b: string | null | undefined) => (a && b ? Date.parse(b) - Date.parse(a) : null);
  return {
    jobId,
    status: job.status,
    counterparty: job.counterparty,
    setId: job.set_id,
    root: job.root,
    pepperVersion: job.pepper_version,
    result,
    error: batch?.status === 'failed' ? batch.reason : null,
    reasons: job.reasons ? (JSON.parse(job.reasons) as string[]) : [],
    timings: {
      requestedAt: job.requested_at,
      plannedAt: job.planned_at,
      provingAt: batch?.proving_at ?? null,
      completedAt: batch?.completed_at ?? null,
      queuedMs: ms(job.requested_at, job.planned_at),
      proveMs: batch?.prove_ms ?? null,
      verifyMs: batch?.verify_ms ?? null,
      totalMs: batch?.completed_at ? Math.max(0, Date.parse(batch.completed_at) - Date.parse(job.requested_at)) : null,
    },
  };
}

/** ?wait=true: answer once the job is done or failed (or after `timeoutMs`), driven by log events, not polling. */
async function waitForJob(ctx: ServiceContext, tenant: string, jobId: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const head = await ctx.log.head();
    await ctx.settled(head, Math.max(1, until - Date.now()));
    const job = await jobOf(ctx.readModels, jobId);
    if (!job || job.tenant !== tenant || job.status === 'done' || job.status === 'failed') return;
    if ((await ctx.log.head()) > head) continue;
    const next = ctx.log.subscribe(head + 1, { types: ['BatchPlanned', 'ProofCompleted', 'ProofFailed'] });
    await firstValueFrom(next.pipe(timeout({ first: Math.max(1, until - Date.now()), with: () => of(null) }))).catch(() => null);
  }
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
    r.post(
      '/zk/pepper',
      asyncRoute(async (req, res) => {
        const p = principalOf(req);
        if (p.role !== 'admin') throw new AuthError('FORBIDDEN', 'only an admin key may activate a pepper version');
        const b = body(req.body);
        const current = await currentPepper(ctx.readModels);
        if (!Number.isSafeInteger(b.version) || (b.version as number) <= current || (b.version as number) > MAX_PEPPER_VERSION) {
          throw new ValidationError([{ field: 'version', problem: `must be an integer above the current version ${current}, at most ${MAX_PEPPER_VERSION}` }]);
        }
        const rs = await ctx.ingest(p, [{ type: 'ZkPepperActivated', stream: 'zk-pepper', tenant: p.tenant, payload: { version: b.version, previous: current } }], 'pepper');
        await ctx.settled(last(rs));
        res.status(201).json({ version: b.version, previous: current });
      }),
    );

    r.post(
      '/zk/sets',
      asyncRoute(async (req, res) => {
        const p = principalOf(req);
        const b = body(req.body);
        const problems: FieldProblem[] = [];
        if (typeof b.setId !== 'string' || !SET_ID.test(b.setId)) problems.push({ field: 'setId', problem: SET_ID_PROBLEM });
        const pepperVersion = pepperVersionOf(b.pepperVersion, problems);
        if (!Array.isArray(b.leaves) || b.leaves.length === 0) problems.push({ field: 'leaves', problem: `is required: an array of 1 to ${CAPACITY} leaves` });
        else if (b.leaves.length > CAPACITY) problems.push({ field: 'leaves', problem: `holds ${b.leaves.length} leaves; a set holds at most ${CAPACITY} (tree depth ${DEPTH})` });
        else {
          const bad = (b.leaves as unknown[]).map((l, i) => ({ l, i })).filter(({ l }) => !isLeaf(l));
          for (const { i } of bad.slice(0, 10)) problems.push({ field: `leaves[${i}]`, problem: LEAF_PROBLEM });
        }
        if (problems.length) throw new ValidationError(problems);
        await staleCheck(ctx, pepperVersion);
        const leaves = [...new Set(b.leaves as string[])].map(BigInt).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        const tree = LowLeafTree.build(leaves, await hasher());
        const setId = b.setId as string;
        const rs = await ctx.ingest(
          p,
          [{ type: 'ZkSetCommitted', stream: setStream(p.tenant, setId), tenant: p.tenant, payload: { setId, pepperVersion, root: tree.root.toString(), size: tree.size, depth: DEPTH, leaves: leaves.map(String) } }],
          'set',
        );
        await ctx.settled(last(rs));
        res.status(201).json({ setId, root: tree.root.toString(), size: tree.size, pepperVersion, depth: DEPTH });
      }),
    );

    r.get(
      '/zk/sets/:setId',
      asyncRoute(async (req, res) => {
        const p = principalOf(req);
        const s = await setOf(ctx.readModels, p.tenant, req.params.setId);
        if (!s) throw new NotFoundError('set', req.params.setId);
        const current = await currentPepper(ctx.readModels);
        res.json({ setId: s.set_id, root: s.root, size: s.size, depth: s.depth, pepperVersion: s.pepper_version, stale: s.pepper_version !== current, commits: s.commits, committedAt: s.committed_at });
      }),
    );

    r.post(
      '/zk/jobs',
      asyncRoute(async (req, res) => {
        const p = principalOf(req);
        quota.take(p.tenant);
        const b = body(req.body);
        const problems: FieldProblem[] = [];
        const counterparty = b.counterparty === undefined || b.counterparty === null ? p.tenant : b.counterparty;
        if (typeof counterparty !== 'string' || !TENANT.test(counterparty)) problems.push({ field: 'counterparty', problem: 'must be the id of the tenant owning the set: 1-128 characters of letters, digits, ".", "_" or "-"' });
        if (typeof b.setId !== 'string' || !SET_ID.test(b.setId)) problems.push({ field: 'setId', problem: `${SET_ID_PROBLEM} (the id of a committed set)` });
        if (!isLeaf(b.query)) problems.push({ field: 'query', problem: LEAF_PROBLEM });
        const pepperVersion = pepperVersionOf(b.pepperVersion, problems);
        const budgetMs = b.budgetMs === undefined ? opts.budgetMs : (b.budgetMs as number);
        if (!Number.isSafeInteger(budgetMs) || budgetMs < 100 || budgetMs > 600_000) problems.push({ field: 'budgetMs', problem: 'must be an integer from 100 to 600000 (ms)' });
        for (const k of Object.keys(b)) if (!['counterparty', 'setId', 'query', 'pepperVersion', 'budgetMs'].includes(k)) problems.push({ field: k, problem: 'is not a field of a proof job' });
        if (problems.length) throw new ValidationError(problems);
        await staleCheck(ctx, pepperVersion);
        const set = await setOf(ctx.readModels, counterparty as string, b.setId as string);
        if (!set) throw new NotFoundError('set', `${counterparty}/${b.setId}`);
        if (set.pepper_version !== pepperVersion) {
          throw new PreconditionError(`set '${b.setId}' was committed under pepper version ${set.pepper_version}; its owner must re-commit it under version ${pepperVersion}`, {
            field: 'setId',
            setPepperVersion: set.pepper_version,
            currentPepperVersion: pepperVersion,
          });
        }
        const query = b.query as string;
        const jobId = `zkj-${randomUUID()}`;
        const event: NewEvent = {
          id: jobId,
          type: 'ProofRequested',
          stream: jobsStream(p.tenant),
          tenant: p.tenant,
          payload: {
            jobId,
            counterparty,
            setId: b.setId,
            setStream: set.stream,
            root: set.root,
            pepperVersion,
            querySealed: sealer.seal(p.tenant, set.root, query),
            queryTag: sealer.tag(p.tenant, set.root, query),
            budgetMs,
          },
        };
        // Read-your-writes: GET /v1/zk/jobs/:id right after this answer must find the job.
        await ctx.settled(last(await ctx.ingest(p, [event], 'job')));
        res.status(202).json({ jobId });
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

/** Demo: two tenants' sets and a few checks (leaves computed here as a client would). */
async function zkDemo(api: DemoApi): Promise<string[]> {
  const { leavesOf } = await import('../../../streams/zk/selector');
  const pepper = 'de40a1b2c3d4e5f60718293a4b5c6d7e8f90de40a1b2c3d4e5f60718293a4b5c'; // the demo alliance's pepper (clients hold it, never the server)
  const pepperVersion = (await api.request('GET', '/v1/zk/pepper')).body.version as number;
  const selectors = Array.from({ length: 50 }, (_, i) => `customer-${i}@demo.example`);
  const leaves = await leavesOf(selectors, pepper);
  const set = await api.request('POST', '/v1/zk/sets', { setId: 'demo-customers', pepperVersion, leaves });
  if (set.status !== 201) throw new Error(`demo set refused: ${JSON.stringify(set.body)}`);
  const queries = await leavesOf(['customer-7@demo.example', 'stranger@elsewhere.example'], pepper);
  const jobs = [];
  for (const query of queries) jobs.push((await api.request('POST', '/v1/zk/jobs', { setId: 'demo-customers', query, pepperVersion })).body.jobId);
  return [`ZK-TX: set demo-customers (${leaves.length} leaves, root ${String(set.body.root).slice(0, 12)}…), ${jobs.length} proof jobs (${jobs.join(', ')})`];
}

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

