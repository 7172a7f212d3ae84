/** LAC policies as the console sees them: the API's policy list read model (GET /v1/lac/policies, /policies/:id). */
import { allPages, api, tenantQuery, type Session } from './api';

export type VersionState = 'draft' | 'invalid' | 'validated' | 'previewed' | 'blocked' | 'promoted';

export interface PolicyVersion {
  version: string;
  /** The version's document as JSON text ('' in the list, which carries no documents). */
  document: string;
  documentHash: string;
  origin: string;
  author: string;
  draftedAt: string;
  state: VersionState;
  problems: { path: string; code: string; message: string }[];
  lastPreviewId: string | null;
  riskLevel: string | null;
}

export interface HistoryEntry {
  at: string;
  type: string;
  version: string;
  who: string;
  what: string;
}

export interface PolicySummary {
  id: string;
  versions: PolicyVersion[];
  active: string | null;
  lastChange: { at: string; who: string; what: string };
  /** Newest first (the detail only). */
  history: HistoryEntry[];
}

interface ApiVersion {
  version: string; state: VersionState; origin: string; author: string; draftedAt: string; documentHash: string; problems: number;
  lastPreviewId: string | null; riskLevel: string | null; document?: unknown; problemDetails?: PolicyVersion['problems'];
}
interface ApiPolicy { policyId: string; activeVersion: string | null; lastChange: PolicySummary['lastChange']; versions: ApiVersion[]; history?: HistoryEntry[] }

const toSummary = (p: ApiPolicy): PolicySummary => ({
  id: p.policyId,
  active: p.activeVersion,
  lastChange: p.lastChange,
  history: p.history ?? [],
  versions: p.versions.map((v) => ({
    version: v.version, state: v.state, origin: v.origin, author: v.author, draftedAt: v.draftedAt, documentHash: v.documentHash,
    lastPreviewId: v.lastPreviewId, riskLevel: v.riskLevel,
    document: v.document === undefined || v.document === null ? '' : JSON.stringify(v.document),
    problems: v.problemDetails ?? [],
  })),
});

/** The read tenant's policies, every page. */
export async function loadPolicies(session: Session): Promise<PolicySummary[]> {
  return (await allPages<ApiPolicy>(`/v1/lac/policies${tenantQuery(session)}`)).map(toSummary);
}

/** One policy in full (documents and history), or null when the tenant has none by that id. */
export async function loadPolicy(session: Session, policyId: string): Promise<PolicySummary | null> {
  try {
    return toSummary(await api<ApiPolicy>('GET', `/v1/lac/policies/${encodeURIComponent(policyId)}${tenantQuery(session)}`));
  } catch (e) {
    if ((e as { status?: number }).status === 404) return null;
    throw e;
  }
}

/** One authoring session per policy in this tab: drafts, previews and the promotion share it (time-to-author). */
export function authoringSession(policyId: string, fresh = false): string {
  const k = `tf-lac-session:${policyId}`;
  let id = sessionStorage.getItem(k);
  if (!id || fresh) {
    id = `console-${policyId}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    sessionStorage.setItem(k, id);
  }
  return id;
}

/** The editor opened: a new authoring session, recorded (POST /v1/lac/sessions) so time-to-author counts from now. */
export async function openAuthoringSession(): Promise<string> {
  const id = authoringSession('new', true);
  await api('POST', '/v1/lac/sessions', { sessionId: id, client: 'console' });
  return id;
}

export const SAMPLE_REQUEST = (tenant: string) => ({
  subject: { id: 'ana', tenant, groups: ['analysts'], clearance: 'P1' },
  action: 'export',
  resource: { dataset: 'crm.contacts', tenant, classification: 'P1', region: 'eu-west-1', fields: [{ name: 'email', tags: ['pii'] }, { name: 'amount', tags: [] }] },
  context: { purpose: 'analytics', rows: 200 },
});
