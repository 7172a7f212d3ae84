/**
 * The anomaly and agreement rows of the PCQ API (GET /v1/pcq/anomalies, /v1/pcq/agreement), with
 * no imports: the console type-checks against these same declarations (an `import type`, erased
 * from its bundle), so the two cannot drift.
 */
export interface AnomalyView {
  anomalyId: string;
  fixtureId: string;
  release: string;
  kind: string;
  runtimes: string[];
  label: string | null;
  autoLabel: string | null;
  confidence: number | null;
  runbook: string | null;
  needsReview: boolean;
  modelVersion: string | null;
  trigger: string | null;
  supersedesLabel: string | null;
  evidence: string[];
  override: { by: string; reason: string } | null;
  diff: Record<string, unknown>;
  features: Record<string, number>;
  detectedAt: string;
}

/** Share of a release's fixtures whose replays agree across runtimes within tolerance. */
export interface AgreementView {
  release: string | null;
  fixtures: number;
  agreeing: number;
  missing: number;
  share: number | null;
  target: number;
  meetsTarget: boolean;
}
