/**
 * Policy read model: drafted versions with their documents and validity, the active version per
 * policy, and previews (blast radii) with their status. Fed by the policy streams.
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type {
  BlastRadiusPayload, PolicyDraftedPayload, PolicyPromotedPayload, PolicyValidatedPayload, PromotionBlockedPayload,
} from '../../streams/lac/events/types';
import type { ReadModelQueries, ReadModelTx } from '../store/port';
import { lastDecisionPosition } from './history';

export const POLICIES_DDL = `
CREATE TABLE IF NOT EXISTS lac_policy_versions (
  tenant TEXT NOT NULL, policy_id TEXT NOT NULL, version TEXT NOT NULL,
  document TEXT NOT NULL, document_hash TEXT NOT NULL, origin TEXT NOT NULL, author TEXT NOT NULL,
  drafted_at TEXT NOT NULL, valid INTEGER, problems TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (tenant, policy_id, version)
);
CREATE TABLE IF NOT EXISTS lac_policy_heads (
  tenant TEXT NOT NULL, policy_id TEXT NOT NULL, active_version TEXT, promoted_at TEXT, promoted_by TEXT,
  PRIMARY KEY (tenant, policy_id)
);
CREATE TABLE IF NOT EXISTS lac_previews (
  preview_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, policy_id TEXT NOT NULL, version TEXT NOT NULL,
  active_version TEXT, document_hash TEXT NOT NULL, as_of_position INTEGER NOT NULL, computed_at TEXT NOT NULL,
  risk_level TEXT NOT NULL, risk_score INTEGER NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX IF NOT EXISTS lac_previews_by_policy ON lac_previews (tenant, policy_id, version, computed_at);`;

export const POLICIES_TABLES = ['lac_policy_versions', 'lac_policy_heads', 'lac_previews'] as const;

export async function applyPolicyEvent(tx: ReadModelTx, e: RecordedEvent): Promise<void> {
  switch (e.type) {
    case 'PolicyDrafted': {
      const p = e.payload as PolicyDraftedPayload;
      await tx.run(
        `INSERT INTO lac_policy_versions (tenant, policy_id, version, document, document_hash, origin, author, drafted_at, valid, problems)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '[]')
         ON CONFLICT(tenant, policy_id, version) DO UPDATE SET document = excluded.document, document_hash = excluded.document_hash,
           author = excluded.author, drafted_at = excluded.drafted_at, valid = NULL, problems = '[]'`,
        [e.tenant, p.policyId, p.version, p.document, p.documentHash, p.origin, p.author, e.occurredAt],
      );
      break;
    }
    case 'PolicyValidated': {
      const p = e.payload as PolicyValidatedPayload;
      await tx.run('UPDATE lac_policy_versions SET valid = ?, problems = ? WHERE tenant = ? AND policy_id = ? AND version = ? AND document_hash = ?', [
        p.valid ? 1 : 0, JSON.stringify(p.problems), e.tenant, p.policyId, p.version, p.documentHash,
      ]);
      break;
    }
    case 'BlastRadiusComputed': {
      const p = e.payload as BlastRadiusPayload;
      await tx.run(
        `INSERT INTO lac_previews (preview_id, tenant, policy_id, version, active_version, document_hash, as_of_position, computed_at, risk_level, risk_score, body, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
         ON CONFLICT (preview_id) DO UPDATE SET tenant = excluded.tenant, policy_id = excluded.policy_id, version = excluded.version,
           active_version = excluded.active_version, document_hash = excluded.document_hash, as_of_position = excluded.as_of_position,
           computed_at = excluded.computed_at, risk_level = excluded.risk_level, risk_score = excluded.risk_score, body = excluded.body, status = 'open'`,
        [p.previewId, e.tenant, p.policyId, p.version, p.activeVersion, p.documentHash, p.asOfPosition, e.occurredAt, p.riskLevel, p.riskScore, JSON.stringify(p)],
      );
      break;
    }
    case 'PromotionBlocked': {
      const p = e.payload as PromotionBlockedPayload;
      await tx.run("UPDATE lac_previews SET status = 'blocked' WHERE preview_id = ? AND status = 'open'", [p.previewId]);
      break;
    }
    case 'PolicyPromoted': {
      const p = e.payload as PolicyPromotedPayload;
      await tx.run(
        `INSERT INTO lac_policy_heads (tenant, policy_id, active_version, promoted_at, promoted_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(tenant, policy_id) DO UPDATE SET active_version = excluded.active_version, promoted_at = excluded.promoted_at, promoted_by = excluded.promoted_by`,
        [e.tenant, p.policyId, p.version, e.occurredAt, p.by],
      );
      if (p.previewId) await tx.run("UPDATE lac_previews SET status = 'promoted' WHERE preview_id = ?", [p.previewId]);
      break;
    }
  }
}

// ---- queries (routes and pages read these) -----------------------------------------------------

export interface StoredVersion {
  document: string;
  documentHash: string;
  valid: boolean | null;
  /** As PolicyValidated recorded them: paths in the document. */
  problems: PolicyValidatedPayload['problems'];
}

