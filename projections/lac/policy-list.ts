/**
 * The Studio's policy list as a read model (GET /v1/lac/policies, /policies/:id): per policy its
 * active version and last change; per version its state (draft, invalid, validated, previewed,
 * blocked, promoted), author and newest preview; and the change history (who did what, when).
 * Separate from lac-policies (what commands read to decide) so the list's shape can change
 * without rebuilding the tables the promotion gate depends on.
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type {
  BlastRadiusPayload, PolicyDraftedPayload, PolicyPromotedPayload, PolicyValidatedPayload, PromotionAcknowledgedPayload, PromotionBlockedPayload,
} from '../../streams/lac/events/types';
import type { ReadModelTx } from '../store/port';

export const POLICY_LIST_DDL = `
CREATE TABLE IF NOT EXISTS lac_list_policies (
  tenant TEXT NOT NULL, policy_id TEXT NOT NULL, active_version TEXT, latest_version TEXT NOT NULL,
  changed_at TEXT NOT NULL, changed_by TEXT NOT NULL, change TEXT NOT NULL, position INTEGER NOT NULL,
  PRIMARY KEY (tenant, policy_id)
);
CREATE TABLE IF NOT EXISTS lac_list_versions (
  tenant TEXT NOT NULL, policy_id TEXT NOT NULL, version TEXT NOT NULL, sort_key TEXT NOT NULL,
  state TEXT NOT NULL, origin TEXT NOT NULL, author TEXT NOT NULL, drafted_at TEXT NOT NULL, document_hash TEXT NOT NULL,
  problems INTEGER NOT NULL DEFAULT 0, preview_id TEXT, risk_level TEXT,
  PRIMARY KEY (tenant, policy_id, version)
);
CREATE TABLE IF NOT EXISTS lac_list_changes (
  position INTEGER PRIMARY KEY, tenant TEXT NOT NULL, policy_id TEXT NOT NULL, version TEXT NOT NULL,
  at TEXT NOT NULL, type TEXT NOT NULL, who TEXT NOT NULL, what TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lac_list_changes_by_policy ON lac_list_changes (tenant, policy_id, position);`;

export const POLICY_LIST_TABLES = ['lac_list_policies', 'lac_list_versions', 'lac_list_changes'] as const;
export const POLICY_LIST_INPUTS = ['PolicyDrafted', 'PolicyValidated', 'BlastRadiusComputed', 'PromotionBlocked', 'PromotionAcknowledged', 'PolicyPromoted'] as const;

/** Versions sort as semver: numeric parts padded, so 1.10.0 comes after 1.9.0 in plain text order. */
export const semverKey = (v: string) => v.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? p.padStart(10, '0') : p)).join('.');

type Change = { version: string; who: string; what: string };

function changeOf(e: RecordedEvent): Change | null {
  switch (e.type) {
    case 'PolicyDrafted': {
      const p = e.payload as PolicyDraftedPayload;
      return { version: p.version, who: p.author, what: `drafted (${p.origin})` };
    }
    case 'PolicyValidated': {
      const p = e.payload as PolicyValidatedPayload;
      return { version: p.version, who: '', what: p.valid ? 'valid' : `${p.problems.length} problem(s)` };
    }
    case 'BlastRadiusComputed': {
      const p = e.payload as BlastRadiusPayload;
      return { version: p.version, who: '', what: `previewed: risk ${p.riskLevel} (${p.riskScore})` };
    }
    case 'PromotionBlocked': {
      const p = e.payload as PromotionBlockedPayload;
      return { version: p.version, who: p.by, what: `promotion blocked (${p.reason}, risk ${p.riskLevel})` };
    }
    case 'PromotionAcknowledged': {
      const p = e.payload as PromotionAcknowledgedPayload;
      return { version: p.version, who: p.by, what: `acknowledged risk ${p.riskLevel}: “${p.reason}”` };
    }
    case 'PolicyPromoted': {
      const p = e.payload as PolicyPromotedPayload;
      return { version: p.version, who: p.by, what: `promoted${p.previousVersion ? ` over ${p.previousVersion}` : ''}${p.acknowledged ? ' (acknowledged)' : ''}` };
    }
  }
  return null;
}

