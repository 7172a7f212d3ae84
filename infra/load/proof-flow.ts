/**
 * The proof flow of the step-load: partner jobs asking unique queries (half members, half not, never
 * a repeat, so neither dedup nor the proof cache can answer them) over a committed set of 10,000+
 * leaves, paced at a fixed rate beside the rest of the mix. Each job is followed until its result is
 * readable: completion latency runs from sending `POST /v1/zk/jobs` to the `GET /v1/zk/jobs/:id?wait=true`
 * answer that says done (or failed), so it holds planning, proving, verifying and the read model.
 */
import { mulberry32 } from '../../streams/seeded-random';
import { MAX_VALUE } from '../../streams/zk/tree';
import type { Api } from './traffic';
import { percentile } from './load-report';

export interface ProofFlowResult {
  /** Offered unique proof jobs per second. */
  rate: number;
  submitted: number;
  /** 202 answers. */
  accepted: number;
  completed: number;
  /** Jobs answered `failed`, refused (4xx/5xx) or not done within the follow-up window. */
  failed: number;
  /** Completions per second over the step (submission start → last completion). */
  completedPerS: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<string, number>;
}

export interface ProofFlowOptions {
  /** Leaves in the committed set (default 10,000). */
  leaves?: number;
  seed?: number;
  /** Latency budget each job asks for (ms). */
  budgetMs?: number;
  /** How long a job is followed before it counts as failed (ms). */
  followMs?: number;
}

/** A seeded random field element in [1, p-2]. */
function randomLeaf(rand: () => number): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
  return (v % (MAX_VALUE - 1n)) + 1n;
}

export class ProofFlow {
  private n = 0;

  private constructor(
    private readonly api: Api,
    readonly setId: string,
    private readonly members: string[],
    private readonly rand: () => number,
    private readonly opts: Required<ProofFlowOptions>,
  ) {}

  /** Commits the set (its owner is the load's tenant, asking about its own set as a counterparty would). */
  static async setup(api: Api, run: string, options: ProofFlowOptions = {}): Promise<ProofFlow> {
    const opts = { leaves: 10_000, seed: 15_360, budgetMs: 900, followMs: 60_000, ...options };
    const rand = mulberry32(opts.seed);
    const members = [...new Set(Array.from({ length: opts.leaves }, () => randomLeaf(rand).toString()))];
    const pepper = (await api.request('GET', '/v1/zk/pepper')).body?.version ?? 1;
    const setId = `load-proofs-${run}`;
    const res = await api.request('POST', '/v1/zk/sets', { setId, pepperVersion: pepper, leaves: members });
    if (res.status !== 201) throw new Error(`POST /v1/zk/sets (${members.length} leaves) answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    // members are asked in a shuffled order, each once
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    return new ProofFlow(api, setId, members, rand, { ...opts });
  }

  get size(): number {
    return this.members.length;
  }

  /** The next unique query: members and non-members alternate; a member is never asked twice. */
  nextQuery(): { query: string; member: boolean } {
    const n = this.n++;
    if (n % 2 === 0 && n / 2 < this.members.length) return { query: this.members[n / 2], member: true };
    return { query: randomLeaf(this.rand).toString(), member: false };
  }

  /** Offers `rate` unique jobs per second for `seconds`, follows each to its result. */
  async run(rate: number, seconds: number): Promise<ProofFlowResult> {
    const total = Math.max(1, Math.round(rate * seconds));
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let accepted = 0;
    let failed = 0;
    let lastDone = 0;
    const started = Date.now();
    const pepperVersion = (await this.api.request('GET', '/v1/zk/pepper')).body?.version ?? 1;
    const one = async (): Promise<void> => {
      const { query } = this.nextQuery();
      const t0 = Date.now();
      const res = await this.api.request('POST', '/v1/zk/jobs', { counterparty: 'loadtest', setId: this.setId, query, pepperVersion, budgetMs: this.opts.budgetMs }).catch(() => ({ status: 0, body: null }));
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status !== 202) return void failed++;
      accepted++;
      const jobId = res.body.jobId as string;
      while (Date.now() - t0 < this.opts.followMs) {
        const job = await this.api.request('GET', `/v1/zk/jobs/${encodeURIComponent(jobId)}?wait=true`).catch(() => ({ status: 0, body: null }));
        const status = job.body?.status;
        if (status === 'done') {
          const now = Date.now();
          latencies.push(now - t0);
          lastDone = Math.max(lastDone, now);
          return;
        }
        if (status === 'failed' || (job.status >= 400 && job.status !== 404)) return void failed++;
      }
      failed++;
    };
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait)); // pacing the offered rate, not synchronising
      pending.push(one());
    }
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);
    const elapsed = Math.max(1, (lastDone || Date.now()) - started) / 1000;
    return {
      rate,
      submitted: total,
      accepted,
      completed: latencies.length,
      failed,
      completedPerS: latencies.length / elapsed,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      statuses,
    };
  }
}
