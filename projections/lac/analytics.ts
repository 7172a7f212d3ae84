/**
 * Author analytics over the authoring read model: median time to author (first draft → first valid,
 * first draft → promotion), validation errors per session and by code, previews per promotion, and
 * the share of new policies created from bundles (target ≥ 60%).
 */
import type { ReadModelQueries } from '../store/port';

export const BUNDLE_SHARE_TARGET = 0.6;

export interface AuthorAnalytics {
  window: { from: string | null; to: string | null };
  sessions: number;
  drafts: number;
  medianMinutesToValid: number | null;
  medianMinutesToPromotion: number | null;
  validationErrors: number;
  errorsPerSession: number | null;
  errorsByCode: Record<string, number>;
  previews: number;
  promotions: number;
  blockedPromotions: number;
  previewsPerPromotion: number | null;
  newPolicies: number;
  newPoliciesFromBundles: number;
  bundleShare: number | null;
  bundleShareTarget: number;
  meetsBundleShareTarget: boolean;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);

interface Row {
  kind: string;
  session_id: string;
  policy_id: string;
  version: string;
  at_ms: number;
  origin: string | null;
  new_policy: number | null;
  error_count: number;
  error_codes: string;
}

export async function authorAnalytics(db: ReadModelQueries, tenant: string, window: { fromMs?: number; toMs?: number } = {}): Promise<AuthorAnalytics> {
  const rows = await db.all<Row>(
    'SELECT kind, session_id, policy_id, version, at_ms, origin, new_policy, error_count, error_codes FROM lac_authoring WHERE tenant = ? AND at_ms >= ? AND at_ms < ? ORDER BY position',
    [tenant, window.fromMs ?? 0, window.toMs ?? Number.MAX_SAFE_INTEGER],
  );
  const sessions = new Set<string>();
  const milestones = new Map<string, { draft?: number; valid?: number; promoted?: number }>();
  const errorsByCode: Record<string, number> = {};
  let drafts = 0, errors = 0, previews = 0, promotions = 0, blocked = 0, newPolicies = 0, fromBundles = 0;
  for (const r of rows) {
    const key = `${r.policy_id}@${r.version}`;
    const m = milestones.get(key) ?? {};
    milestones.set(key, m);
    switch (r.kind) {
      case 'started':
        sessions.add(r.session_id);
        if (r.new_policy === 1) {
          newPolicies++;
          if (r.origin === 'bundle') fromBundles++;
        }
        break;
      case 'drafted':
        drafts++;
        m.draft ??= r.at_ms;
        break;
      case 'valid':
        m.valid ??= r.at_ms;
        break;
      case 'errors':
        errors += r.error_count;
        for (const code of r.error_codes.split(',').filter(Boolean)) errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
        break;
      case 'previewed':
        previews++;
        break;
      case 'promoted':
        promotions++;
        m.promoted ??= r.at_ms;
        break;
      case 'blocked':
        blocked++;
        break;
    }
  }
  const minutes = (a?: number, b?: number) => (a !== undefined && b !== undefined ? (b - a) / 60000 : undefined);
  const toValid = [...milestones.values()].map((m) => minutes(m.draft, m.valid)).filter((x): x is number => x !== undefined);
  const toPromotion = [...milestones.values()].map((m) => minutes(m.draft, m.promoted)).filter((x): x is number => x !== undefined);
  const share = ratio(fromBundles, newPolicies);
  return {
    window: { from: window.fromMs !== undefined ? new Date(window.fromMs).toISOString() : null, to: window.toMs !== undefined ? new Date(window.toMs).toISOString() : null },
    sessions: sessions.size,
    drafts,
    medianMinutesToValid: median(toValid),
    medianMinutesToPromotion: median(toPromotion),
    validationErrors: errors,
    errorsPerSession: ratio(errors, sessions.size),
    errorsByCode,
    previews,
    promotions,
    blockedPromotions: blocked,
    previewsPerPromotion: ratio(previews, promotions),
    newPolicies,
    newPoliciesFromBundles: fromBundles,
    bundleShare: share,
    bundleShareTarget: BUNDLE_SHARE_TARGET,
    meetsBundleShareTarget: share !== null && share >= BUNDLE_SHARE_TARGET,
  };
}
