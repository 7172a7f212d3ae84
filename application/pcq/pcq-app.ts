/**
 * The PCQ commands behind the HTTP routes (and so behind `trust pcq import`, which posts to them):
 * validate, check against the read models (unknown fixture, release order), turn into events,
 * append through the one ingest path. Read-your-writes where the next request depends on it.
 */
import type { NewEvent } from '../../schemas/envelope';
import type { Principal, ServiceContext } from '../context';
import { NotFoundError, ValidationError, type FieldProblem } from '../../schemas/errors';
import { getAnomaly, knownFixtures, releases } from '../../projections/pcq/queries';
import { ciStream, fixtureStream, releasesStream, DEVICES, OSES, type ReplayRecorded, type ReplaysMissing, type TriageOverridden } from '../../streams/pcq/events/types';
import { parseFixture, parseOverride, parseRelease, parseReplay, type Parsed } from './intake';

export const MAX_PER_REQUEST = 1000;
type Ctx = Pick<ServiceContext, 'ingest' | 'readModels' | 'settled'>;

/** A body is one item, an array, or {<plural>: [...]}: returns the items and how to name their fields. */
function itemsOf(body: unknown, plural: string, single: string): { items: unknown[]; at: (i: number) => string } {
  if (Array.isArray(body)) return { items: body, at: (i) => `[${i}]` };
  if (body && typeof body === 'object' && Array.isArray((body as Record<string, unknown>)[plural])) {
    const items = (body as Record<string, unknown[]>)[plural];
    return { items, at: (i) => `${plural}[${i}]` };
  }
  return { items: [body], at: () => single };
}

function parseAll<T>(body: unknown, plural: string, single: string, parse: (raw: unknown, at: string) => Parsed<T>): { values: T[]; at: (i: number) => string } {
  const { items, at } = itemsOf(body, plural, single);
  if (items.length === 0) throw new ValidationError([{ field: plural, problem: 'must hold at least one item' }]);
  if (items.length > MAX_PER_REQUEST) throw new ValidationError([{ field: plural, problem: `holds ${items.length} items; at most ${MAX_PER_REQUEST} per request` }]);
  const problems: FieldProblem[] = [];
  const values = items.map((raw, i) => {
    const p = parse(raw, at(i));
    problems.push(...p.problems);
    return p.value as T;
  });
  // 422: the body is JSON but breaks the PCQ contract (missing seed, unknown fixture, bad runtime…).
  if (problems.length) throw new ValidationError(problems, 'SCHEMA_VIOLATION');
  return { values, at };
}

const lastPosition = (rs: { position: number }[]) => rs.reduce((m, r) => Math.max(m, r.position), 0);

export async function registerFixtures(ctx: Ctx, principal: Principal, body: unknown) {
  const { values } = parseAll(body, 'fixtures', 'body', parseFixture);
  const events: NewEvent[] = values.map((f) => ({ type: 'FixtureRegistered', stream: fixtureStream(principal.tenant, f.fixtureId), tenant: principal.tenant, payload: f }));
  const results = await ctx.ingest(principal, events, 'fixtures');
  // The next replay is checked against this manifest at ingest: make it visible before answering.
  await ctx.settled(lastPosition(results));
  return { registered: values.map((f) => f.fixtureId) };
}

export async function tagRelease(ctx: Ctx, principal: Principal, body: unknown) {
  const { values } = parseAll(body, 'releases', 'body', parseRelease);
  const events: NewEvent[] = values.map((r) => ({ type: 'ReleaseTagged', stream: releasesStream(principal.tenant), tenant: principal.tenant, payload: r }));
  const results = await ctx.ingest(principal, events, 'releases');
  await ctx.settled(lastPosition(results));
  return { tagged: values };
}

/** Event id of a replay: its runId, scoped by tenant so two tenants' "run-1" never collide. */
export const replayEventId = (tenant: string, runId: string) => `pcq-run:${tenant}:${runId}`;

