/**
 * Policy read model: drafted versions with their documents and validity, the active version per
 * policy, and previews (blast radii) with their status. Fed by the policy streams.
 */
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../schemas/envelope';
import type {
  BlastRadiusPayload, PolicyDraftedPayload, PolicyPromotedPayload, PolicyValidatedPayload, PromotionBlockedPayload,
} from '../../streams/lac/events/types';

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

export function applyPolicyEvent(db: Database.Database, e: RecordedEvent): void {
  switch (e.type) {
    case 'PolicyDrafted': {
      const p = e.payload as PolicyDraftedPayload;
      db.prepare(
        `INSERT INTO lac_policy_versions (tenant, policy_id, version, document, document_hash, origin, author, drafted_at, valid, problems)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '[]')
         ON CONFLICT(tenant, policy_id, version) DO UPDATE SET document = excluded.document, document_hash = excluded.document_hash,
           author = excluded.author, drafted_at = excluded.drafted_at, valid = NULL, problems = '[]'`,
      ).run(e.tenant, p.policyId, p.version, p.document, p.documentHash, p.origin, p.author, e.occurredAt);
      break;
    }
    case 'PolicyValidated': {
      const p = e.payload as PolicyValidatedPayload;
      db.prepare('UPDATE lac_policy_versions SET valid = ?, problems = ? WHERE tenant = ? AND policy_id = ? AND version = ? AND document_hash = ?').run(
        p.valid ? 1 : 0, JSON.stringify(p.problems), e.tenant, p.policyId, p.version, p.documentHash,
      );
      break;
    }
    case 'BlastRadiusComputed': {
      const p = e.payload as BlastRadiusPayload;
      db.prepare(
        `INSERT OR REPLACE INTO lac_previews (preview_id, tenant, policy_id, version, active_version, document_hash, as_of_position, computed_at, risk_level, risk_score, body, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
      ).run(p.previewId, e.tenant, p.policyId, p.version, p.activeVersion, p.documentHash, p.asOfPosition, e.occurredAt, p.riskLevel, p.riskScore, JSON.stringify(p));
      break;
    }
    case 'PromotionBlocked': {
      const p = e.payload as PromotionBlockedPayload;
      db.prepare("UPDATE lac_previews SET status = 'blocked' WHERE preview_id = ? AND status = 'open'").run(p.previewId);
      break;
    }
    case 'PolicyPromoted': {
      const p = e.payload as PolicyPromotedPayload;
      db.prepare(
        `INSERT INTO lac_policy_heads (tenant, policy_id, active_version, promoted_at, promoted_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(tenant, policy_id) DO UPDATE SET active_version = excluded.active_version, promoted_at = excluded.promoted_at, promoted_by = excluded.promoted_by`,
      ).run(e.tenant, p.policyId, p.version, e.occurredAt, p.by);
      if (p.previewId) db.prepare("UPDATE lac_previews SET status = 'promoted' WHERE preview_id = ?").run(p.previewId);
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

export function activeVersion(db: Database.Database, tenant: string, policyId: string): string | null {
  return (db.prepare('SELECT active_version FROM lac_policy_heads WHERE tenant = ? AND policy_id = ?').pluck().get(tenant, policyId) as string | undefined) ?? null;
}

export function storedVersion(db: Database.Database, tenant: string, policyId: string, version: string): StoredVersion | null {
  const row = db.prepare('SELECT document, document_hash, valid, problems FROM lac_policy_versions WHERE tenant = ? AND policy_id = ? AND version = ?').get(tenant, policyId, version) as
    | { document: string; document_hash: string; valid: number | null; problems: string }
    | undefined;
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

export function storedPreview(db: Database.Database, previewId: string): StoredPreview | null {
  const row = db.prepare('SELECT preview_id, tenant, status, computed_at, body FROM lac_previews WHERE preview_id = ?').get(previewId) as
    | { preview_id: string; tenant: string; status: StoredPreview['status']; computed_at: string; body: string }
    | undefined;
  return row ? { previewId: row.preview_id, tenant: row.tenant, status: row.status, computedAt: row.computed_at, body: JSON.parse(row.body) } : null;
}
