import type { DemoApi } from '../module';

/** Demo: two tenants' sets and a few checks (leaves computed here as a client would). */
export async function zkDemo(api: DemoApi): Promise<string[]> {
  const { leavesOf } = await import('../../streams/zk/selector');
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
