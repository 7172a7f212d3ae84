/**
 * `trust pcq …`:
 *   trust pcq import <file> [--url http://127.0.0.1:8080] [--key $TRUST_API_KEY]
 *        a CI runner's output (one JSON file per runner: release, runtime, shard, status, fixtures, replays)
 *        posted to the service, so it meets exactly the HTTP validation; a shard that timed out, or
 *        fixtures without a replay, are reported as missing replays, never as passing.
 *   trust pcq timeline [--releases 5] [--out dir] [--tenant t]
 *        publishes the release timeline page (self-contained HTML) and prunes pages older than 90 days.
 * The logic is in plain functions (planImport, runImport, runTimeline) that the tests call directly.
 */
import { callApi } from '../../http/client';
import type { ReadModelStore } from '../../../projections/store/port';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrustError, ValidationError } from '../../../schemas/errors';
import { timelineOf } from '../../../projections/pcq/timeline/data';
import { renderTimeline } from '../../../projections/pcq/timeline/render';
import { publishTimeline } from '../../../projections/pcq/timeline/publish';
import { fail, openLiveReadModels } from '../open';
import { apiClientDefaults } from '../../config';

export interface RunnerFile {
  runner?: string;
  release: string;
  runtime: { device: string; os: string };
  shard: string;
  /** completed | timed_out | failed */
  status: string;
  /** The fixtures this shard was given (from infra/ci/matrix.yaml). */
  fixtures: string[];
  replays: Record<string, unknown>[];
}

export interface ImportPlan {
  replays: Record<string, unknown>[];
  missing: { release: string; runtime: { device: string; os: string }; shard: string; fixtureIds: string[]; reason: string; runner?: string } | null;
}

/** Read a runner file and decide what to post: its replays, and the shard's fixtures that have none. */
export function planImport(text: string, file = 'file'): ImportPlan {
  let raw: RunnerFile;
  try {
    raw = JSON.parse(text) as RunnerFile;
  } catch (err) {
    throw new ValidationError([{ field: file, problem: `is not JSON: ${(err as Error).message}` }]);
  }
  const problems = [];
  if (!raw || typeof raw !== 'object') throw new ValidationError([{ field: file, problem: 'must be a JSON object (a runner file)' }]);
  if (typeof raw.release !== 'string') problems.push({ field: `${file}.release`, problem: 'is required' });
  if (typeof raw.shard !== 'string') problems.push({ field: `${file}.shard`, problem: 'is required' });
  if (!raw.runtime || typeof raw.runtime !== 'object') problems.push({ field: `${file}.runtime`, problem: 'is required: {"device", "os"}' });
  if (!Array.isArray(raw.replays)) problems.push({ field: `${file}.replays`, problem: 'must be an array (empty when the shard produced nothing)' });
  if (!Array.isArray(raw.fixtures)) problems.push({ field: `${file}.fixtures`, problem: 'must list the fixtures the shard was given' });
  if (!['completed', 'timed_out', 'failed'].includes(raw.status)) problems.push({ field: `${file}.status`, problem: 'must be completed, timed_out or failed' });
  if (problems.length) throw new ValidationError(problems);
  const replays: Record<string, unknown>[] = raw.replays.map((r) => ({ ...r, shard: raw.shard }));
  const delivered = new Set(replays.map((r) => r.fixtureId));
  const absent = raw.fixtures.filter((f) => !delivered.has(f));
  const reason = raw.status === 'completed' ? 'no_output' : raw.status === 'timed_out' ? 'timeout' : 'crashed';
  return {
    replays,
    missing: absent.length ? { release: raw.release, runtime: raw.runtime, shard: raw.shard, fixtureIds: absent, reason, ...(raw.runner ? { runner: raw.runner } : {}) } : null,
  };
}

export type Post = (path: string, body: unknown) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function httpPoster(url: string, key: string): Post {
  return (path, body) => callApi(url, 'POST', path, { key, body });
}

