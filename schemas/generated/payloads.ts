// Generated from schemas/events/**/*.avsc by schemas/generate-types.ts. Do not edit: change the schema and run `make schema-types`.
/* eslint-disable */

/** An access decision made by POST /v1/lac/decide against a stored policy: the history previews replay. */
export interface AccessDecided {
  policyId: string;
  policyVersion: string;
  mode: PolicyMode;
  decision: DecisionEffect;
  codes: Array<string>;
  request: RecordedRequest;
}

export type PolicyMode = "monitor" | "enforce";

export type DecisionEffect = "allow" | "deny";

export interface RecordedRequest {
  subject: RecordedSubject;
  action: string;
  resource: RecordedResource;
  context: RecordedContext;
}

export interface RecordedSubject {
  id: string;
  tenant: string;
  groups: Array<string>;
  clearance: string;
}

export interface RecordedResource {
  dataset: string;
  tenant: string;
  classification: string;
  region: string;
  license: null | string;
  fields: Array<RecordedField>;
}

export interface RecordedField {
  name: string;
  tags: Array<string>;
}

export interface RecordedContext {
  purpose: null | string;
  reason: null | string;
  hops: null | number;
  rows: null | number;
  aggregateGroupSize: null | number;
  destinationRegion: null | string;
}

/** An on-call person acknowledged a firing alert occurrence (POST /v1/ops/alerts/:id/ack or the SLO page's button). */
export interface AlertAcknowledged {
  alertId: string;
  alert: string;
  /** who acknowledged: the name given, else the key's tenant */
  by: string;
  note: string;
  /** ISO-8601 */
  acknowledgedAt: string;
}

/** Alertmanager delivered a firing alert to the service's webhook. One event per alert occurrence (fingerprint and start): a redelivery of the same occurrence is the same event id, so it is stored once. */
export interface AlertFired {
  /** <fingerprint>-<startsAt in epoch ms>: one occurrence of one alert */
  alertId: string;
  /** alertname, e.g. IngestAvailabilityFastBurn */
  alert: string;
  /** page or ticket (labels.severity) */
  severity: string;
  /** Alertmanager's fingerprint of the label set */
  fingerprint: string;
  /** ISO-8601: when Prometheus started firing it */
  startsAt: string;
  /** ISO-8601: when the webhook received the first delivery (the page reached the on-call) */
  receivedAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** annotations.runbook_url */
  runbook: string;
  /** the Alertmanager receiver that delivered it */
  receiver: string;
}

/** Alertmanager delivered the resolution of an alert occurrence recorded by AlertFired. */
export interface AlertResolved {
  /** the AlertFired occurrence it ends */
  alertId: string;
  alert: string;
  severity: string;
  fingerprint: string;
  startsAt: string;
  /** ISO-8601: when Prometheus saw the condition end */
  endsAt: string;
  /** ISO-8601: when the webhook received the resolution */
  receivedAt: string;
}

/** A note on a stream, e.g. a deploy marker shown on timelines. */
export interface AnnotationAdded {
  /** what the note is about, e.g. a release or a fixture id */
  subject: string;
  text: string;
  author: string;
  tags: Array<string>;
}

/** A failing check, with an actionable diff: metrics moved and every input difference. */
export interface AnomalyDetected {
  anomalyId: string;
  checkId: string;
  fixtureId: string;
  release: string;
  kind: CheckKind;
  /** device/os of subject then reference */
  runtimes: Array<string>;
  subject: RunRef;
  reference: RunRef;
  metricsMoved: Array<MetricDelta>;
  inputDiffs: Array<InputDiff>;
  summary: string;
  /** triage features (see streams/pcq/triage/features.ts) */
  features: Record<string, number>;
}

export type CheckKind = "cross_runtime" | "cross_release";

/** One side of a comparison: which replay, of which release, on which runtime. */
export interface RunRef {
  runId: string;
  release: string;
  runtime: Runtime;
  seed: string;
  libs: Record<string, string>;
  dataChecksum: string;
}

