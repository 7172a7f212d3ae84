/**
 * Payload types of the PCQ events (mirrors of the Avro schemas in ./schemas) and the stream names.
 * One stream per fixture keeps a fixture's manifest, replays, checks and triage in order.
 */
export type Device = 'cpu' | 'gpu';
export type Os = 'linux' | 'macos';
export interface Runtime {
  device: Device;
  os: Os;
}
export const DEVICES: readonly Device[] = ['cpu', 'gpu'];
export const OSES: readonly Os[] = ['linux', 'macos'];

export const LABELS = ['seed_drift', 'lib_pin_drift', 'data_skew', 'nondeterministic_reduction', 'infra_flake', 'regression'] as const;
export type TriageLabel = (typeof LABELS)[number];
export type CheckKind = 'cross_runtime' | 'cross_release';

export interface Tolerance {
  rel: number | null;
  abs: number | null;
}

export interface FixtureRegistered {
  fixtureId: string;
  seed: string;
  libs: Record<string, string>;
  dataChecksum: string;
  baselineRuntime: Runtime;
  tolerances: Record<string, Tolerance>;
}

export interface ReplayRecorded {
  runId: string;
  fixtureId: string;
  release: string;
  runtime: Runtime;
  seed: string;
  libs: Record<string, string>;
  dataChecksum: string;
  metrics: Record<string, number | null>;
  durationMs: number | null;
  recordedAt: string | null;
  releaseTaggedAt: string | null;
  shard: string | null;
}

export interface ReleaseTagged {
  release: string;
  taggedAt: string;
}

export interface ReplaysMissing {
  release: string;
  runtime: Runtime;
  shard: string;
  fixtureIds: string[];
  reason: string;
  runner: string | null;
  reportedAt: string | null;
}

export interface RunRef {
  runId: string;
  release: string;
  runtime: Runtime;
  seed: string;
  libs: Record<string, string>;
  dataChecksum: string;
}

export interface MetricDelta {
  metric: string;
  subject: number | null;
  reference: number | null;
  absDelta: number | null;
  relDelta: number | null;
  tolRel: number;
  tolAbs: number;
  toleranceSource: string;
  within: boolean;
  problem: 'missing' | 'non_finite' | null;
}

export interface ReproducibilityChecked {
  checkId: string;
  fixtureId: string;
  release: string;
  kind: CheckKind;
  subject: RunRef;
  reference: RunRef;
  passed: boolean;
  deltas: MetricDelta[];
}

export interface InputDiff {
  field: string;
  subject: string | null;
  reference: string | null;
  manifest: string | null;
  pinned: boolean;
  offManifest: boolean;
}

export interface AnomalyDetected {
  anomalyId: string;
  checkId: string;
  fixtureId: string;
  release: string;
  kind: CheckKind;
  runtimes: string[];
  subject: RunRef;
  reference: RunRef;
  metricsMoved: MetricDelta[];
  inputDiffs: InputDiff[];
  summary: string;
  features: Record<string, number>;
}

export interface AnomalyTriaged {
  anomalyId: string;
  fixtureId: string;
  release: string;
  label: TriageLabel;
  confidence: number;
  probabilities: Record<string, number>;
  runbook: string;
  needsReview: boolean;
  modelVersion: string;
  trigger: 'detected' | 'retry_reproduced';
  supersedesLabel: string | null;
  retryRunId: string | null;
  evidence: string[];
  features: Record<string, number>;
}

export interface TriageOverridden {
  anomalyId: string;
  fixtureId: string;
  release: string;
  label: TriageLabel;
  previousLabel: string | null;
  by: string;
  reason: string;
  modelVersion: string | null;
  features: Record<string, number>;
}

export const fixtureStream = (tenant: string, fixtureId: string) => `pcq-fixture:${tenant}:${fixtureId}`;
export const releasesStream = (tenant: string) => `pcq-releases:${tenant}`;
export const ciStream = (tenant: string, release: string) => `pcq-ci:${tenant}:${release}`;
export const runtimeName = (r: Runtime) => `${r.device}/${r.os}`;
export const sameRuntime = (a: Runtime, b: Runtime) => a.device === b.device && a.os === b.os;
export const runbookOf = (label: TriageLabel) => `docs/runbooks/${label}.md`;
