/**
 * What the distributed-mode tests need: PostgreSQL (DATABASE_URL), a Kafka broker and a schema
 * registry, all started by infra/with-kafka.sh (`make test-kafka`). Without them the suites are
 * skipped, so `jest` on a machine without servers stays green.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvelope } from '../../streams/log/kafka/headers';
import { kafkaBrokers, registryUrl, uniqueName } from '../kafka/env';

export const databaseUrl = process.env.DATABASE_URL ?? '';
export const describeDistributed: jest.Describe = databaseUrl && kafkaBrokers.length && registryUrl ? describe : describe.skip;

/** The environment of one instance of a deployment (its own data directory and port). */
/** The exchange secret every test instance shares (`trust serve` requires one in distributed mode). */
const DEPLOYMENT_SECRET = randomBytes(32).toString('hex');

export function instanceEnv(prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TRUST_MODE: 'distributed',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    TRUST_KAFKA_PREFIX: prefix,
    TRUST_ZK_SECRET: DEPLOYMENT_SECRET,
    TRUST_DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-dist-')),
    PORT: '0',
    ...extra,
  };
}

export { kafkaBrokers, uniqueName };

/** Polls a condition (each poll a real request or query), up to `ms`. */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every record of a topic as (event id, deployment), read with kcat (a third-party client); damaged headers skipped. */
export function envelopesOn(topic: string): { id: string; log: string | undefined }[] {
  const dump = execFileSync('kcat', ['-b', kafkaBrokers[0], '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%h\n'], { maxBuffer: 512 * 1024 * 1024 }).toString();
  return dump
    .split('\n')
    .filter((l) => l.startsWith('trust.envelope='))
    .flatMap((l) => {
      try {
        const r = readEnvelope({ 'trust.envelope': l.slice('trust.envelope='.length) })!;
        return [{ id: r.envelope.id, log: r.log }];
      } catch {
        return []; // a damaged header another suite planted on the shared topic
      }
    });
}
