/**
 * The PCQ events' payload types (generated from their Avro schemas), label and runtime lists, stream names.
 * One stream per fixture keeps a fixture's manifest, replays, checks and triage in order.
 */
import type { Runtime, TriageLabel } from '../../../schemas/generated/payloads';

// The payload types are generated from the Avro schemas (schemas/events/pcq): one source of truth.
export type {
  AnomalyDetected,
  AnomalyTriaged,
  CheckKind,
  Device,
  FixtureRegistered,
  InputDiff,
  MetricDelta,
  Os,
  ReleaseTagged,
  ReplayRecorded,
  ReplaysMissing,
  ReproducibilityChecked,
  RunRef,
  Runtime,
  Tolerance,
  TriageLabel,
  TriageOverridden,
} from '../../../schemas/generated/payloads';

export const DEVICES = ['cpu', 'gpu'] as const;
export const OSES = ['linux', 'macos'] as const;
export const LABELS = ['seed_drift', 'lib_pin_drift', 'data_skew', 'nondeterministic_reduction', 'infra_flake', 'regression'] as const satisfies readonly TriageLabel[];

export const fixtureStream = (tenant: string, fixtureId: string) => `pcq-fixture:${tenant}:${fixtureId}`;
export const releasesStream = (tenant: string) => `pcq-releases:${tenant}`;
export const ciStream = (tenant: string, release: string) => `pcq-ci:${tenant}:${release}`;
export const runtimeName = (r: Runtime) => `${r.device}/${r.os}`;
export const sameRuntime = (a: Runtime, b: Runtime) => a.device === b.device && a.os === b.os;
export const runbookOf = (label: TriageLabel) => `docs/runbooks/${label}.md`;
