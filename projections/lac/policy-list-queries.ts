/** Queries over the Studio's policy list read model (policy-list.ts): a page of policies, one policy in full. */
import type { ReadModelQueries } from '../store/port';
import { pageOf, type Page, type PageRequest } from '../paging';

export type VersionState = 'draft' | 'invalid' | 'validated' | 'previewed' | 'blocked' | 'promoted';

export interface ListedVersion {
  version: string;
  state: VersionState;
  origin: 'bundle' | 'scratch';
  author: string;
  draftedAt: string;
  documentHash: string;
  problems: number;
  lastPreviewId: string | null;
  riskLevel: string | null;
}

export interface PolicyChange {
  position: number;
  at: string;
  type: string;
  version: string;
  who: string;
  what: string;
}

export interface ListedPolicy {
  policyId: string;
  activeVersion: string | null;
  latestVersion: string;
  lastChange: { at: string; who: string; what: string; position: number };
  versions: ListedVersion[];
}

interface PolicyRow { policy_id: string; active_version: string | null; latest_version: string; changed_at: string; changed_by: string; change: string; position: number }
interface VersionRow { policy_id: string; version: string; state: VersionState; origin: 'bundle' | 'scratch'; author: string; drafted_at: string; document_hash: string; problems: number; preview_id: string | null; risk_level: string | null }

const VERSION_COLUMNS = 'policy_id, version, state, origin, author, drafted_at, document_hash, problems, preview_id, risk_level';

const version = (r: VersionRow): ListedVersion => ({
  version: r.version, state: r.state, origin: r.origin, author: r.author, draftedAt: r.drafted_at, documentHash: r.document_hash,
  problems: r.problems, lastPreviewId: r.preview_id, riskLevel: r.risk_level,
});

const policy = (r: PolicyRow, versions: ListedVersion[]): ListedPolicy => ({
  policyId: r.policy_id,
  activeVersion: r.active_version,
  latestVersion: r.latest_version,
  lastChange: { at: r.changed_at, who: r.changed_by, what: r.change, position: r.position },
  versions,
});

/** A page of the tenant's policies in id order, each with its versions (oldest first by semver). */
export async function listPolicies(db: ReadModelQueries, tenant: string, page: PageRequest): Promise<Page<ListedPolicy>> {
  const rows = await db.all<PolicyRow>(
    'SELECT policy_id, active_version, latest_version, changed_at, changed_by, change, position FROM lac_list_policies WHERE tenant = ? AND policy_id > ? ORDER BY policy_id LIMIT ?',
    [tenant, page.after?.[0] ?? '', page.limit + 1],
  );
  const ids = rows.slice(0, page.limit).map((r) => r.policy_id);
  const versions = new Map<string, ListedVersion[]>(ids.map((id) => [id, []]));
  if (ids.length) {
    const vs = await db.all<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM lac_list_versions WHERE tenant = ? AND policy_id IN (${ids.map(() => '?').join(', ')}) ORDER BY policy_id, sort_key`,
      [tenant, ...ids],
    );
    for (const v of vs) versions.get(v.policy_id)!.push(version(v));
  }
  return pageOf(rows, page.limit, (r) => [r.policy_id], (r) => policy(r, versions.get(r.policy_id)!));
}

/** One policy with its versions and its newest `historyLimit` changes (newest first), or null. */
export async function policyDetail(db: ReadModelQueries, tenant: string, policyId: string, historyLimit = 100): Promise<(ListedPolicy & { history: PolicyChange[] }) | null> {
  const row = await db.get<PolicyRow>('SELECT policy_id, active_version, latest_version, changed_at, changed_by, change, position FROM lac_list_policies WHERE tenant = ? AND policy_id = ?', [tenant, policyId]);
  if (!row) return null;
  const vs = await db.all<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM lac_list_versions WHERE tenant = ? AND policy_id = ? ORDER BY sort_key`, [tenant, policyId]);
  const history = await db.all<PolicyChange>(
    'SELECT position, at, type, version, who, what FROM lac_list_changes WHERE tenant = ? AND policy_id = ? ORDER BY position DESC LIMIT ?',
    [tenant, policyId, historyLimit],
  );
  return { ...policy(row, vs.map(version)), history };
}
