/** Event type names, stream names and payload types (generated from schemas/events/lac/*.avsc) of the LAC family. */
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

export const policyStream = (tenant: string, policyId: string) => `lac-policy:${tenant}:${policyId}`;
export const decisionStream = (tenant: string, policyId: string) => `lac-decisions:${tenant}:${policyId}`;

// Payload types are generated from the Avro schemas (schemas/events/lac): one source of truth.
export type {
  AccessDecided as AccessDecidedPayload,
  BlastRadiusComputed as BlastRadiusPayload,
  ChangedDecision,
  ImpactCount,
  PolicyAuthoringStarted as PolicyAuthoringStartedPayload,
  PolicyDrafted as PolicyDraftedPayload,
  PolicyPreviewed as PolicyPreviewedPayload,
  PolicyPromoted as PolicyPromotedPayload,
  PolicyValidated as PolicyValidatedPayload,
  PolicyValidationFailed as PolicyValidationFailedPayload,
  PromotionAcknowledged as PromotionAcknowledgedPayload,
  PromotionBlocked as PromotionBlockedPayload,
  RecordedRequest,
} from '../../../schemas/generated/payloads';
export type RiskLevel = import('../../../schemas/generated/payloads').BlastRadiusComputed['riskLevel'];
export type Origin = import('../../../schemas/generated/payloads').PolicyDrafted['origin'];
