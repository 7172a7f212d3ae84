/** LAC policies as the console sees them: folded from the tenant's policy events (GET /v1/events). */
import { eventsOf, type LogEvent } from './api';

export type VersionState = 'draft' | 'invalid' | 'validated' | 'previewed' | 'blocked' | 'promoted';

export interface PolicyVersion {
  version: string;
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
  history: HistoryEntry[];
}

export const POLICY_EVENTS = ['PolicyDrafted', 'PolicyValidated', 'BlastRadiusComputed', 'PromotionBlocked', 'PromotionAcknowledged', 'PolicyPromoted'];

const semverKey = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? p.padStart(8, '0') : p)).join('.');

export function foldPolicies(events: LogEvent[]): Map<string, PolicySummary> {
  const out = new Map<string, PolicySummary>();
  for (const e of events) {
    const p = e.payload;
    const id = p.policyId as string;
    const s = out.get(id) ?? { id, versions: [], active: null, history: [] };
    out.set(id, s);
    let v = s.versions.find((x) => x.version === p.version);
    const who = p.by ?? p.author ?? '';
    switch (e.type) {
      case 'PolicyDrafted':
        if (!v) s.versions.push((v = { version: p.version, document: '', documentHash: '', origin: '', author: '', draftedAt: '', state: 'draft', problems: [], lastPreviewId: null, riskLevel: null }));
        Object.assign(v, { document: p.document, documentHash: p.documentHash, origin: p.origin, author: p.author, draftedAt: e.occurredAt, state: 'draft', problems: [] });
        s.history.push({ at: e.occurredAt, type: e.type, version: p.version, who, what: `drafted (${p.origin})` });
        break;
      case 'PolicyValidated':
        if (v && v.documentHash === p.documentHash) {
          v.state = p.valid ? 'validated' : 'invalid';
          v.problems = p.problems;
        }
        s.history.push({ at: e.occurredAt, type: e.type, version: p.version, who: '', what: p.valid ? 'valid' : `${p.problems.length} problem(s)` });
        break;
      case 'BlastRadiusComputed':
        if (v) Object.assign(v, { state: v.state === 'promoted' ? 'promoted' : 'previewed', lastPreviewId: p.previewId, riskLevel: p.riskLevel });
        s.history.push({ at: e.occurredAt, type: e.type, version: p.version, who: '', what: `previewed: risk ${p.riskLevel} (${p.riskScore})` });
        break;
      case 'PromotionBlocked':
        if (v && v.state !== 'promoted') v.state = 'blocked';
        s.history.push({ at: e.occurredAt, type: e.type, version: p.version, who, what: `promotion blocked (${p.reason}, risk ${p.riskLevel})` });
        break;
      case 'PromotionAcknowledged':
        s.history.push({ at: e.occurredAt, type: e.type, version: p.version, who, what: `acknowledged risk ${p.riskLevel}: “${p.reason}”` });
        break;
      case 'PolicyPromoted':
        if (v) v.state = 'promoted';
        s.active = p.version;
        s.history.push({ at: e.occurredAt, type: e.type, version: p.version, who, what: `promoted${p.previousVersion ? ` over ${p.previousVersion}` : ''}${p.acknowledged ? ' (acknowledged)' : ''}` });
        break;
    }
  }
  for (const s of out.values()) s.versions.sort((a, b) => (semverKey(a.version) < semverKey(b.version) ? -1 : 1));
  return out;
}

export async function loadPolicies(tenant: string): Promise<Map<string, PolicySummary>> {
  return foldPolicies(await eventsOf(tenant, POLICY_EVENTS));
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

export const SAMPLE_REQUEST = (tenant: string) => ({
  subject: { id: 'ana', tenant, groups: ['analysts'], clearance: 'P1' },
  action: 'export',
  resource: { dataset: 'crm.contacts', tenant, classification: 'P1', region: 'eu-west-1', fields: [{ name: 'email', tags: ['pii'] }, { name: 'amount', tags: [] }] },
  context: { purpose: 'analytics', rows: 200 },
});
