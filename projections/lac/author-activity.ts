/**
 * Author analytics by week, author and bundle, as a read model (GET /v1/lac/analytics):
 *
 *   lac_author_sessions  one row per authoring session: who, which policy version, its bundles,
 *                        when it opened (the editor's PolicyAuthoringOpened telemetry, else the
 *                        first draft), first valid draft, promotion; its drafts, errors, previews,
 *                        blocks and acknowledgments. Time-to-author and per-bundle figures come from here.
 *   lac_author_weeks     (tenant, ISO week, author) → counts of what happened that week: sessions
 *                        opened and started, new policies (from bundles), drafts, validation
 *                        errors, preview runs, promotions blocked, acknowledged, promoted.
 *
 * An event is credited to the author of its session (the drafter, not whoever typed an
 * acknowledgment's `by`); PromotionAcknowledged carries no session, so it goes to the newest
 * session of its policy version.
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type {
  PolicyAuthoringOpened, PolicyAuthoringStarted, PolicyDrafted, PolicyPreviewed, PolicyPromoted, PolicyValidated, PolicyValidationFailed,
  PromotionAcknowledged, PromotionBlocked,
} from '../../schemas/generated/payloads';
import type { ReadModelTx } from '../store/port';
import { isoWeekOf } from './report/weekly';

export const AUTHOR_ACTIVITY_DDL = `
CREATE TABLE IF NOT EXISTS lac_author_sessions (
  tenant TEXT NOT NULL, session_id TEXT NOT NULL, author TEXT NOT NULL, policy_id TEXT, version TEXT, origin TEXT,
  bundles TEXT NOT NULL DEFAULT '', new_policy INTEGER NOT NULL DEFAULT 0,
  opened_ms INTEGER, drafted_ms INTEGER, valid_ms INTEGER, promoted_ms INTEGER,
  drafts INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0, previews INTEGER NOT NULL DEFAULT 0,
  blocked INTEGER NOT NULL DEFAULT 0, acknowledged INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, session_id)
);
CREATE INDEX IF NOT EXISTS lac_author_sessions_by_version ON lac_author_sessions (tenant, policy_id, version);
CREATE TABLE IF NOT EXISTS lac_author_weeks (
  tenant TEXT NOT NULL, week TEXT NOT NULL, author TEXT NOT NULL,
  opened INTEGER NOT NULL DEFAULT 0, sessions INTEGER NOT NULL DEFAULT 0, new_policies INTEGER NOT NULL DEFAULT 0, from_bundles INTEGER NOT NULL DEFAULT 0,
  drafts INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0, previews INTEGER NOT NULL DEFAULT 0,
  blocked INTEGER NOT NULL DEFAULT 0, acknowledged INTEGER NOT NULL DEFAULT 0, promotions INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, week, author)
);`;

export const AUTHOR_ACTIVITY_TABLES = ['lac_author_sessions', 'lac_author_weeks'] as const;
export const AUTHOR_ACTIVITY_INPUTS = [
  'PolicyAuthoringOpened', 'PolicyAuthoringStarted', 'PolicyDrafted', 'PolicyValidated', 'PolicyValidationFailed',
  'PolicyPreviewed', 'PromotionBlocked', 'PromotionAcknowledged', 'PolicyPromoted',
] as const;

export const WEEK_COUNTERS = ['opened', 'sessions', 'new_policies', 'from_bundles', 'drafts', 'errors', 'previews', 'blocked', 'acknowledged', 'promotions'] as const;
type WeekCounter = (typeof WEEK_COUNTERS)[number];
type SessionCounter = 'errors' | 'previews' | 'blocked' | 'acknowledged';

/** Bundle names (without the version range) a drafted document uses, sorted; [] when it uses none or is not JSON. */
export function bundlesOf(document: string): string[] {
  try {
    const doc = JSON.parse(document) as { bundles?: { ref?: unknown }[] };
    const names = (Array.isArray(doc.bundles) ? doc.bundles : []).map((b) => String(b?.ref ?? '').split('@')[0]).filter(Boolean);
    return [...new Set(names)].sort();
  } catch {
    return [];
  }
}

async function bump(tx: ReadModelTx, e: RecordedEvent, author: string, counts: Partial<Record<WeekCounter, number>>): Promise<void> {
  const cols = Object.keys(counts) as WeekCounter[];
  await tx.run(
    `INSERT INTO lac_author_weeks (tenant, week, author, ${cols.join(', ')}) VALUES (?, ?, ?, ${cols.map(() => '?').join(', ')})
     ON CONFLICT (tenant, week, author) DO UPDATE SET ${cols.map((c) => `${c} = lac_author_weeks.${c} + excluded.${c}`).join(', ')}`,
    [e.tenant, isoWeekOf(Date.parse(e.occurredAt)), author, ...cols.map((c) => counts[c]!)],
  );
}

interface Owner { sessionId: string; author: string }

/** The session an event belongs to: its own if recorded, else the newest session of the policy version. */
async function ownerOf(tx: ReadModelTx, tenant: string, sessionId: string | null, policyId: string, version: string): Promise<Owner | undefined> {
  if (sessionId) {
    const own = await tx.get<{ session_id: string; author: string }>('SELECT session_id, author FROM lac_author_sessions WHERE tenant = ? AND session_id = ?', [tenant, sessionId]);
    if (own) return { sessionId: own.session_id, author: own.author };
  }
  const newest = await tx.get<{ session_id: string; author: string }>(
    'SELECT session_id, author FROM lac_author_sessions WHERE tenant = ? AND policy_id = ? AND version = ? ORDER BY drafted_ms DESC, session_id DESC LIMIT 1',
    [tenant, policyId, version],
  );
  return newest && { sessionId: newest.session_id, author: newest.author };
}