export interface Runtime {
  device: Device;
  os: Os;
}

export type Device = "cpu" | "gpu";

export type Os = "linux" | "macos";

export interface MetricDelta {
  metric: string;
  /** value in the run under check (null: missing) */
  subject: null | number;
  /** value in the run compared against (null: missing) */
  reference: null | number;
  /** subject - reference */
  absDelta: null | number;
  /** (subject - reference) / |reference|; null when the reference is 0 */
  relDelta: null | number;
  tolRel: number;
  tolAbs: number;
  /** default | metric:<name> | fixture:<id> */
  toleranceSource: string;
  within: boolean;
  /** missing | non_finite | null when both values are numbers */
  problem: null | string;
}

export interface InputDiff {
  /** seed | libs.<name> | dataChecksum | runtime | release */
  field: string;
  subject: null | string;
  reference: null | string;
  /** the pinned value, when the manifest pins this input */
  manifest: null | string;
  /** the manifest pins this input (an unpinned library bump is irrelevant) */
  pinned: boolean;
  /** at least one side differs from the manifest */
  offManifest: boolean;
}

/** The primary cause of an anomaly. A later AnomalyTriaged for the same anomalyId supersedes the earlier one. */
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
  trigger: TriageTrigger;
  supersedesLabel: null | string;
  retryRunId: null | string;
  evidence: Array<string>;
  /** triage features (see streams/pcq/triage/features.ts) */
  features: Record<string, number>;
}

export type TriageLabel = "seed_drift" | "lib_pin_drift" | "data_skew" | "nondeterministic_reduction" | "infra_flake" | "regression";

export type TriageTrigger = "detected" | "retry_reproduced";

/** The batch planner's decision: which jobs one proof answers (or which cached/in-flight proof answers them), on which circuit and worker, and why. */
export interface BatchPlanned {
  batchId: string;
  /** requester (a batch never mixes requesters) */
  tenant: string;
  circuit: PlannedCircuit;
  root: string;
  setStream: string;
  /** batch whose proof answers these jobs (circuit = cached) */
  cachedFrom: null | string;
  checks: Array<PlannedCheck>;
  jobs: Array<PlannedJob>;
  reasons: Array<string>;
  workerHint: null | number;
  maxWaitMs: number;
}

export type PlannedCircuit = "check" | "batch4" | "cached";

export interface PlannedCheck {
  queryTag: string;
  querySealed: string;
}

export interface PlannedJob {
  jobId: string;
  /** index into checks (or into cachedFrom's checks) */
  check: number;
}

/** The blast radius of a candidate version: recorded decisions replayed under the candidate and the active version, and (v2) the semantic diff of the two versions over every possible request. */
export interface BlastRadiusComputed {
  previewId: string;
  policyId: string;
  version: string;
  activeVersion: null | string;
  /** the candidate document the preview was computed for */
  documentHash: string;
  windowFrom: string;
  windowTo: string;
  /** position of the newest recorded decision of this policy included; newer decisions make the preview stale */
  asOfPosition: number;
  decisionsReplayed: number;
  distinctRequests: number;
  allowToDeny: number;
  denyToAllow: number;
  /** deny→allow changes on P0/P1 data */
  widenedSensitive: number;
  impactedDatasets: Array<ImpactCount>;
  impactedGroups: Array<ImpactCount>;
  impactedUsers: Array<ImpactCount>;
  impactedDatasetCount: number;
  impactedGroupCount: number;
  impactedUserCount: number;
  currency: string;
  costActive: number;
  costCandidate: number;
  costDelta: number;
  riskScore: number;
  riskLevel: RiskLevel;
  /** JSON object: the terms of risk score v2 */
  riskFactors: string;
  samples: Array<ChangedDecision>;
  durationMs: number;
  /** the semantic diff of the active and the candidate version (null in previews recorded before v2) */
  semantic: null | SemanticDiff;
}

export interface ImpactCount {
  name: string;
  allowToDeny: number;
  denyToAllow: number;
}

