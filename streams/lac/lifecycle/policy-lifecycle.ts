/**
 * The policy lifecycle, event-sourced on one stream per policy (`lac-policy:<tenant>:<id>`):
 * `evolve` folds the stream into state; the command functions decide which events a draft, a preview
 * or a promotion appends. Pure: the HTTP route loads the stream, calls these, and appends with
 * `expectedVersion = state.streamVersion` (optimistic concurrency: two concurrent promotions cannot
 * both win; the loser re-reads and decides again).
 */
import * as semver from 'semver';
import { NotFoundError, PreconditionError } from '../../../schemas/errors';
import type { RecordedEvent } from '../../../schemas/envelope';
import type {
  BlastRadiusPayload, Origin, PolicyAuthoringStartedPayload, PolicyDraftedPayload, PolicyPreviewedPayload, PolicyPromotedPayload,
  PolicyValidatedPayload, PolicyValidationFailedPayload, PromotionAcknowledgedPayload, PromotionBlockedPayload, RiskLevel,
} from '../events/types';
import type { PolicyProblem } from '../model/types';

export interface PreviewRef {
  version: string;
  activeVersion: string | null;
  documentHash: string;
  asOfPosition: number;
  riskLevel: RiskLevel;
}

export interface LifecycleState {
  streamVersion: number;
  versions: Record<string, { documentHash: string; valid: boolean | null }>;
  promoted: string[];
  active: string | null;
  sessions: string[];
  previews: Record<string, PreviewRef>;
  /** Newest preview per version. */
  latestPreview: Record<string, string>;
}

export const initialLifecycle = (): LifecycleState => ({ streamVersion: 0, versions: {}, promoted: [], active: null, sessions: [], previews: {}, latestPreview: {} });

export function evolve(s: LifecycleState, e: RecordedEvent): LifecycleState {
  const next = { ...s, streamVersion: e.streamVersion };
  switch (e.type) {
    case 'PolicyAuthoringStarted':
      next.sessions = [...s.sessions, (e.payload as PolicyAuthoringStartedPayload).sessionId];
      break;
    case 'PolicyDrafted': {
      const p = e.payload as PolicyDraftedPayload;
      next.versions = { ...s.versions, [p.version]: { documentHash: p.documentHash, valid: null } };
      break;
    }
    case 'PolicyValidated': {
      const p = e.payload as PolicyValidatedPayload;
      const v = s.versions[p.version];
      if (v && v.documentHash === p.documentHash) next.versions = { ...s.versions, [p.version]: { ...v, valid: p.valid } };
      break;
    }
    case 'BlastRadiusComputed': {
      const p = e.payload as BlastRadiusPayload;
      next.previews = { ...s.previews, [p.previewId]: { version: p.version, activeVersion: p.activeVersion, documentHash: p.documentHash, asOfPosition: p.asOfPosition, riskLevel: p.riskLevel } };
      next.latestPreview = { ...s.latestPreview, [p.version]: p.previewId };
      break;
    }
    case 'PolicyPromoted': {
      const p = e.payload as PolicyPromotedPayload;
      next.active = p.version;
      next.promoted = [...s.promoted, p.version];
      break;
    }
  }
  return next;
}

export const fold = (events: readonly RecordedEvent[]) => events.reduce(evolve, initialLifecycle());

export interface Emit {
  type: string;
  payload: unknown;
}

// ---- draft ------------------------------------------------------------------------------------

export interface DraftInput {
  policyId: string;
  version: string;
  document: string;
  documentHash: string;
  origin: Origin;
  author: string;
  sessionId: string;
  locale: string;
  problems: PolicyProblem[];
}

export function draft(s: LifecycleState, d: DraftInput): Emit[] {
  if (s.promoted.includes(d.version)) {
    throw new PreconditionError(`version ${d.version} of policy '${d.policyId}' was promoted and is immutable; draft a new version`, { policyId: d.policyId, version: d.version });
  }
  const highest = s.promoted.reduce<string | null>((m, v) => (m === null || semver.gt(v, m) ? v : m), null);
  if (highest && semver.valid(d.version) && !semver.gt(d.version, highest)) {
    throw new PreconditionError(`version ${d.version} must be greater than ${highest}, the highest promoted version of '${d.policyId}'`, { policyId: d.policyId, version: d.version, highestPromoted: highest });
  }
  const out: Emit[] = [];
  if (!s.sessions.includes(d.sessionId)) {
    const started: PolicyAuthoringStartedPayload = { sessionId: d.sessionId, policyId: d.policyId, version: d.version, author: d.author, origin: d.origin, newPolicy: Object.keys(s.versions).length === 0 };
    out.push({ type: 'PolicyAuthoringStarted', payload: started });
  }
  const drafted: PolicyDraftedPayload = { policyId: d.policyId, version: d.version, document: d.document, documentHash: d.documentHash, origin: d.origin, author: d.author, sessionId: d.sessionId, locale: d.locale };
  const validated: PolicyValidatedPayload = { policyId: d.policyId, version: d.version, documentHash: d.documentHash, valid: d.problems.length === 0, problems: d.problems, sessionId: d.sessionId, locale: d.locale };
  out.push({ type: 'PolicyDrafted', payload: drafted }, { type: 'PolicyValidated', payload: validated });
  if (d.problems.length) {
    const failed: PolicyValidationFailedPayload = { sessionId: d.sessionId, policyId: d.policyId, version: d.version, errorCodes: [...new Set(d.problems.map((p) => p.code))].sort(), errorCount: d.problems.length };
    out.push({ type: 'PolicyValidationFailed', payload: failed });
  }
  return out;
}