export async function recordReplays(ctx: Ctx, principal: Principal, body: unknown, opts: { wait?: boolean } = {}) {
  const { values, at } = parseAll(body, 'replays', 'body', parseReplay);
  const known = await knownFixtures(ctx.readModels, principal.tenant, values.map((r) => r.fixtureId));
  const problems: FieldProblem[] = [];
  values.forEach((r, i) => {
    if (!known.has(r.fixtureId)) problems.push({ field: `${at(i)}.fixtureId`, problem: `unknown fixture '${r.fixtureId}'; register its manifest with POST /v1/pcq/fixtures first` });
  });
  if (problems.length) throw new ValidationError(problems, 'SCHEMA_VIOLATION');
  const taggedAt = new Map((await releases(ctx.readModels, principal.tenant)).map((r) => [r.release, r.taggedAt]));
  const seen = new Set<string>();
  const events: NewEvent<ReplayRecorded>[] = [];
  for (const r of values) {
    if (seen.has(r.runId)) continue; // the same runId twice in one batch: stored once
    seen.add(r.runId);
    events.push({
      id: replayEventId(principal.tenant, r.runId),
      type: 'ReplayRecorded',
      stream: fixtureStream(principal.tenant, r.fixtureId),
      tenant: principal.tenant,
      occurredAt: r.recordedAt ?? undefined,
      payload: { ...r, releaseTaggedAt: taggedAt.get(r.release) ?? null },
    });
  }
  const results = await ctx.ingest(principal, events, 'replays');
  if (opts.wait) await ctx.settled(lastPosition(results));
  const duplicates = results.filter((r) => r.duplicate).length;
  return { recorded: results.length - duplicates, duplicates: duplicates + (values.length - events.length), runIds: events.map((e) => e.payload.runId), position: lastPosition(results) };
}

/** A CI shard that did not deliver: its fixtures are reported missing, never passing. */
export async function recordMissing(ctx: Ctx, principal: Principal, body: unknown) {
  const problems: FieldProblem[] = [];
  const b = (body ?? {}) as Partial<ReplaysMissing> & Record<string, unknown>;
  const str = (k: string, v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : (problems.push({ field: k, problem: 'must be a non-empty string of at most 200 characters' }), ''));
  const release = str('release', b.release);
  const shard = str('shard', b.shard);
  const reason = str('reason', b.reason ?? 'timeout');
  const rt = (b.runtime ?? {}) as Record<string, unknown>;
  if (!DEVICES.includes(rt.device as never)) problems.push({ field: 'runtime.device', problem: `must be one of ${DEVICES.join(', ')}` });
  if (!OSES.includes(rt.os as never)) problems.push({ field: 'runtime.os', problem: `must be one of ${OSES.join(', ')}` });
  if (!Array.isArray(b.fixtureIds) || b.fixtureIds.length === 0 || b.fixtureIds.some((f) => typeof f !== 'string')) problems.push({ field: 'fixtureIds', problem: 'must be a non-empty array of fixture ids' });
  if (problems.length) throw new ValidationError(problems, 'SCHEMA_VIOLATION');
  const payload: ReplaysMissing = {
    release,
    runtime: { device: rt.device, os: rt.os } as ReplaysMissing['runtime'],
    shard,
    fixtureIds: b.fixtureIds as string[],
    reason,
    runner: typeof b.runner === 'string' ? b.runner : null,
    reportedAt: new Date().toISOString(),
  };
  const results = await ctx.ingest(principal, [{ type: 'ReplaysMissing', stream: ciStream(principal.tenant, release), tenant: principal.tenant, payload }], 'missing');
  await ctx.settled(lastPosition(results));
  return { release, shard, missing: payload.fixtureIds.length };
}

export async function overrideLabel(ctx: Ctx, principal: Principal, anomalyId: string, body: unknown) {
  const p = parseOverride(body);
  if (p.problems.length) throw new ValidationError(p.problems, 'SCHEMA_VIOLATION');
  const a = await getAnomaly(ctx.readModels, principal.tenant, anomalyId);
  if (!a) throw new NotFoundError('anomaly', anomalyId);
  const payload: TriageOverridden = {
    anomalyId,
    fixtureId: a.fixtureId,
    release: a.release,
    label: p.value!.label,
    previousLabel: a.label,
    by: p.value!.by,
    reason: p.value!.reason,
    modelVersion: a.modelVersion,
    // The features travel with the override: the next model version trains on them as they were.
    features: a.features,
  };
  const results = await ctx.ingest(principal, [{ type: 'TriageOverridden', stream: fixtureStream(principal.tenant, a.fixtureId), tenant: principal.tenant, payload }], 'override');
  await ctx.settled(lastPosition(results));
  return await getAnomaly(ctx.readModels, principal.tenant, anomalyId)!;
}
