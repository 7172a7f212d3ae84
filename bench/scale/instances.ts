/** `trust serve` instances of one distributed deployment, for the bench: start, key, load, stop. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, stopServe, type ServiceProcess } from '../../infra/load/service-process';

/** The exchange secret the bench's instances share (`trust serve` requires one in distributed mode). */
const ZK_SECRET = randomBytes(32).toString('hex');

export interface Deployment {
  databaseUrl: string;
  brokers: string;
  registryUrl: string;
  prefix: string;
}

export interface Instance extends ServiceProcess {
  dataDir: string;
  /** Seconds from spawn to serving. */
  startupS: number;
}

export async function startInstance(d: Deployment, extra: Record<string, string> = {}): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-bench-scale-'));
  const t0 = Date.now();
  const p = await startServe(dataDir, 0, {
    TRUST_MODE: 'distributed',
    DATABASE_URL: d.databaseUrl,
    KAFKA_BROKERS: d.brokers,
    SCHEMA_REGISTRY_URL: d.registryUrl,
    TRUST_KAFKA_PREFIX: d.prefix,
    TRUST_ZK_SECRET: ZK_SECRET,
    TRUST_ZK_WORKERS: '0',
    TRUST_SLO_SAMPLE_SECONDS: '3600',
    ...extra,
  });
  return { ...p, dataDir, startupS: (Date.now() - t0) / 1000 };
}

export async function stopInstance(i: Instance): Promise<void> {
  await stopServe(i);
  rmSync(i.dataDir, { recursive: true, force: true });
}

/** Resident set size of a process, MB (Linux). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Polls until the instance authenticates `key` (its read models have folded the key). */
export async function untilReady(url: string, key: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const r = await fetch(`${url}/v1/events?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    if (r.status === 200) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${url} did not accept the bench key within ${ms} ms`);
}

/**
 * `clients` concurrent HTTP clients, each sending `requests` batches of `batch` annotations to its
 * instance (client i → instances[i % n]); returns acknowledged events per second.
 */
export async function ingest(urls: string[], key: string, clients: number, requests: number, batch: number, tag: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  let acked = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const url = urls[c % urls.length];
      for (let r = 0; r < requests; r++) {
        const events = Array.from({ length: batch }, (_, i) => ({
          type: 'AnnotationAdded',
          stream: `${tag}-s${(c * 31 + r * 7 + i) % 500}`,
          payload: { subject: `fixture-${i}`, text: `client ${c} request ${r} event ${i}`, author: 'bench', tags: ['scale'] },
        }));
        const res = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ events }),
        });
        if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        acked += ((await res.json()) as { ids: string[] }).ids.length;
      }
    }),
  );
  return acked / (Number(process.hrtime.bigint() - t0) / 1e9);
}