// ---- preview ----------------------------------------------------------------------------------

export function requireValidVersion(s: LifecycleState, policyId: string, version: string): { documentHash: string } {
  const v = s.versions[version];
  if (!v) throw new NotFoundError('policy version', `${policyId}@${version}`);
  if (v.valid !== true) throw new PreconditionError(`version ${version} of '${policyId}' is not valid; fix the problems POST /v1/lac/policies reported and draft it again`, { policyId, version });
  return v;
}

export function recordPreview(s: LifecycleState, previewed: PolicyPreviewedPayload, radius: BlastRadiusPayload): Emit[] {
  requireValidVersion(s, radius.policyId, radius.version);
  return [
    { type: 'PolicyPreviewed', payload: previewed },
    { type: 'BlastRadiusComputed', payload: radius },
  ];
}

/** A preview is current when nothing it depends on moved: the document, the active version, the decision history. */
export function isCurrent(s: LifecycleState, p: PreviewRef, latestDecisionPosition: number): boolean {
  const v = s.versions[p.version];
  return !!v && v.documentHash === p.documentHash && p.activeVersion === s.active && p.asOfPosition >= latestDecisionPosition;
}

// ---- promote ----------------------------------------------------------------------------------

export interface Acknowledgment {
  by: string;
  reason: string;
  previewId: string;
}

export type PromoteDecision =
  | { kind: 'needs-preview'; why: 'none' | 'stale' }
  | { kind: 'promoted'; previewId: string; events: Emit[] }
  | { kind: 'blocked'; previewId: string; reason: PromotionBlockedPayload['reason']; events: Emit[] };

export function promote(
  s: LifecycleState,
  cmd: { policyId: string; version: string; by: string; sessionId: string; ack?: Acknowledgment; latestDecisionPosition: number },
): PromoteDecision {
  requireValidVersion(s, cmd.policyId, cmd.version);
  if (s.active === cmd.version) throw new PreconditionError(`version ${cmd.version} of '${cmd.policyId}' is already active`, { policyId: cmd.policyId, version: cmd.version });
  const blocked = (previewId: string, reason: PromotionBlockedPayload['reason']): PromoteDecision => {
    const payload: PromotionBlockedPayload = { policyId: cmd.policyId, version: cmd.version, previewId, riskLevel: s.previews[previewId].riskLevel, reason, by: cmd.by, sessionId: cmd.sessionId };
    return { kind: 'blocked', previewId, reason, events: [{ type: 'PromotionBlocked', payload }] };
  };
  const promoted = (previewId: string, acknowledged: boolean, extra: Emit[] = []): PromoteDecision => {
    const payload: PolicyPromotedPayload = {
      policyId: cmd.policyId, version: cmd.version, previousVersion: s.active, previewId, riskLevel: s.previews[previewId].riskLevel, acknowledged, by: cmd.by, sessionId: cmd.sessionId,
    };
    return { kind: 'promoted', previewId, events: [...extra, { type: 'PolicyPromoted', payload }] };
  };

  if (cmd.ack) {
    const p = s.previews[cmd.ack.previewId];
    if (!p) throw new NotFoundError('preview', cmd.ack.previewId);
    if (p.version !== cmd.version) return blocked(cmd.ack.previewId, 'PREVIEW_MISMATCH');
    if (!isCurrent(s, p, cmd.latestDecisionPosition)) return { kind: 'needs-preview', why: 'stale' };
    const ack: PromotionAcknowledgedPayload = { policyId: cmd.policyId, version: cmd.version, previewId: cmd.ack.previewId, by: cmd.ack.by, reason: cmd.ack.reason, riskLevel: p.riskLevel };
    return promoted(cmd.ack.previewId, true, [{ type: 'PromotionAcknowledged', payload: ack }]);
  }
  const latest = s.latestPreview[cmd.version];
  if (!latest || !isCurrent(s, s.previews[latest], cmd.latestDecisionPosition)) return { kind: 'needs-preview', why: latest ? 'stale' : 'none' };
  return s.previews[latest].riskLevel === 'low' ? promoted(latest, false) : blocked(latest, 'ACK_REQUIRED');
}

/** After a fresh preview was recorded because the acknowledged one was stale: block, pointing at the fresh one. */
export function blockStale(s: LifecycleState, cmd: { policyId: string; version: string; by: string; sessionId: string }, freshPreviewId: string): Emit[] {
  const payload: PromotionBlockedPayload = { policyId: cmd.policyId, version: cmd.version, previewId: freshPreviewId, riskLevel: s.previews[freshPreviewId].riskLevel, reason: 'PREVIEW_STALE', by: cmd.by, sessionId: cmd.sessionId };
  return [{ type: 'PromotionBlocked', payload }];
}
