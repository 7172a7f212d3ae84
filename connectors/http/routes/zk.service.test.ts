/**
 * ZK-TX on a real service: sets, jobs proved by the worker pool, the answer verified with the
 * snarkjs command line against the published key, tenancy, stale peppers and rotation, quotas,
 * and the canary: a raw selector a client used appears nowhere on the server.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProjections as backboneProjections } from '../../../projections';
import { projections as zkProjections } from '../../../projections/zk';
import { makePlanner } from '../../../streams/zk/planner';
import { fieldOf, leafOf, leavesOf, normalise } from '../../../streams/zk/selector';
import { releaseCurves, snarkjs } from '../../../streams/zk/snarkjs';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { startTestService, type TestService } from '../testing';
import { makeZkRoutes, zkProverWorker } from './zk';

const SNARKJS_CLI = join(__dirname, '../../../node_modules/.bin/snarkjs');
const PEPPER_V1 = '0badc0ffee0ddf00d5eed5a1750a1fbeefcafe0123456789abcdef0123456789';
const PEPPER_V2 = '9e3779b97f4a7c15f39cc0605cedc8341082276bf3a27251f86c6a11d0c18e95';
const CANARY = 'Canary-ZQX-7f3e9b1c@Trust-Fabric.Test';

// The OpenAPI part (sdk/spec/parts/zk.yaml) describes what the routes take and answer.
const spec = parse(readFileSync(join(__dirname, '../../../sdk/spec/parts/zk.yaml'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'zk', components: spec.components });
const local = (s: unknown) => JSON.parse(JSON.stringify(s).replace(/"#\/components/g, '"zk#/components'));
const validResponse = (path: string, method: string, status: string, body: unknown) => ajv.validate(local(spec.paths[path][method].responses[status].content['application/json'].schema), body) || ajv.errorsText();
const validRequest = (path: string, body: unknown) => ajv.validate(local(spec.paths[path].post.requestBody.content['application/json'].schema), body) || ajv.errorsText();

let svc: TestService;
const output: string[] = [];
const spies: jest.SpyInstance[] = [];

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr] as const) {
    const orig = stream.write.bind(stream);
    spies.push(jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => { output.push(String(chunk)); return (orig as (...a: unknown[]) => boolean)(chunk, ...rest); }) as never));
  }
  for (const m of ['log', 'error', 'warn', 'info', 'debug'] as const) {
    const orig = console[m].bind(console);
    spies.push(jest.spyOn(console, m).mockImplementation((...args: unknown[]) => { output.push(args.map(String).join(' ')); orig(...args); }));
  }
  svc = await startTestService({
    // batchMin 2: checks queued together on one root go into batch4 proofs (the service default measures it off)
    processors: [makePlanner({ capacity: 1, batchMin: 2, holders: { check: [0], batch4: [0] } })],
    projections: [...backboneProjections, ...zkProjections],
    routes: [makeZkRoutes({ workers: 1, quota: { ratePerSec: 100, burst: 100 } })],
    workers: [zkProverWorker({ workers: 1 })],
  });
});

afterAll(async () => {
  await svc.stop();
  await releaseCurves();
  for (const s of spies) s.mockRestore();
});

const waitJob = async (key: string, jobId: string) => {
  const r = await svc.request('GET', `/v1/zk/jobs/${jobId}?wait=true`, key);
  expect(r.status).toBe(200);
  return r.body;
};

test('overlap checks across tenants, proved, verifiable with snarkjs; tenancy, peppers, rotation, and the canary', async () => {
  const alpha = await svc.keyFor('alpha', 'producer');
  const beta = await svc.keyFor('beta', 'producer');
  const admin = await svc.keyFor('ops', 'admin');

  // alpha commits a set (leaves computed client side, the canary among them)
  const selectors = [CANARY, ...Array.from({ length: 30 }, (_, i) => `user-${i}@alpha.example`)];
  const leaves = await leavesOf(selectors, PEPPER_V1);
  const set = await svc.request('POST', '/v1/zk/sets', alpha, { setId: 'customers', pepperVersion: 1, leaves });
  expect(set.status).toBe(201);
  expect(set.body).toMatchObject({ setId: 'customers', size: 31, pepperVersion: 1 });
  expect(validRequest('/v1/zk/sets', { setId: 'customers', pepperVersion: 1, leaves })).toBe(true);
  expect(validResponse('/v1/zk/sets', 'post', '201', set.body)).toBe(true);

  // beta asks about two of its own identifiers: the canary (overlap) and a stranger (no overlap)
  const qCanary = await leafOf(CANARY.toUpperCase() + '  ', PEPPER_V1);
  const qStranger = await leafOf('nobody@beta.example', PEPPER_V1);
  const j1 = await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'alpha', setId: 'customers', query: qCanary, pepperVersion: 1 });
  expect(j1.status).toBe(202);
  const j2 = await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'alpha', setId: 'customers', query: qStranger, pepperVersion: 1 });
  const r1 = await waitJob(beta, j1.body.jobId);
  const r2 = await waitJob(beta, j2.body.jobId);
  expect(r1).toMatchObject({ status: 'done', result: { overlap: true, circuit: expect.stringMatching(/^(check|batch4)$/) } });
  expect(r2).toMatchObject({ status: 'done', result: { overlap: false } });
  for (const r of [r1, r2]) {
    expect(r.result.publicSignals).toContain(set.body.root);
    expect(r.timings.totalMs).toBeGreaterThanOrEqual(0);
    expect(r.reasons.length).toBeGreaterThan(0);
  }
  expect(r1.result.publicSignals).toContain(qCanary);
  expect(validRequest('/v1/zk/jobs', { counterparty: 'alpha', setId: 'customers', query: qCanary, pepperVersion: 1 })).toBe(true);
  expect(validResponse('/v1/zk/jobs', 'post', '202', j1.body)).toBe(true);
  expect(validResponse('/v1/zk/jobs/{jobId}', 'get', '200', r1)).toBe(true);
  expect(validResponse('/v1/zk/jobs/{jobId}', 'get', '200', (await svc.request('GET', `/v1/zk/jobs/${j2.body.jobId}`, beta)).body)).toBe(true);

  // external verification: the published key and the snarkjs command line
  const dir = mkdtempSync(join(tmpdir(), 'zk-ext-'));
  for (const [name, r] of [['j1', r1], ['j2', r2]] as const) {
    const vk = await svc.request('GET', `/v1/zk/verification-keys/${r.result.circuit}`, beta);
    expect(vk.status).toBe(200);
    expect(vk.headers.get('x-vk-hash')).toBe(r.result.vkHash);
    writeFileSync(join(dir, `${name}.vk.json`), JSON.stringify(vk.body));
    writeFileSync(join(dir, `${name}.proof.json`), JSON.stringify(r.result.proof));
    writeFileSync(join(dir, `${name}.public.json`), JSON.stringify(r.result.publicSignals));
    expect(execFileSync(SNARKJS_CLI, ['groth16', 'verify', join(dir, `${name}.vk.json`), join(dir, `${name}.public.json`), join(dir, `${name}.proof.json`)], { encoding: 'utf8' })).toMatch(/OK!/);
  }

  // a repeat is answered from the proof cache, without a new proof
  const j3 = await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'alpha', setId: 'customers', query: qStranger, pepperVersion: 1 });
  const r3 = await waitJob(beta, j3.body.jobId);
  expect(r3).toMatchObject({ status: 'done', result: { overlap: false, proof: r2.result.proof } });
  expect(r3.reasons[0]).toMatch(/^(cache_hit|dedup_inflight):/);

  // tenancy: others' jobs and sets are 404; bad input names the field
  expect((await svc.request('GET', `/v1/zk/jobs/${j1.body.jobId}`, alpha)).status).toBe(404);
  expect((await svc.request('GET', '/v1/zk/sets/customers', beta)).status).toBe(404);
  const own = await svc.request('GET', '/v1/zk/sets/customers', alpha);
  expect(own.body).toMatchObject({ root: set.body.root, stale: false });
  expect(validResponse('/v1/zk/sets/{setId}', 'get', '200', own.body)).toBe(true);
  expect((await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'gamma', setId: 'customers', query: qStranger, pepperVersion: 1 })).status).toBe(404);
  const raw = await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'alpha', setId: 'customers', query: 'someone@beta.example', pepperVersion: 1 });
  expect(raw.status).toBe(400);
  expect(raw.body.details.problems).toEqual([expect.objectContaining({ field: 'query' })]);
  const badLeaves = await svc.request('POST', '/v1/zk/sets', alpha, { setId: 'x', pepperVersion: 1, leaves: ['12', 'nope'] });
  expect(badLeaves.status).toBe(400);
  expect(badLeaves.body.details.problems).toEqual([{ field: 'leaves[1]', problem: expect.stringMatching(/decimal field element/) }]);
  expect((await svc.request('GET', '/v1/zk/verification-keys/nope', beta)).status).toBe(404);

  // rotation: pepper v2; v1 queries are stale, alpha's v1 set must be re-committed
  expect((await svc.request('POST', '/v1/zk/pepper', beta, { version: 2 })).status).toBe(403);
  // versions are Avro ints on the log: one past 2^31-1 is refused naming the field, before anything is appended
  const huge = await svc.request('POST', '/v1/zk/pepper', admin, { version: 2 ** 31 });
  expect(huge.status).toBe(400);
  expect(huge.body.details.problems).toEqual([{ field: 'version', problem: expect.stringContaining('from 2 to 2147483647') }]);
  const hugeJob = await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'alpha', setId: 'customers', query: qStranger, pepperVersion: 2 ** 40 });
  expect(hugeJob.status).toBe(400);
  expect(hugeJob.body.details.problems).toEqual([{ field: 'pepperVersion', problem: expect.stringContaining('from 1 to 2147483647') }]);
  expect((await svc.request('POST', '/v1/zk/pepper', admin, { version: 2 })).status).toBe(201);
  const stale = await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'alpha', setId: 'customers', query: qStranger, pepperVersion: 1 });
  expect(stale.status).toBe(409);
  expect(stale.body.message).toMatch(/pepperVersion: pepper version 1 is stale; the current version is 2/);
  const q2 = await leafOf(CANARY, PEPPER_V2);
  const notRecommitted = await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'alpha', setId: 'customers', query: q2, pepperVersion: 2 });
  expect(notRecommitted.status).toBe(409);
  expect(notRecommitted.body.message).toMatch(/re-commit/);
  expect((await svc.request('GET', '/v1/zk/sets/customers', alpha)).body.stale).toBe(true);
  expect((await svc.request('POST', '/v1/zk/sets', alpha, { setId: 'customers', pepperVersion: 1, leaves })).status).toBe(409);
  const recommit = await svc.request('POST', '/v1/zk/sets', alpha, { setId: 'customers', pepperVersion: 2, leaves: await leavesOf(selectors, PEPPER_V2) });
  expect(recommit.status).toBe(201);
  expect(recommit.body.root).not.toBe(set.body.root);
  const j4 = await svc.request('POST', '/v1/zk/jobs', beta, { counterparty: 'alpha', setId: 'customers', query: q2, pepperVersion: 2 });
  expect(await waitJob(beta, j4.body.jobId)).toMatchObject({ status: 'done', result: { overlap: true }, root: recommit.body.root });

  // canary: the raw selector (as typed, normalised, or as its pre-pepper field element) is nowhere on the server
  const needles = [CANARY, normalise(CANARY), CANARY.toUpperCase(), fieldOf(CANARY).toString(), 'ZQX-7f3e9b1c'.toLowerCase(), 'ZQX-7f3e9b1c'];
  const events = (await svc.request('GET', '/v1/events?limit=1000', admin)).body.events;
  const pages = [JSON.stringify(events), JSON.stringify(r1), JSON.stringify(r3), (await svc.request('GET', '/metrics')).body as string];
  await svc.service.ctx.settled(await svc.service.log.head());
  const files = readdirSync(svc.dataDir).map((f) => readFileSync(join(svc.dataDir, f)));
  expect(files.length).toBeGreaterThanOrEqual(2);
  // positive control: the scan does find what is stored (the committed root, a leaf of the set)
  expect(files.some((f) => f.includes(Buffer.from(set.body.root)))).toBe(true);
  expect(files.some((f) => f.includes(Buffer.from(leaves[5])))).toBe(true);
  expect(output.length).toBeGreaterThan(0);
  for (const n of needles) {
    for (const line of output) expect(line.includes(n)).toBe(false);
    for (const p of pages) expect(p.includes(n)).toBe(false);
    for (const f of files) {
      expect(f.includes(Buffer.from(n, 'utf8'))).toBe(false);
      expect(f.includes(Buffer.from(n, 'utf16le'))).toBe(false);
    }
  }
  // queries are sealed at rest: beta's query leaf (in no set) is in no database file either
  for (const f of files) expect(f.includes(Buffer.from(qStranger))).toBe(false);
});

test('checks queued together on one root are answered by one batch4 proof that verifies for each job', async () => {
  const owner = await svc.keyFor('gamma');
  const asker = await svc.keyFor('delta');
  const pepperVersion = (await svc.request('GET', '/v1/zk/pepper', owner)).body.version;
  const pepper = pepperVersion === 1 ? PEPPER_V1 : PEPPER_V2;
  const members = Array.from({ length: 12 }, (_, i) => `m${i}@gamma.example`);
  await svc.request('POST', '/v1/zk/sets', owner, { setId: 'batch', pepperVersion, leaves: await leavesOf(members, pepper) });
  const asked = ['m1@gamma.example', 'x@delta.example', 'm2@gamma.example', 'y@delta.example'];
  const queries = await leavesOf(asked, pepper);
  const ids: string[] = [];
  for (const query of queries) ids.push((await svc.request('POST', '/v1/zk/jobs', asker, { counterparty: 'gamma', setId: 'batch', query, pepperVersion })).body.jobId);
  const jobs = [];
  for (const id of ids) jobs.push(await waitJob(asker, id));
  expect(jobs.map((j) => j.result.overlap)).toEqual([true, false, true, false]);
  // the first went alone while the slot was free; the three queued behind it share one batch4 proof
  expect(jobs[0].result.circuit).toBe('check');
  expect(jobs.slice(1).map((j) => j.result.circuit)).toEqual(['batch4', 'batch4', 'batch4']);
  expect(jobs.slice(1).map((j) => j.result.check).sort()).toEqual([0, 1, 2]);
  expect(jobs[1].reasons).toEqual(expect.arrayContaining(['batched:3_checks_one_root']));
  const vk = (await svc.request('GET', '/v1/zk/verification-keys/batch4', asker)).body;
  for (const j of jobs.slice(1)) {
    expect(j.result.publicSignals[j.result.check]).toBe(j.result.overlap ? '1' : '0');
    expect(await snarkjs().groth16.verify(vk, j.result.publicSignals, j.result.proof)).toBe(true);
  }
  // and another tenant never sees them: each public signal list carries only delta's queries
  expect(new Set(jobs.slice(1).flatMap((j) => j.result.publicSignals.slice(5)))).toEqual(new Set(queries.slice(1)));
});

test('the demo commits a set and submits jobs through the API', async () => {
  const { zkDomain } = await import('./zk');
  const key = await svc.keyFor('demo', 'producer');
  const lines = await zkDomain.demo!({ tenant: 'demo', request: (method, path, body) => svc.request(method, path, key, body) });
  expect(lines[0]).toMatch(/ZK-TX: set demo-customers \(50 leaves/);
  const jobId = lines[0].match(/\((zkj-[^,)]+)/)![1];
  expect(await waitJob(key, jobId)).toMatchObject({ status: 'done', result: { overlap: true } });
});

test('per-tenant quotas answer 429 with Retry-After, and only for the tenant over quota', async () => {
  const q = await startTestService({
    processors: [makePlanner({ capacity: 1 })],
    projections: [...backboneProjections, ...zkProjections],
    routes: [makeZkRoutes({ workers: 0, quota: { ratePerSec: 0.5, burst: 2 } })],
    workers: [],
  });
  try {
    const a = await q.keyFor('alpha');
    const b = await q.keyFor('beta');
    const leaves = await leavesOf(['x@a', 'y@a'], PEPPER_V1);
    await q.request('POST', '/v1/zk/sets', a, { setId: 's', pepperVersion: 1, leaves });
    const job = { counterparty: 'alpha', setId: 's', query: leaves[0], pepperVersion: 1 };
    expect((await q.request('POST', '/v1/zk/jobs', b, job)).status).toBe(202);
    expect((await q.request('POST', '/v1/zk/jobs', b, job)).status).toBe(202);
    const limited = await q.request('POST', '/v1/zk/jobs', b, job);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await q.request('POST', '/v1/zk/jobs', a, { ...job, counterparty: undefined })).status).toBe(202);
  } finally {
    await q.stop();
  }
});
