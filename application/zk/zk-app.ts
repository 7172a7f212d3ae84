/**
 * ZK-TX's commands and queries, whatever adapter calls them: activate a pepper version, commit a
 * set (its low-leaf tree built here, only its root and leaves stored), request a proof job (the
 * query sealed per tenant, never stored in the clear), a job's view with its verifiable result.
 */
import { randomUUID } from 'node:crypto';
import { firstValueFrom, of, timeout } from 'rxjs';
import type { NewEvent } from '../../schemas/envelope';
import { AuthError, NotFoundError, PreconditionError, ValidationError } from '../../schemas/errors';
import { CIRCUITS, type CircuitName } from '../../streams/zk/artifacts';
import type { TenantSealer } from '../../streams/zk/sealing';
import { hasher } from '../../streams/zk/selector';
import { DEPTH, LowLeafTree } from '../../streams/zk/tree';
import { batchOf, currentPepper, jobOf, setOf, type BatchRow } from '../../projections/zk';
import { listJobs, listSets } from '../../projections/zk/lists';
import type { PageRequest } from '../../projections/paging';
import type { Principal, ServiceContext } from '../context';
import { checkSetCommit, jobRequest, type JobBody, type PepperActivation, type SetCommit } from './intake';

export const setStream = (tenant: string, setId: string) => `zk-set:${tenant}:${setId}`;
export const jobsStream = (tenant: string) => `zk-jobs:${tenant}`;

const last = (rs: { position: number }[]) => Math.max(...rs.map((r) => r.position));

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

/** An admin activates a new pepper version (every set must then be re-committed under it). */
export async function activatePepper(ctx: ServiceContext, p: Principal, b: PepperActivation): Promise<{ version: number; previous: number }> {
  if (p.role !== 'admin') throw new AuthError('FORBIDDEN', 'only an admin key may activate a pepper version');
  const current = await currentPepper(ctx.readModels);
  if (b.version <= current) throw new ValidationError([{ field: 'version', problem: `must be above the current version ${current}` }]);
  const rs = await ctx.ingest(p, [{ type: 'ZkPepperActivated', stream: 'zk-pepper', tenant: p.tenant, payload: { version: b.version, previous: current } }], 'pepper');
  await ctx.settled(last(rs));
  return { version: b.version, previous: current };
}

/** Commit a tenant's set: the low-leaf tree of its leaves, its root on the set's stream. */
export async function commitSet(ctx: ServiceContext, p: Principal, body: SetCommit) {
  const c = checkSetCommit(body);
  await staleCheck(ctx, c.pepperVersion);
  const leaves = [...new Set(c.leaves)].map(BigInt).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const tree = LowLeafTree.build(leaves, await hasher());
  const rs = await ctx.ingest(
    p,
    [{ type: 'ZkSetCommitted', stream: setStream(p.tenant, c.setId), tenant: p.tenant, payload: { setId: c.setId, pepperVersion: c.pepperVersion, root: tree.root.toString(), size: tree.size, depth: DEPTH, leaves: leaves.map(String) } }],
    'set',
  );
  await ctx.settled(last(rs));
  return { setId: c.setId, root: tree.root.toString(), size: tree.size, pepperVersion: c.pepperVersion, depth: DEPTH };
}

/** One of the caller's own sets. */
export async function setView(ctx: ServiceContext, p: Principal, setId: string) {
  const s = await setOf(ctx.readModels, p.tenant, setId);
  if (!s) throw new NotFoundError('set', setId);
  const current = await currentPepper(ctx.readModels);
  return { setId: s.set_id, root: s.root, size: s.size, depth: s.depth, pepperVersion: s.pepper_version, stale: s.pepper_version !== current, commits: s.commits, committedAt: s.committed_at };
}

/** Request a proof job against a counterparty's committed set; the query is sealed for the planner and provers. */
export async function requestJob(ctx: ServiceContext, p: Principal, body: JobBody, opts: { sealer: TenantSealer; budgetMs: number }): Promise<{ jobId: string }> {
  const j = jobRequest(body, p.tenant, opts.budgetMs);
  await staleCheck(ctx, j.pepperVersion);
  const set = await setOf(ctx.readModels, j.counterparty, j.setId);
  if (!set) throw new NotFoundError('set', `${j.counterparty}/${j.setId}`);
  if (set.pepper_version !== j.pepperVersion) {
    throw new PreconditionError(`set '${j.setId}' was committed under pepper version ${set.pepper_version}; its owner must re-commit it under version ${j.pepperVersion}`, {
      field: 'setId',
      setPepperVersion: set.pepper_version,
      currentPepperVersion: j.pepperVersion,
    });
  }
  const jobId = `zkj-${randomUUID()}`;
  const event: NewEvent = {
    id: jobId,
    type: 'ProofRequested',
    stream: jobsStream(p.tenant),
    tenant: p.tenant,
    payload: {
      jobId,
      counterparty: j.counterparty,
      setId: j.setId,
      setStream: set.stream,
      root: set.root,
      pepperVersion: j.pepperVersion,
      querySealed: opts.sealer.seal(p.tenant, set.root, j.query),
      queryTag: opts.sealer.tag(p.tenant, set.root, j.query),
      budgetMs: j.budgetMs,
    },
  };
  // Read-your-writes: GET /v1/zk/jobs/:id right after this answer must find the job.
  await ctx.settled(last(await ctx.ingest(p, [event], 'job')));
  return { jobId };
}

/** A job as GET /v1/zk/jobs/:id shows it (also used by the SDK tests); `tenant` null: any tenant's (auditors, admins). */
export async function jobView(ctx: ServiceContext, sealer: TenantSealer, tenant: string | null, jobId: string) {
  const job = await jobOf(ctx.readModels, jobId);
  if (!job || (tenant !== null && job.tenant !== tenant)) throw new NotFoundError('job', jobId);
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

/** The caller's own jobs and sets: lists newest first / by id, a page at a time. */
export async function jobsPage(ctx: ServiceContext, tenant: string, page: PageRequest) {
  await ctx.settled(await ctx.log.head());
  return listJobs(ctx.readModels, tenant, page);
}

export async function setsPage(ctx: ServiceContext, tenant: string, page: PageRequest) {
  await ctx.settled(await ctx.log.head());
  return listSets(ctx.readModels, tenant, await currentPepper(ctx.readModels), page);
}

/** ?wait=true: answer once the job is done or failed (or after `timeoutMs`), driven by log events, not polling. */
export async function waitForJob(ctx: ServiceContext, tenant: string | null, jobId: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const head = await ctx.log.head();
    await ctx.settled(head, Math.max(1, until - Date.now()));
    const job = await jobOf(ctx.readModels, jobId);
    if (!job || (tenant !== null && job.tenant !== tenant) || job.status === 'done' || job.status === 'failed') return;
    if ((await ctx.log.head()) > head) continue;
    const next = ctx.log.subscribe(head + 1, { types: ['BatchPlanned', 'ProofCompleted', 'ProofFailed'] });
    await firstValueFrom(next.pipe(timeout({ first: Math.max(1, until - Date.now()), with: () => of(null) }))).catch(() => null);
  }
}