const setState = (tx: ReadModelTx, e: RecordedEvent, version: string, state: string, onlyIf = "state <> 'promoted'") =>
  tx.run(`UPDATE lac_list_versions SET state = ? WHERE tenant = ? AND policy_id = ? AND version = ? AND ${onlyIf}`, [state, e.tenant, (e.payload as { policyId: string }).policyId, version]);

export async function applyPolicyListEvent(tx: ReadModelTx, e: RecordedEvent): Promise<void> {
  const change = changeOf(e);
  if (!change) return;
  const policyId = (e.payload as { policyId: string }).policyId;
  switch (e.type) {
    case 'PolicyDrafted': {
      const p = e.payload as PolicyDraftedPayload;
      // A promoted version is immutable (the lifecycle refuses its edit), so a redraft resets a draft's state.
      await tx.run(
        `INSERT INTO lac_list_versions (tenant, policy_id, version, sort_key, state, origin, author, drafted_at, document_hash, problems, preview_id, risk_level)
         VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, 0, NULL, NULL)
         ON CONFLICT (tenant, policy_id, version) DO UPDATE SET state = 'draft', origin = excluded.origin, author = excluded.author,
           drafted_at = excluded.drafted_at, document_hash = excluded.document_hash, problems = 0`,
        [e.tenant, policyId, p.version, semverKey(p.version), p.origin, p.author, e.occurredAt, p.documentHash],
      );
      break;
    }
    case 'PolicyValidated': {
      const p = e.payload as PolicyValidatedPayload;
      await tx.run('UPDATE lac_list_versions SET state = ?, problems = ? WHERE tenant = ? AND policy_id = ? AND version = ? AND document_hash = ?', [
        p.valid ? 'validated' : 'invalid', p.problems.length, e.tenant, policyId, p.version, p.documentHash,
      ]);
      break;
    }
    case 'BlastRadiusComputed': {
      const p = e.payload as BlastRadiusPayload;
      await tx.run('UPDATE lac_list_versions SET preview_id = ?, risk_level = ? WHERE tenant = ? AND policy_id = ? AND version = ?', [p.previewId, p.riskLevel, e.tenant, policyId, p.version]);
      await setState(tx, e, p.version, 'previewed');
      break;
    }
    case 'PromotionBlocked':
      await setState(tx, e, change.version, 'blocked');
      break;
    case 'PolicyPromoted':
      await setState(tx, e, change.version, 'promoted', '1 = 1');
      break;
  }
  const latest = await tx.get<{ version: string }>('SELECT version FROM lac_list_versions WHERE tenant = ? AND policy_id = ? ORDER BY sort_key DESC LIMIT 1', [e.tenant, policyId]);
  const active = e.type === 'PolicyPromoted' ? change.version : null;
  await tx.run(
    `INSERT INTO lac_list_policies (tenant, policy_id, active_version, latest_version, changed_at, changed_by, change, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant, policy_id) DO UPDATE SET active_version = COALESCE(excluded.active_version, lac_list_policies.active_version),
       latest_version = excluded.latest_version, changed_at = excluded.changed_at, changed_by = excluded.changed_by, change = excluded.change, position = excluded.position`,
    [e.tenant, policyId, active, latest?.version ?? change.version, e.occurredAt, change.who, `${change.version} ${change.what}`, e.position],
  );
  await tx.run('INSERT INTO lac_list_changes (position, tenant, policy_id, version, at, type, who, what) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (position) DO NOTHING', [
    e.position, e.tenant, policyId, change.version, e.occurredAt, e.type, change.who, change.what,
  ]);
}