/** Count a session-level action (errors, previews, blocks, acknowledgments) on its session and its author's week. */
async function sessionAction(tx: ReadModelTx, e: RecordedEvent, ref: { sessionId: string | null; policyId: string; version: string; fallbackAuthor: string }, counter: SessionCounter & WeekCounter, n = 1): Promise<void> {
  const owner = await ownerOf(tx, e.tenant, ref.sessionId, ref.policyId, ref.version);
  if (owner) await tx.run(`UPDATE lac_author_sessions SET ${counter} = ${counter} + ? WHERE tenant = ? AND session_id = ?`, [n, e.tenant, owner.sessionId]);
  await bump(tx, e, owner?.author ?? ref.fallbackAuthor, { [counter]: n });
}

const upsertSession = (tx: ReadModelTx, e: RecordedEvent, sessionId: string, author: string) =>
  tx.run('INSERT INTO lac_author_sessions (tenant, session_id, author) VALUES (?, ?, ?) ON CONFLICT (tenant, session_id) DO NOTHING', [e.tenant, sessionId, author]);

export async function applyAuthorActivity(tx: ReadModelTx, e: RecordedEvent): Promise<void> {
  const at = Date.parse(e.occurredAt);
  switch (e.type) {
    case 'PolicyAuthoringOpened': {
      const p = e.payload as PolicyAuthoringOpened;
      const known = await tx.get<{ opened_ms: number | null }>('SELECT opened_ms FROM lac_author_sessions WHERE tenant = ? AND session_id = ?', [e.tenant, p.sessionId]);
      if (known?.opened_ms != null) return; // opened once: a reload of the editor does not restart the clock
      await upsertSession(tx, e, p.sessionId, p.author);
      await tx.run('UPDATE lac_author_sessions SET opened_ms = ? WHERE tenant = ? AND session_id = ?', [at, e.tenant, p.sessionId]);
      return bump(tx, e, p.author, { opened: 1 });
    }
    case 'PolicyAuthoringStarted': {
      const p = e.payload as PolicyAuthoringStarted;
      await upsertSession(tx, e, p.sessionId, p.author);
      await tx.run('UPDATE lac_author_sessions SET policy_id = ?, version = ?, origin = ?, new_policy = ? WHERE tenant = ? AND session_id = ?', [
        p.policyId, p.version, p.origin, p.newPolicy ? 1 : 0, e.tenant, p.sessionId,
      ]);
      const author = (await ownerOf(tx, e.tenant, p.sessionId, p.policyId, p.version))!.author;
      return bump(tx, e, author, { sessions: 1, new_policies: p.newPolicy ? 1 : 0, from_bundles: p.newPolicy && p.origin === 'bundle' ? 1 : 0 });
    }
    case 'PolicyDrafted': {
      const p = e.payload as PolicyDrafted;
      await upsertSession(tx, e, p.sessionId, p.author);
      // The session's policy version is the one it drafted last; its bundles those of that draft.
      await tx.run(
        `UPDATE lac_author_sessions SET policy_id = ?, version = ?, origin = ?, bundles = ?, drafted_ms = COALESCE(drafted_ms, ?), drafts = drafts + 1 WHERE tenant = ? AND session_id = ?`,
        [p.policyId, p.version, p.origin, bundlesOf(p.document).join(','), at, e.tenant, p.sessionId],
      );
      const author = (await ownerOf(tx, e.tenant, p.sessionId, p.policyId, p.version))!.author;
      return bump(tx, e, author, { drafts: 1 });
    }
    case 'PolicyValidated': {
      const p = e.payload as PolicyValidated;
      if (p.valid) await tx.run('UPDATE lac_author_sessions SET valid_ms = COALESCE(valid_ms, ?) WHERE tenant = ? AND session_id = ?', [at, e.tenant, p.sessionId]);
      return;
    }
    case 'PolicyValidationFailed': {
      const p = e.payload as PolicyValidationFailed;
      return sessionAction(tx, e, { sessionId: p.sessionId, policyId: p.policyId, version: p.version, fallbackAuthor: '' }, 'errors', p.errorCount);
    }
    case 'PolicyPreviewed': {
      const p = e.payload as PolicyPreviewed;
      return sessionAction(tx, e, { sessionId: p.sessionId, policyId: p.policyId, version: p.version, fallbackAuthor: p.requestedBy }, 'previews');
    }
    case 'PromotionBlocked': {
      const p = e.payload as PromotionBlocked;
      return sessionAction(tx, e, { sessionId: p.sessionId, policyId: p.policyId, version: p.version, fallbackAuthor: p.by }, 'blocked');
    }
    case 'PromotionAcknowledged': {
      const p = e.payload as PromotionAcknowledged;
      return sessionAction(tx, e, { sessionId: null, policyId: p.policyId, version: p.version, fallbackAuthor: p.by }, 'acknowledged');
    }
    case 'PolicyPromoted': {
      const p = e.payload as PolicyPromoted;
      // Every session that authored this version reaches promotion now.
      await tx.run('UPDATE lac_author_sessions SET promoted_ms = ? WHERE tenant = ? AND policy_id = ? AND version = ? AND promoted_ms IS NULL', [at, e.tenant, p.policyId, p.version]);
      const owner = await ownerOf(tx, e.tenant, p.sessionId, p.policyId, p.version);
      return bump(tx, e, owner?.author ?? p.by, { promotions: 1 });
    }
  }
}