export type RiskLevel = "low" | "medium" | "high" | "critical";

export interface ChangedDecision {
  subjectId: string;
  dataset: string;
  action: string;
  classification: string;
  from: string;
  to: string;
  count: number;
  codes: Array<string>;
}

export interface SemanticDiff {
  /** the version compared with (the active one); null when none is active */
  fromVersion: null | string;
  method: string;
  /** every class of the finite abstraction was decided */
  complete: boolean;
  widenings: number;
  narrowings: number;
  widenedClassifications: Array<string>;
  narrowedClassifications: Array<string>;
  counterexamples: Array<SemanticCounterexample>;
  atoms: number;
  queries: number;
  durationMs: number;
}

export interface SemanticCounterexample {
  /** widening (the candidate grants more) or narrowing */
  direction: string;
  /** decision, redaction, hop-cap or attribution */
  kind: string;
  classification: string;
  action: string;
  /** the bundles (by name) or rules (rule CODE) that make the difference, or default / mode */
  responsible: Array<string>;
  fromDecision: string;
  toDecision: string;
  fromCodes: Array<string>;
  toCodes: Array<string>;
  detail: string;
  /** a concrete request on which the two versions decide differently (a valid POST /v1/lac/decide request) */
  request: RecordedRequest;
}

/** A processor could not handle an event; it moved on. The input is referenced, not copied. */
export interface DeadLettered {
  processor: string;
  eventId: string;
  eventType: string;
  eventStream: string;
  eventPosition: number;
  error: string;
  errorCode: null | string;
  attempts: number;
}

/** A fixture manifest, registered or updated: the inputs every replay must pin. */
export interface FixtureRegistered {
  fixtureId: string;
  seed: string;
  /** pinned libraries: name -> version */
  libs: Record<string, string>;
  dataChecksum: string;
  baselineRuntime: Runtime;
  /** per-metric overrides of the tolerance table for this fixture */
  tolerances: Record<string, Tolerance>;
}

export interface Tolerance {
  rel: null | number;
  abs: null | number;
}

/** Authoring telemetry: an author opened a policy editor (e.g. the console's New policy page) and began an authoring session; time-to-author counts from here (POST /v1/lac/sessions). */
export interface PolicyAuthoringOpened {
  /** the session the author's drafts, previews and promotion carry (X-Lac-Session) */
  sessionId: string;
  author: string;
  /** what opened the session, e.g. console */
  client: string;
}

/** Authoring telemetry: the first draft of an authoring session. */
export interface PolicyAuthoringStarted {
  sessionId: string;
  policyId: string;
  version: string;
  author: string;
  origin: PolicyOrigin;
  /** true when no version of this policy existed before */
  newPolicy: boolean;
}

export type PolicyOrigin = "bundle" | "scratch";

/** A version of a policy was drafted or edited. The document is kept as JSON text exactly as submitted (after YAML/JSON parsing). */
export interface PolicyDrafted {
  policyId: string;
  version: string;
  /** the policy document as JSON text */
  document: string;
  /** sha256 of the canonical document */
  documentHash: string;
  /** bundle when the document uses at least one bundle */
  origin: PolicyOrigin;
  author: string;
  sessionId: string;
  locale: string;
}

/** A blast-radius preview of a candidate version was requested (authoring telemetry: preview runs). */
export interface PolicyPreviewed {
  previewId: string;
  policyId: string;
  version: string;
  /** the active version the candidate is compared with; null when none is active */
  activeVersion: null | string;
  windowDays: number;
  requestedBy: string;
  sessionId: string;
}

/** A version became the active version of its policy. */
export interface PolicyPromoted {
  policyId: string;
  version: string;
  previousVersion: null | string;
  previewId: null | string;
  riskLevel: RiskLevel;
  acknowledged: boolean;
  by: string;
  sessionId: string;
}

/** Result of validating a drafted version: valid, or the problems with their paths in the document. */
export interface PolicyValidated {
  policyId: string;
  version: string;
  documentHash: string;
  valid: boolean;
  problems: Array<PolicyProblem>;
  sessionId: string;
  locale: string;
}

