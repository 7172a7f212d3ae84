/**
 * The prover service on a real embedded log: proves planned batches, publishes verified proofs,
 * fails a batch whose set is gone with the reason, and after a restart proves nothing twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../schemas/envelope';
import { SqliteEventLog } from '../log/sqlite/sqlite-event-log';
import { verificationKey } from './artifacts';
import { PROVER_CHECKPOINT, ZkProverService } from './exchange';
import { BATCHES_STREAM } from './planner';
import { TenantSealer } from './sealing';
import { hasher } from './selector';
import { releaseCurves, snarkjs } from './snarkjs';
import { LowLeafTree } from './tree';

const sealer = new TenantSealer(Buffer.alloc(32, 7));

test('proves planned batches once, across a restart; a batch without its set fails with the reason', async () => {
  const log = new SqliteEventLog({ path: join(mkdtempSync(join(tmpdir(), 'zk-ex-')), 'log.db'), sync: 'NORMAL' });
  const leaves = [11n, 22n, 33n];
  const tree = LowLeafTree.build(leaves, await hasher());
  const root = tree.root.toString();
  const setStream = 'zk-set:owner:s';
  const planned = (batchId: string, q: string, r = root): NewEvent => ({
    id: `plan-${batchId}`,
    type: 'BatchPlanned',
    stream: BATCHES_STREAM,
    tenant: 'asker',
    payload: {
      batchId, tenant: 'asker', circuit: 'check', root: r, setStream, cachedFrom: null,
      checks: [{ queryTag: sealer.tag('asker', r, q), querySealed: sealer.seal('asker', r, q) }],
      jobs: [{ jobId: `job-${batchId}`, check: 0 }], reasons: ['test'], workerHint: 0, maxWaitMs: 0,
    },
  });
  await log.append([
    { type: 'ZkSetCommitted', stream: setStream, tenant: 'owner', payload: { setId: 's', pepperVersion: 1, root, size: 3, depth: 16, leaves: leaves.map(String) } },
    planned('b1', '22'),
    planned('b2', '25'),
  ]);

  let prover = new ZkProverService(log, sealer, { workers: 1, retries: 0 });
  await prover.start();
  await Promise.all([prover.whenDone('b1'), prover.whenDone('b2')]);
  const outcomes = async () => (await log.read({ types: ['ProofCompleted', 'ProofFailed', 'ProvingStarted'] })).map((e) => [e.type, (e.payload as { batchId: string }).batchId]);
  const done = await log.read({ types: ['ProofCompleted'] });
  expect(done.map((e) => [(e.payload as { batchId: string }).batchId, (e.payload as { overlaps: boolean[] }).overlaps])).toEqual(expect.arrayContaining([['b1', [true]], ['b2', [false]]]));
  for (const e of done) {
    const p = e.payload as { proof: string; overlaps: boolean[]; batchId: string; vkHash: string };
    const q = p.batchId === 'b1' ? '22' : '25';
    expect(p.vkHash).toBe(verificationKey('check').vkHash);
    expect(await snarkjs().groth16.verify(verificationKey('check').vk, [p.overlaps[0] ? '1' : '0', root, q], JSON.parse(p.proof))).toBe(true);
  }
  await prover.close();
  const before = await outcomes();

  // restart: nothing is proved again; a new batch whose root has no commit fails with the reason
  prover = new ZkProverService(log, sealer, { workers: 1, retries: 0 });
  await prover.start();
  await log.append([planned('b3', '22', '12345')]);
  await prover.whenDone('b3');
  const after = await outcomes();
  expect(after.slice(0, before.length)).toEqual(before);
  expect(after.slice(before.length)).toEqual([['ProofFailed', 'b3']]);
  const failed = (await log.read({ types: ['ProofFailed'] }))[0].payload as { reason: string };
  expect(failed.reason).toBe(`set ${setStream} has no commit with root 12345`);
  await prover.close();
  const lastPlan = (await log.read({ types: ['BatchPlanned'] })).pop()!;
  expect(await log.getCheckpoint(PROVER_CHECKPOINT)).toBeGreaterThanOrEqual(lastPlan.position);
  await log.close();
  await releaseCurves();
});

test('the prover processes load their keys when the first set is committed, not during the first job; none without a set', async () => {
  const log = new SqliteEventLog({ path: join(mkdtempSync(join(tmpdir(), 'zk-warm-')), 'log.db'), sync: 'NORMAL' });
  const prover = new ZkProverService(log, sealer, { workers: 1, retries: 0 });
  await prover.start();
  await log.append([{ type: 'AnnotationAdded', stream: 'notes', tenant: 'ops', payload: { subject: 's', text: 't', author: 'a' } }]);
  expect(prover.pool.running).toBe(0);
  await log.append([{ type: 'ZkSetCommitted', stream: 'zk-set:owner:w', tenant: 'owner', payload: { setId: 'w', pepperVersion: 1, root: '1', size: 1, depth: 16, leaves: ['5'] } }]);
  await prover.warm;
  expect(prover.pool.running).toBe(1);
  await prover.close();

  // a restart over a log that has a set warms up at once
  const again = new ZkProverService(log, sealer, { workers: 1, retries: 0 });
  await again.start();
  await again.warm;
  expect(again.pool.running).toBe(1);
  await again.close();
  await log.close();
});
