/**
 * A background worker (e.g. the ZK prover) run by one instance of the deployment at a time: the
 * instance that holds the worker's lease starts it; the others stand by and take over when that
 * instance's session ends (crash, stop, network). The holder checks its session every second and
 * stops the worker as soon as the lease is gone, so two instances never prove the same batches.
 */
import type { EventLog } from '../../streams/log/port';
import { Lease } from '../../streams/runtime/postgres/lease';
import { PgBatchClaims } from './pg-batch-claims';
import { provideBatchClaims } from '../../streams/zk/batch-claims';
import type { Worker } from '../registry';

/**
 * Workers that share their work out item by item run on every instance instead of under one lease:
 * the ZK prover claims each planned batch in PostgreSQL (zk_batch_claims), so every instance's
 * prover processes prove (streams/zk/exchange.ts).
 */
const CLAIMING_WORKERS = new Set(['zk.prover']);

/** A worker as a deployment runs it: on every instance with its claims in PostgreSQL, or under its lease. */
export function deploymentWorker(log: EventLog & { connectionString: string }, worker: Worker, opts: { claimLeaseMs?: number } = {}): Worker {
  if (!CLAIMING_WORKERS.has(worker.name)) return leasedWorker(log.connectionString, worker);
  let claims: PgBatchClaims | undefined;
  return {
    name: worker.name,
    async start() {
      claims ??= new PgBatchClaims({ connectionString: log.connectionString, leaseMs: opts.claimLeaseMs });
      provideBatchClaims(log, claims);
      await worker.start();
    },
    async stop() {
      await worker.stop();
      await claims?.close();
      claims = undefined;
    },
  };
}

export function leasedWorker(connectionString: string, worker: Worker, checkMs = 1000): Worker {
  const lease = new Lease(connectionString, `worker:${worker.name}`);
  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const tick = async () => {
    try {
      const session = await lease.acquire();
      if (session) await session.query('SELECT 1'); // the session is alive, so the lock is still ours
      if (session && !running) (await worker.start(), (running = true));
      if (!session && running) (await worker.stop(), (running = false));
    } catch {
      lease.release();
      if (running) (await worker.stop().catch(() => undefined), (running = false));
    }
  };
  return {
    name: worker.name,
    async start() {
      stopping = false;
      await tick();
      loop = (async () => {
        while (!stopping) {
          await new Promise<void>((r) => ((wake = r), (timer = setTimeout(r, checkMs))));
          if (!stopping) await tick();
        }
      })();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
      if (running) await worker.stop();
      running = false;
      lease.release();
    },
  };
}