export interface PolicyProblem {
  path: string;
  code: string;
  message: string;
}

/** Authoring telemetry: a draft failed validation; its error codes, for errors-by-code analytics. */
export interface PolicyValidationFailed {
  sessionId: string;
  policyId: string;
  version: string;
  errorCodes: Array<string>;
  errorCount: number;
}

/** A person acknowledged a current preview to promote a medium-or-higher risk version. */
export interface PromotionAcknowledged {
  policyId: string;
  version: string;
  previewId: string;
  by: string;
  reason: string;
  riskLevel: RiskLevel;
}

/** A promotion was refused: an acknowledgment is needed, or the acknowledged preview is stale or not this version's. */
export interface PromotionBlocked {
  policyId: string;
  version: string;
  previewId: string;
  riskLevel: RiskLevel;
  reason: BlockReason;
  by: string;
  sessionId: string;
}

export type BlockReason = "ACK_REQUIRED" | "PREVIEW_STALE" | "PREVIEW_MISMATCH";

/** A planned batch was proved and the proof verified against the published key before this event was appended. */
export interface ProofCompleted {
  batchId: string;
  circuit: string;
  vkHash: string;
  /** snarkjs Groth16 proof, JSON */
  proof: string;
  /** one per check */
  overlaps: Array<boolean>;
  proveMs: number;
  verifyMs: number;
  attempts: number;
  worker: number;
}

/** A planned batch could not be proved (after retries) or its inputs are gone; its jobs fail with this reason. */
export interface ProofFailed {
  batchId: string;
  reason: string;
  attempts: number;
}

/** A tenant asked whether a query (a leaf) is in a committed set. The query is kept sealed with the requester's per-tenant key; queryTag is its per-tenant salted tag (dedup and cache key). */
export interface ProofRequested {
  jobId: string;
  /** tenant owning the set */
  counterparty: string;
  setId: string;
  setStream: string;
  root: string;
  pepperVersion: number;
  /** AES-256-GCM under the requester's tenant key, base64 */
  querySealed: string;
  /** HMAC-SHA256(tenant key, root|query), hex */
  queryTag: string;
  /** latency budget */
  budgetMs: number;
}

/** A prover worker took a planned batch. */
export interface ProvingStarted {
  batchId: string;
  worker: number;
}

/** A release was tagged; releases are ordered by taggedAt. */
export interface ReleaseTagged {
  release: string;
  taggedAt: string;
}

/** One replay of a fixture on one runtime for one release. The event id is the runId. */
export interface ReplayRecorded {
  runId: string;
  fixtureId: string;
  release: string;
  runtime: Runtime;
  seed: string;
  libs: Record<string, string>;
  dataChecksum: string;
  /** null = the runner could not produce a number; NaN/Infinity are kept as doubles */
  metrics: Record<string, null | number>;
  durationMs: null | number;
  recordedAt: null | string;
  /** taggedAt of the release when it was known at ingest: orders releases for the cross-release check */
  releaseTaggedAt: null | string;
  /** CI shard that produced the replay, when imported from a runner file */
  shard: null | string;
}

/** A CI shard did not deliver its replays (timed out or crashed): these fixtures are missing, not passing. */
export interface ReplaysMissing {
  release: string;
  runtime: Runtime;
  shard: string;
  fixtureIds: Array<string>;
  /** timeout | crashed | no_output */
  reason: string;
  runner: null | string;
  reportedAt: null | string;
}

/** One comparison of a replay with its reference (baseline runtime, or previous release on the same runtime). */
export interface ReproducibilityChecked {
  checkId: string;
  fixtureId: string;
  release: string;
  kind: CheckKind;
  subject: RunRef;
  reference: RunRef;
  passed: boolean;
  deltas: Array<MetricDelta>;
}

