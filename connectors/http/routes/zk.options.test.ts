/** What the ZK routes and prover worker take from the environment: the prover kind and its defaults (issue 15). */
import { availableParallelism } from 'node:os';
import { zkOptionsFromEnv } from '../../config';

test('the native prover by default: one single-threaded process per core', () => {
  const o = zkOptionsFromEnv({});
  expect(o.prover).toEqual({ kind: 'native', binary: undefined, threads: 1 });
  expect(o.workers).toBe(availableParallelism());
});

test('TRUST_ZK_PROVER=snarkjs: one snarkjs worker (its threads use every core)', () => {
  const o = zkOptionsFromEnv({ TRUST_ZK_PROVER: 'snarkjs' });
  expect(o.prover.kind).toBe('snarkjs');
  expect(o.workers).toBe(1);
});

test('explicit workers and threads win over the defaults', () => {
  const o = zkOptionsFromEnv({ TRUST_ZK_WORKERS: '3', TRUST_ZK_PROVER_THREADS: '2' });
  expect(o.workers).toBe(3);
  expect(o.prover.threads).toBe(2);
  expect(() => zkOptionsFromEnv({ TRUST_ZK_PROVER: 'gpu' })).toThrow(/TRUST_ZK_PROVER/);
});
