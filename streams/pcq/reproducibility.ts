/**
 * pcq.reproducibility — one state per fixture stream. On each replay it runs every comparison that
 * now has both sides: the runtime vs the baseline runtime of the same release, and the release vs
 * the previous (and next, for late arrivals) release on the same runtime. Each comparison emits
 * ReproducibilityChecked; a failing one also emits AnomalyDetected with its actionable diff.
 */
import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../schemas/envelope';
import { defineProcessor, noChange, type Decision, type EmittedEvent, byStream } from '../runtime/processor';
import { compareMetrics, inputDiffs, summarize, type Metrics } from './compare';
import {
  runtimeName,
  type AnomalyDetected,
  type CheckKind,
  type FixtureRegistered,
  type ReplayRecorded,
  type ReproducibilityChecked,
  type RunRef,
} from './events/types';
import { featureMap, featuresOf } from './triage/features';

interface Replay {
  ref: RunRef;
  metrics: Metrics;
}
interface ReleaseSlot {
  release: string;
  taggedAt: string | null;
  /** Arrival order: orders releases whose tag time is not known. */
  seen: number;
  /** Latest replay per runtime name (a retry replaces the earlier one). */
  runs: Record<string, Replay>;
}
export interface FixtureState {
  manifest: FixtureRegistered | null;
  releases: Record<string, ReleaseSlot>;
  seen: number;
}

/** Releases in order: tagged ones by taggedAt, then the untagged by arrival. */
export function orderedReleases(state: FixtureState): ReleaseSlot[] {
  return Object.values(state.releases).sort((a, b) => {
    if ((a.taggedAt === null) !== (b.taggedAt === null)) return a.taggedAt === null ? 1 : -1;
    if (a.taggedAt !== null && b.taggedAt !== null && a.taggedAt !== b.taggedAt) return a.taggedAt < b.taggedAt ? -1 : 1;
    return a.seen - b.seen;
  });
}

/** Releases kept per fixture: comparisons need the neighbours of a release, not the whole history. */
export const KEEP_RELEASES = 12;

export const anomalyIdOf = (stream: string, checkId: string) =>
  `an-${createHash('sha256').update(`${stream}\u0000${checkId}`).digest('hex').slice(0, 20)}`;

function check(e: RecordedEvent, manifest: FixtureRegistered, kind: CheckKind, subject: Replay, reference: Replay): EmittedEvent[] {
  const checkId = `${kind}:${subject.ref.release}:${subject.ref.runId}:${reference.ref.runId}`;
  const deltas = compareMetrics(subject.metrics, reference.metrics, manifest);
  const passed = deltas.every((d) => d.within);
  const checked: ReproducibilityChecked = {
    checkId,
    fixtureId: manifest.fixtureId,
    release: subject.ref.release,
    kind,
    subject: subject.ref,
    reference: reference.ref,
    passed,
    deltas,
  };
  const out: EmittedEvent[] = [{ type: 'ReproducibilityChecked', stream: e.stream, tenant: e.tenant, payload: checked, idSuffix: `check:${checkId}` }];
  if (passed) return out;
  const diffs = inputDiffs(subject.ref, reference.ref, manifest);
  const moved = deltas.filter((d) => !d.within);
  const anomaly: AnomalyDetected = {
    anomalyId: anomalyIdOf(e.stream, checkId),
    checkId,
    fixtureId: manifest.fixtureId,
    release: subject.ref.release,
    kind,
    runtimes: [runtimeName(subject.ref.runtime), runtimeName(reference.ref.runtime)],
    subject: subject.ref,
    reference: reference.ref,
    metricsMoved: moved,
    inputDiffs: diffs,
    summary: summarize(moved, diffs),
    features: featureMap(featuresOf({ kind, deltas, inputDiffs: diffs })),
  };
  out.push({ type: 'AnomalyDetected', stream: e.stream, tenant: e.tenant, payload: anomaly, idSuffix: `anomaly:${checkId}` });
  return out;
}

function onReplay(state: FixtureState, e: RecordedEvent<ReplayRecorded>): Decision<FixtureState> {
  const r = e.payload;
  const seen = state.seen + 1;
  const prior = state.releases[r.release];
  const slot: ReleaseSlot = {
    release: r.release,
    taggedAt: r.releaseTaggedAt ?? prior?.taggedAt ?? null,
    seen: prior?.seen ?? seen,
    runs: { ...prior?.runs },
  };
  const rt = runtimeName(r.runtime);
  const replay: Replay = {
    ref: { runId: r.runId, release: r.release, runtime: r.runtime, seed: r.seed, libs: r.libs, dataChecksum: r.dataChecksum },
    metrics: r.metrics,
  };
  slot.runs[rt] = replay;
  const next: FixtureState = { ...state, seen, releases: { ...state.releases, [r.release]: slot } };
  const order = orderedReleases(next);
  for (const old of order.slice(0, Math.max(0, order.length - KEEP_RELEASES))) if (old.release !== r.release) delete next.releases[old.release];
  const manifest = state.manifest;
  if (!manifest) return { state: next, emit: [] }; // kept: compared once a later replay finds the manifest
  const emit: EmittedEvent[] = [];
  const baseline = runtimeName(manifest.baselineRuntime);
  if (rt === baseline) {
    for (const [other, run] of Object.entries(slot.runs).sort()) if (other !== baseline) emit.push(...check(e, manifest, 'cross_runtime', run, replay));
  } else if (slot.runs[baseline]) {
    emit.push(...check(e, manifest, 'cross_runtime', replay, slot.runs[baseline]));
  }
  const onRuntime = orderedReleases(next).filter((s) => s.runs[rt]);
  const at = onRuntime.findIndex((s) => s.release === r.release);
  if (at > 0) emit.push(...check(e, manifest, 'cross_release', replay, onRuntime[at - 1].runs[rt]));
  if (at >= 0 && at < onRuntime.length - 1) emit.push(...check(e, manifest, 'cross_release', onRuntime[at + 1].runs[rt], replay));
  return { state: next, emit };
}

export const reproducibility = defineProcessor<FixtureState>({
  name: 'pcq.reproducibility',
  inputs: ['FixtureRegistered', 'ReplayRecorded'],
  keyOf: byStream,
  initialState: () => ({ manifest: null, releases: {}, seen: 0 }),
  handle(state, e) {
    if (e.type === 'FixtureRegistered') return { state: { ...state, manifest: e.payload as FixtureRegistered }, emit: [] };
    if (e.type === 'ReplayRecorded') return onReplay(state, e as RecordedEvent<ReplayRecorded>);
    return noChange(state);
  },
});
