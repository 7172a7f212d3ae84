/** The configuration module: TRUST_ZK_PROVER and friends (issue 15). */
import { resolve } from 'node:path';
import { PreconditionError, ValidationError } from '../schemas/errors';
import { apiClientDefaults, checkServeConfig, kafkaJournalOptions, loadConfig, zkProverConfig } from './config';

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

describe('kafkaJournalOptions (the v1.1 journal to export)', () => {
  test('given brokers and a prefix, then the options carry them', () => {
    expect(kafkaJournalOptions({ KAFKA_BROKERS: 'a:9092, b:9093', TRUST_KAFKA_PREFIX: 'trust.v11' })).toEqual({ brokers: ['a:9092', 'b:9093'], prefix: 'trust.v11' });
  });
  test('without KAFKA_BROKERS it says what to set', () => {
    expect(() => kafkaJournalOptions({})).toThrow(PreconditionError);
    expect(() => kafkaJournalOptions({})).toThrow(/KAFKA_BROKERS/);
  });
  test('a broker without a port is named', () => {
    expect(() => kafkaJournalOptions({ KAFKA_BROKERS: 'localhost' })).toThrow(/localhost/);
  });
  test('without a prefix the v1.1 default applies', () => {
    expect(kafkaJournalOptions({ KAFKA_BROKERS: 'a:1' }).prefix).toBeUndefined();
  });
});

describe('what trust serve needs in distributed mode', () => {
  const distributed = { TRUST_MODE: 'distributed', DATABASE_URL: 'postgres://trust@db:5432/trust', KAFKA_BROKERS: 'k:9092' };
  const problems = (env: NodeJS.ProcessEnv) => {
    try {
      checkServeConfig(loadConfig(env), env);
      return [];
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return (err as ValidationError).problems.map((p) => p.field);
    }
  };
  const secret = 'ab'.repeat(32);

  test('without the registry and the shared exchange secret it names both; with them it serves', () => {
    expect(problems(distributed)).toEqual(['SCHEMA_REGISTRY_URL', 'TRUST_ZK_SECRET']);
    expect(problems({ ...distributed, SCHEMA_REGISTRY_URL: 'http://r:8081', TRUST_ZK_SECRET: secret })).toEqual([]);
  });
  test('embedded mode needs neither (the secret lives in the data directory)', () => {
    expect(problems({})).toEqual([]);
  });
  test('a secret that is not hex, odd or shorter than 16 bytes is refused in any mode', () => {
    for (const bad of ['zz'.repeat(32), 'abc', 'ab'.repeat(15)]) expect(() => loadConfig({ TRUST_ZK_SECRET: bad })).toThrow(/TRUST_ZK_SECRET: must be hex digits/);
    expect(loadConfig({ TRUST_ZK_SECRET: secret }).port).toBe(8080);
  });
});

describe('what the rest of the code is given instead of reading the environment', () => {
  test('the SLO sample interval, the Kafka log level and the file overrides, with their defaults', () => {
    const c = loadConfig({ TRUST_SLO_SAMPLE_SECONDS: '5', TRUST_KAFKA_LOG: 'warn', TRUST_SLO_FILE: '/etc/trust/slo.yaml', LAC_COST_MODEL: 'cost.json' });
    expect(c).toMatchObject({ sloSampleIntervalMs: 5000, kafkaLogLevel: 'warn', paths: { sloFile: '/etc/trust/slo.yaml', lacCostModel: resolve('cost.json') } });
    expect(loadConfig({})).toMatchObject({ sloSampleIntervalMs: 60000, kafkaLogLevel: 'error', paths: {} });
  });
  test('a bad interval or log level is named', () => {
    expect(() => loadConfig({ TRUST_SLO_SAMPLE_SECONDS: '0' })).toThrow(/TRUST_SLO_SAMPLE_SECONDS/);
    expect(() => loadConfig({ TRUST_KAFKA_LOG: 'loud' })).toThrow(/TRUST_KAFKA_LOG/);
  });
  test("the CLI's API defaults", () => {
    expect(apiClientDefaults({ PORT: '9000' })).toEqual({ url: 'http://127.0.0.1:9000', key: undefined });
    expect(apiClientDefaults({ TRUST_URL: 'https://trust.example', TRUST_API_KEY: 'k' })).toEqual({ url: 'https://trust.example', key: 'k' });
  });
});