/** What one service instance served in one sampling interval, per SLO of infra/slo.yaml: good and total events of the SLI, read from its own metrics. The SLO projection folds these into error budgets and burn rates. */
export interface SloSampled {
  /** host-pid-bootTime of the sampling instance */
  instance: string;
  /** ISO-8601 start of the interval (exclusive) */
  from: string;
  /** ISO-8601 end of the interval (inclusive); the sample counts in this minute */
  to: string;
  slis: Array<SliCount>;
}

export interface SliCount {
  slo: string;
  good: number;
  total: number;
}

/** The planner's watchdog: a tenant's oldest queued job waited longer than the starvation threshold. */
export interface StarvationFlagged {
  tenant: string;
  waitedMs: number;
  queued: number;
}

/** An API key was issued. Only the sha256 of the secret is kept. */
export interface TenantKeyIssued {
  tenant: string;
  keyId: string;
  role: Role;
  /** hex sha256 of the key's secret part */
  keyHash: string;
  label: null | string;
}

export type Role = "producer" | "auditor" | "admin";

export interface TenantKeyRevoked {
  tenant: string;
  keyId: string;
  reason: null | string;
}

/** A person corrected the label of an anomaly. Kept for the next model version's training. */
export interface TriageOverridden {
  anomalyId: string;
  fixtureId: string;
  release: string;
  label: TriageLabel;
  previousLabel: null | string;
  by: string;
  reason: string;
  modelVersion: null | string;
  /** triage features (see streams/pcq/triage/features.ts) */
  features: Record<string, number>;
}

/** The alliance moved to a new pepper version. The pepper itself never reaches the exchange; sets committed under an older version must be re-committed, queries under it are refused. */
export interface ZkPepperActivated {
  version: number;
  previous: null | number;
}

/** A tenant committed (or re-committed) a set of leaves (peppered Poseidon hashes, never raw selectors) as the root of a depth-16 indexed Merkle tree. */
export interface ZkSetCommitted {
  setId: string;
  pepperVersion: number;
  /** decimal field element */
  root: string;
  /** distinct leaves */
  size: number;
  depth: number;
  /** decimal field elements, sorted, distinct */
  leaves: Array<string>;
}

/** Payload type of every event type, by name. */
export interface EventPayloads {
  AccessDecided: AccessDecided;
  AlertAcknowledged: AlertAcknowledged;
  AlertFired: AlertFired;
  AlertResolved: AlertResolved;
  AnnotationAdded: AnnotationAdded;
  AnomalyDetected: AnomalyDetected;
  AnomalyTriaged: AnomalyTriaged;
  BatchPlanned: BatchPlanned;
  BlastRadiusComputed: BlastRadiusComputed;
  DeadLettered: DeadLettered;
  FixtureRegistered: FixtureRegistered;
  PolicyAuthoringOpened: PolicyAuthoringOpened;
  PolicyAuthoringStarted: PolicyAuthoringStarted;
  PolicyDrafted: PolicyDrafted;
  PolicyPreviewed: PolicyPreviewed;
  PolicyPromoted: PolicyPromoted;
  PolicyValidated: PolicyValidated;
  PolicyValidationFailed: PolicyValidationFailed;
  PromotionAcknowledged: PromotionAcknowledged;
  PromotionBlocked: PromotionBlocked;
  ProofCompleted: ProofCompleted;
  ProofFailed: ProofFailed;
  ProofRequested: ProofRequested;
  ProvingStarted: ProvingStarted;
  ReleaseTagged: ReleaseTagged;
  ReplayRecorded: ReplayRecorded;
  ReplaysMissing: ReplaysMissing;
  ReproducibilityChecked: ReproducibilityChecked;
  SloSampled: SloSampled;
  StarvationFlagged: StarvationFlagged;
  TenantKeyIssued: TenantKeyIssued;
  TenantKeyRevoked: TenantKeyRevoked;
  TriageOverridden: TriageOverridden;
  ZkPepperActivated: ZkPepperActivated;
  ZkSetCommitted: ZkSetCommitted;
}

export type EventType = keyof EventPayloads;
