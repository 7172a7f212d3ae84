/** Event type names and payload shapes of the LAC family (mirrors schemas/events/lac/*.avsc). */
export const LAC_EVENTS = {
  PolicyDrafted: 'PolicyDrafted',
  PolicyValidated: 'PolicyValidated',
  PolicyPreviewed: 'PolicyPreviewed',
  BlastRadiusComputed: 'BlastRadiusComputed',
  PromotionAcknowledged: 'PromotionAcknowledged',
  PolicyPromoted: 'PolicyPromoted',
  PromotionBlocked: 'PromotionBlocked',
  AccessDecided: 'AccessDecided',
  PolicyAuthoringStarted: 'PolicyAuthoringStarted',
  PolicyValidationFailed: 'PolicyValidationFailed',
} as const;

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export type Origin = 'bundle' | 'scratch';

export const policyStream = (tenant: string, policyId: string) => `lac-policy:${tenant}:${policyId}`;
export const decisionStream = (tenant: string, policyId: string) => `lac-decisions:${tenant}:${policyId}`;

export interface PolicyDraftedPayload {
  policyId: string;
  version: string;
  document: string;
  documentHash: string;
  origin: Origin;
  author: string;
  sessionId: string;
  locale: string;
}
export interface PolicyValidatedPayload {
  policyId: string;
  version: string;
  documentHash: string;
  valid: boolean;
  problems: { path: string; code: string; message: string }[];
  sessionId: string;
  locale: string;
}
export interface PolicyPreviewedPayload {
  previewId: string;
  policyId: string;
  version: string;
  activeVersion: string | null;
  windowDays: number;
  requestedBy: string;
  sessionId: string;
}
export interface ImpactCount {
  name: string;
  allowToDeny: number;
  denyToAllow: number;
}
export interface ChangedDecision {
  subjectId: string;
  dataset: string;
  action: string;
  classification: string;
  from: string;
  to: string;
  count: number;
  codes: string[];
}
export interface BlastRadiusPayload {
  previewId: string;
  policyId: string;
  version: string;
  activeVersion: string | null;
  documentHash: string;
  windowFrom: string;
  windowTo: string;
  asOfPosition: number;
  decisionsReplayed: number;
  distinctRequests: number;
  allowToDeny: number;
  denyToAllow: number;
  widenedSensitive: number;
  impactedDatasets: ImpactCount[];
  impactedGroups: ImpactCount[];
  impactedUsers: ImpactCount[];
  impactedDatasetCount: number;
  impactedGroupCount: number;
  impactedUserCount: number;
  currency: string;
  costActive: number;
  costCandidate: number;
  costDelta: number;
  riskScore: number;
  riskLevel: RiskLevel;
  riskFactors: string;
  samples: ChangedDecision[];
  durationMs: number;
}
export interface PromotionAcknowledgedPayload {
  policyId: string;
  version: string;
  previewId: string;
  by: string;
  reason: string;
  riskLevel: RiskLevel;
}
export interface PolicyPromotedPayload {
  policyId: string;
  version: string;
  previousVersion: string | null;
  previewId: string | null;
  riskLevel: RiskLevel;
  acknowledged: boolean;
  by: string;
  sessionId: string;
}
export interface PromotionBlockedPayload {
  policyId: string;
  version: string;
  previewId: string;
  riskLevel: RiskLevel;
  reason: 'ACK_REQUIRED' | 'PREVIEW_STALE' | 'PREVIEW_MISMATCH';
  by: string;
  sessionId: string;
}
export interface RecordedRequest {
  subject: { id: string; tenant: string; groups: string[]; clearance: string };
  action: string;
  resource: { dataset: string; tenant: string; classification: string; region: string; license: string | null; fields: { name: string; tags: string[] }[] };
  context: { purpose: string | null; reason: string | null; hops: number | null; rows: number | null; aggregateGroupSize: number | null; destinationRegion: string | null };
}
export interface AccessDecidedPayload {
  policyId: string;
  policyVersion: string;
  mode: 'monitor' | 'enforce';
  decision: 'allow' | 'deny';
  codes: string[];
  request: RecordedRequest;
}
export interface PolicyAuthoringStartedPayload {
  sessionId: string;
  policyId: string;
  version: string;
  author: string;
  origin: Origin;
  newPolicy: boolean;
}
export interface PolicyValidationFailedPayload {
  sessionId: string;
  policyId: string;
  version: string;
  errorCodes: string[];
  errorCount: number;
}