export async function activeVersion(db: ReadModelQueries, tenant: string, policyId: string): Promise<string | null> {
  return (await db.get<{ active_version: string | null }>('SELECT active_version FROM lac_policy_heads WHERE tenant = ? AND policy_id = ?', [tenant, policyId]))?.active_version ?? null;
}

export async function storedVersion(db: ReadModelQueries, tenant: string, policyId: string, version: string): Promise<StoredVersion | null> {
  const row = await db.get<{ document: string; document_hash: string; valid: number | null; problems: string }>(
    'SELECT document, document_hash, valid, problems FROM lac_policy_versions WHERE tenant = ? AND policy_id = ? AND version = ?',
    [tenant, policyId, version],
  );
  if (!row) return null;
  return { document: row.document, documentHash: row.document_hash, valid: row.valid === null ? null : row.valid === 1, problems: JSON.parse(row.problems) };
}

export interface StoredPreview {
  previewId: string;
  tenant: string;
  status: 'open' | 'blocked' | 'promoted';
  computedAt: string;
  body: BlastRadiusPayload;
}

/**
 * Whether a recorded preview is stale by the rule promote applies (isCurrent in
 * streams/lac/lifecycle/policy-lifecycle.ts), read from the read models: its version's document was
 * edited since, another version was promoted since, or the policy recorded a newer decision.
 * Null for an unknown preview.
 */
export async function previewIsStale(db: ReadModelQueries, previewId: string): Promise<boolean | null> {
  const p = await db.get<{ tenant: string; policy_id: string; version: string; active_version: string | null; document_hash: string; as_of_position: number }>(
    'SELECT tenant, policy_id, version, active_version, document_hash, as_of_position FROM lac_previews WHERE preview_id = ?',
    [previewId],
  );
  if (!p) return null;
  const version = await storedVersion(db, p.tenant, p.policy_id, p.version);
  const active = await activeVersion(db, p.tenant, p.policy_id);
  const current = version?.documentHash === p.document_hash && (p.active_version ?? null) === active && p.as_of_position >= (await lastDecisionPosition(db, p.tenant, p.policy_id));
  return !current;
}

export async function storedPreview(db: ReadModelQueries, previewId: string): Promise<StoredPreview | null> {
  const row = await db.get<{ preview_id: string; tenant: string; status: StoredPreview['status']; computed_at: string; body: string }>(
    'SELECT preview_id, tenant, status, computed_at, body FROM lac_previews WHERE preview_id = ?',
    [previewId],
  );
  return row ? { previewId: row.preview_id, tenant: row.tenant, status: row.status, computedAt: row.computed_at, body: JSON.parse(row.body) } : null;
}
