/** The CI matrix (infra/ci/matrix.yaml) expanded into jobs, and the stable fixture → shard assignment. */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface Matrix {
  baseline: { device: string; os: string };
  devices: string[];
  os: string[];
  shards: number;
  timeoutMinutes: number;
  exclude: { device: string; os: string }[];
}
export interface Job {
  device: string;
  os: string;
  shard: string;
  index: number;
}

export function loadMatrix(path = join(__dirname, 'matrix.yaml')): Matrix {
  const m = parse(readFileSync(path, 'utf8')) as Matrix;
  return { ...m, exclude: m.exclude ?? [] };
}

export function jobs(m: Matrix): Job[] {
  const out: Job[] = [];
  for (const device of m.devices)
    for (const os of m.os) {
      if (m.exclude.some((x) => x.device === device && x.os === os)) continue;
      for (let i = 0; i < m.shards; i++) out.push({ device, os, shard: `${i + 1}/${m.shards}`, index: i });
    }
  return out;
}

/** FNV-1a of the fixture id modulo the shard count: stable when fixtures come and go. */
export function shardOf(fixtureId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < fixtureId.length; i++) h = Math.imul(h ^ fixtureId.charCodeAt(i), 0x01000193) >>> 0;
  return h % shards;
}

/** CLI for the workflow: `… matrix.ts jobs` prints the job list as JSON (GitHub Actions `fromJSON`); `… matrix.ts shard <i> <fixture…>` the fixtures of shard i. */
if (require.main === module) {
  const m = loadMatrix();
  const program = new Command('matrix').description('the CI matrix (infra/ci/matrix.yaml) as JSON');
  program
    .command('jobs', { isDefault: true })
    .description('every job: device, os, shard')
    .action(() => console.log(JSON.stringify({ include: jobs(m) })));
  program
    .command('shard <index> [fixtures...]')
    .description('the fixtures that shard <index> (0-based) runs')
    .action((index: string, fixtures: string[]) => {
      const i = Number(index);
      if (!Number.isInteger(i) || i < 0 || i >= m.shards) program.error(`shard index must be a whole number from 0 to ${m.shards - 1}, got '${index}'`);
      console.log(JSON.stringify(fixtures.filter((f) => shardOf(f, m.shards) === i)));
    });
  program.parse(process.argv);
}
