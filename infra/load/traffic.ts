/**
 * The request mix of the step-load: producers ingesting events, the LAC decision gate, and ZK
 * proof-job submission. Each class knows its route, its share of the rate, how to set itself up
 * on the service and how to make a fresh, valid request body (unique ids: no replay shortcuts).
 */
import { callApi } from '../../connectors/http/client';

export interface TrafficClass {
  name: 'ingest' | 'decide' | 'job';
  method: 'POST';
  path: string;
  /** Share of the total rate. */
  share: number;
  /** Prepare what requests need (a set to query, …); throws when the route is not deployed. */
  setup(api: Api): Promise<void>;
  body(n: number): unknown;
}

export interface Api {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class RouteMissing extends Error {}

async function probe(api: Api, path: string, body: unknown): Promise<void> {
  const res = await api.request('POST', path, body);
  if (res.status === 404 && String(res.body?.message ?? '').startsWith('no route')) throw new RouteMissing(`POST ${path} is not deployed`);
  if (res.status >= 400) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
}

const RUN = Date.now().toString(36);

export const ingest: TrafficClass = {
  name: 'ingest',
  method: 'POST',
  path: '/v1/events',
  share: 0.5,
  async setup(api) {
    await probe(api, this.path, this.body(-1));
  },
  body(n) {
    return {
      id: `load-${RUN}-${n}`,
      type: 'AnnotationAdded',
      stream: `load-${RUN}-${n % 64}`,
      payload: { subject: `release-1.${n % 9}`, text: `step-load note ${n}`, author: 'load', tags: ['load'] },
    };
  },
};

/** An inline policy document (one bundle): decisions are evaluated, not recorded as history. */
const POLICY = { id: 'load-minimization', version: '1.0.0', mode: 'enforce', default: 'allow', bundles: [{ ref: 'minimization.aggregate-only@^1' }] };

export const decide: TrafficClass = {
  name: 'decide',
  method: 'POST',
  path: '/v1/lac/decide',
  share: 0.4,
  async setup(api) {
    await probe(api, this.path, this.body(-1));
  },
  body(n) {
    return {
      policy: POLICY,
      request: {
        subject: { id: `analyst-${n % 40}`, tenant: 'loadtest', groups: ['analysts'], clearance: 'P2' },
        action: 'query',
        resource: { dataset: `sales-${n % 12}`, tenant: 'loadtest', classification: 'P2', region: 'eu', fields: [{ name: 'revenue', tags: [] }] },
        context: { purpose: 'reporting', rows: 100 + (n % 900), aggregateGroupSize: 20 },
      },
    };
  },
};

/** One committed set; jobs query a few leaves over and over (the planner may dedupe or cache them). */
export const job: TrafficClass = {
  name: 'job',
  method: 'POST',
  path: '/v1/zk/jobs',
  share: 0.1,
  async setup(api) {
    const set = await api.request('POST', '/v1/zk/sets', { setId: `load-${RUN}`, pepperVersion: 1, leaves: Array.from({ length: 16 }, (_, i) => String(1000 + i)) });
    if (set.status === 404 && String(set.body?.message ?? '').startsWith('no route')) throw new RouteMissing('POST /v1/zk/sets is not deployed');
    if (set.status >= 400) throw new Error(`POST /v1/zk/sets answered ${set.status}: ${JSON.stringify(set.body)}`);
    await probe(api, this.path, this.body(0));
  },
  body(n) {
    return { counterparty: 'loadtest', setId: `load-${RUN}`, query: String(1000 + (n % 20)), pepperVersion: 1 };
  },
};

/**
 * The request mix autocannon drives. Proof jobs run beside it as their own paced flow of unique
 * queries followed to their results (proof-flow.ts): at a tenth of 360 rps they would ask 36 fresh
 * proofs a second, and `job` above (a few leaves asked over and over) measured only the proof cache.
 */
export const ALL_CLASSES: TrafficClass[] = [ingest, decide];

export function apiFor(baseUrl: string, key: string): Api {
  return {
    request: (method, path, body) => callApi(baseUrl, method, path, { key, body }),
  };
}