function refused(res: { status: number; body: any }, what: string): never { // eslint-disable-line @typescript-eslint/no-explicit-any
  const b = res.body ?? {};
  throw new TrustError(b.code ?? 'UNAVAILABLE', `${what} refused (${res.status}): ${b.message ?? JSON.stringify(b).slice(0, 500)}`, b.details ?? {});
}

export async function runImport(text: string, post: Post, file = 'file'): Promise<{ recorded: number; duplicates: number; missing: number; lines: string[] }> {
  const plan = planImport(text, file);
  let recorded = 0;
  let duplicates = 0;
  for (let i = 0; i < plan.replays.length; i += 1000) {
    const res = await post('/v1/pcq/replays', { replays: plan.replays.slice(i, i + 1000) });
    if (res.status !== 202) refused(res, `replays ${i}..${Math.min(plan.replays.length, i + 1000) - 1}`);
    recorded += res.body.recorded;
    duplicates += res.body.duplicates;
  }
  const lines = [`${recorded} replays recorded, ${duplicates} already known`];
  if (plan.missing) {
    const res = await post('/v1/pcq/replays/missing', plan.missing);
    if (res.status !== 202) refused(res, 'missing replays');
    lines.push(`shard ${plan.missing.shard}: ${plan.missing.fixtureIds.length} fixtures reported as missing replays (${plan.missing.reason}), not passing`);
  }
  return { recorded, duplicates, missing: plan.missing?.fixtureIds.length ?? 0, lines };
}

export async function runTimeline(db: ReadModelStore, opts: { tenant: string; releases: number; out: string; now?: Date }) {
  if (!Number.isInteger(opts.releases) || opts.releases < 1 || opts.releases > 20) throw new ValidationError([{ field: '--releases', problem: 'must be a whole number from 1 to 20' }]);
  if ((await db.columns('pcq_fixtures')).length === 0) throw new ValidationError([{ field: 'read models', problem: 'the PCQ read models are missing: run `trust serve` (with PCQ registered) so the projections are built' }]);
  const now = opts.now ?? new Date();
  const timeline = await timelineOf(db, opts.tenant, opts.releases);
  return { ...publishTimeline(renderTimeline(timeline, { generatedAt: now }), opts.out, now), rows: timeline.rows.length, drifts: timeline.rows.filter((r) => r.drift).length };
}

export function register(program: Command): void {
  const pcq = program.command('pcq').description('Proof-Carrying Queries: replays, checks, triage, release timelines');
  pcq
    .command('import <file>')
    .description("ingest a CI runner's replays (same validation as POST /v1/pcq/replays); missing shard output is reported, not passed")
    .option('--url <url>', 'the Trust Fabric service (default $TRUST_URL, or this host on $PORT)', apiClientDefaults().url)
    .option('--key <key>', 'a producer API key (default $TRUST_API_KEY)', apiClientDefaults().key)
    .action(async (file: string, opts: { url: string; key?: string }) => {
      try {
        if (!opts.key) throw new ValidationError([{ field: '--key', problem: 'is required (or set TRUST_API_KEY): a producer key made by `trust tenant add`' }]);
        const r = await runImport(readFileSync(file, 'utf8'), httpPoster(opts.url, opts.key), file);
        for (const l of r.lines) console.log(l);
        if (r.missing > 0) process.exitCode = 2; // CI sees a shard that did not deliver
      } catch (err) {
        fail(err);
      }
    });
  pcq
    .command('timeline')
    .description('publish the release timeline page (HTML) and prune pages older than 90 days')
    .option('--releases <n>', 'how many releases', (v) => Number(v), 5)
    .option('--out <dir>', 'output directory', join(process.cwd(), 'reports', 'pcq'))
    .option('--tenant <tenant>', 'tenant', 'demo')
    .action(async (opts: { releases: number; out: string; tenant: string }) => {
      const db = openLiveReadModels();
      try {
        const r = await runTimeline(db, opts);
        console.log(`timeline: ${r.rows} fixture × metric rows, ${r.drifts} drifted → ${r.path} (index.html updated)${r.pruned.length ? `; pruned ${r.pruned.length} pages older than 90 days` : ''}`);
      } catch (err) {
        fail(err);
      } finally {
        await db.close();
      }
    });
}
