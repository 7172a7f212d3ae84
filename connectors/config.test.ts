/** The configuration module: TRUST_ZK_PROVER and friends (issue 15). */
import { resolve } from 'node:path';
import { ValidationError } from '../schemas/errors';
import { loadConfig, zkProverConfig } from './config';

describe('TRUST_ZK_PROVER', () => {
  it('defaults to the native prover, one thread unless told, the binary make builds', () => {
    expect(zkProverConfig({})).toEqual({ kind: 'native', binary: undefined, threads: undefined });
    expect(loadConfig({}).zkProver.kind).toBe('native');
  });

  it('takes snarkjs, another binary and a thread count', () => {
    expect(zkProverConfig({ TRUST_ZK_PROVER: 'snarkjs' }).kind).toBe('snarkjs');
    expect(zkProverConfig({ TRUST_ZK_PROVER: 'NATIVE', TRUST_ZK_PROVER_BIN: 'bin/p', TRUST_ZK_PROVER_THREADS: '2' })).toEqual({ kind: 'native', binary: resolve('bin/p'), threads: 2 });
  });

  it('refuses anything else, naming the variable', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        zkProverConfig(env);
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        return (err as ValidationError).problems;
      }
    };
    expect(problems({ TRUST_ZK_PROVER: 'rapidsnark' }).map((p) => p.field)).toEqual(['TRUST_ZK_PROVER']);
    expect(problems({ TRUST_ZK_PROVER_THREADS: '0' }).map((p) => p.field)).toEqual(['TRUST_ZK_PROVER_THREADS']);
    expect(problems({ TRUST_ZK_PROVER_THREADS: 'many' }).map((p) => p.field)).toEqual(['TRUST_ZK_PROVER_THREADS']);
  });
});
