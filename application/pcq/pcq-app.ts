/**
 * The PCQ commands behind the HTTP routes (and so behind `trust pcq import`, which posts to them):
 * bodies arrive checked against the spec at the HTTP edge; here they are checked against the read
 * models (an unknown fixture), turned into events and appended through the one ingest path.
 * Read-your-writes where the next request depends on it.
 */
import type { NewEvent } from '../../schemas/envelope';
import type { Principal, ServiceContext } from '../context';
import { NotFoundError, ValidationError, type FieldProblem } from '../../schemas/errors';
import { getAnomaly, knownFixtures, releases } from '../../projections/pcq/queries';
import { ciStream, fixtureStream, releasesStream, type ReplayRecorded, type TriageOverridden } from '../../streams/pcq/events/types';
import { fixturePayload, itemsOf, missingPayload, releasePayload, replayPayload, type FixtureBody, type MissingBody, type OneOrMany, type OverrideBody, type ReleaseBody, type ReplayBody } from './intake';

type Ctx = Pick<ServiceContext, 'ingest' | 'readModels' | 'settled'>;

const lastPosition = (rs: { position: number }[]) => rs.reduce((m, r) => Math.max(m, r.position), 0);

export async function registerFixtures(ctx: Ctx, principal: Principal, body: OneOrMany<FixtureBody, 'fixtures'>) {
  const values = itemsOf(body, 'fixtures').items.map(fixturePayload);
  const events: NewEvent[] = values.map((f) => ({ type: 'FixtureRegistered', stream: fixtureStream(principal.tenant, f.fixtureId), tenant: principal.tenant, payload: f }));
  const results = await ctx.ingest(principal, events, 'fixtures');
  // The next replay is checked against this manifest at ingest: make it visible before answering.
  await ctx.settled(lastPosition(results));
  return { registered: values.map((f) => f.fixtureId) };
}

export async function tagRelease(ctx: Ctx, principal: Principal, body: ReleaseBody) {
  const payload = releasePayload(body);
  const results = await ctx.ingest(principal, [{ type: 'ReleaseTagged', stream: releasesStream(principal.tenant), tenant: principal.tenant, payload }], 'releases');
  await ctx.settled(lastPosition(results));
  return { tagged: [payload] };
}

/** Event id of a replay: its runId, scoped by tenant so two tenants' "run-1" never collide. */
export const replayEventId = (tenant: string, runId: string) => `pcq-run:${tenant}:${runId}`;

/** A replay of a fixture the tenant never registered is refused (422): a rule the request schema cannot state. */
async function mustKnowFixtures(ctx: Ctx, tenant: string, replays: ReplayBody[], at: (i: number) => string) {
  const known = await knownFixtures(ctx.readModels, tenant, replays.map((r) => r.fixtureId));
  const problems: FieldProblem[] = [];
  replays.forEach((r, i) => {
    if (!known.has(r.fixtureId)) problems.push({ field: `${at(i)}.fixtureId`, problem: `unknown fixture '${r.fixtureId}'; register its manifest with POST /v1/pcq/fixtures first` });
  });
  if (problems.length) throw new ValidationError(problems, 'SCHEMA_VIOLATION');
}

export async function recordReplays(ctx: Ctx, principal: Principal, body: OneOrMany<ReplayBody, 'replays'>, opts: { wait?: boolean } = {}) {
  const { items, at } = itemsOf(body, 'replays');
  await mustKnowFixtures(ctx, principal.tenant, items, at);
  const taggedAt = new Map((await releases(ctx.readModels, principal.tenant)).map((r) => [r.release, r.taggedAt]));
  const seen = new Set<string>();
  const events: NewEvent<ReplayRecorded>[] = [];
  for (const r of items) {
    if (seen.has(r.runId)) continue; // the same runId twice in one batch: stored once
    seen.add(r.runId);
    const payload = replayPayload(r, taggedAt.get(r.release) ?? null);
    events.push({ id: replayEventId(principal.tenant, r.runId), type: 'ReplayRecorded', stream: fixtureStream(principal.tenant, r.fixtureId), tenant: principal.tenant, occurredAt: payload.recordedAt ?? undefined, payload });
  }
  const results = await ctx.ingest(principal, events, 'replays');
  if (opts.wait) await ctx.settled(lastPosition(results));
  const duplicates = results.filter((r) => r.duplicate).length;
  return { recorded: results.length - duplicates, duplicates: duplicates + (items.length - events.length), runIds: events.map((e) => e.payload.runId), position: lastPosition(results) };
}

/** A CI shard that did not deliver: its fixtures are reported missing, never passing. */
export async function recordMissing(ctx: Ctx, principal: Principal, body: MissingBody) {
  const payload = missingPayload(body, new Date().toISOString());
  const results = await ctx.ingest(principal, [{ type: 'ReplaysMissing', stream: ciStream(principal.tenant, payload.release), tenant: principal.tenant, payload }], 'missing');
  await ctx.settled(lastPosition(results));
  return { release: payload.release, shard: payload.shard, missing: payload.fixtureIds.length };
}

export async function overrideLabel(ctx: Ctx, principal: Principal, anomalyId: string, body: OverrideBody) {
  const a = await getAnomaly(ctx.readModels, principal.tenant, anomalyId);
  if (!a) throw new NotFoundError('anomaly', anomalyId);
  const payload: TriageOverridden = {
    anomalyId,
    fixtureId: a.fixtureId,
    release: a.release,
    label: body.label,
    previousLabel: a.label,
    by: body.by,
    reason: body.reason,
    modelVersion: a.modelVersion,
    // The features travel with the override: the next model version trains on them as they were.
    features: a.features,
  };
  const results = await ctx.ingest(principal, [{ type: 'TriageOverridden', stream: fixtureStream(principal.tenant, a.fixtureId), tenant: principal.tenant, payload }], 'override');
  await ctx.settled(lastPosition(results));
  return await getAnomaly(ctx.readModels, principal.tenant, anomalyId)!;
}
