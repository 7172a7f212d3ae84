/**
 * Author analytics per ISO week, per author and per bundle, read from the author-activity model.
 * Time-to-author is a session's opening (the editor's telemetry, else its first draft) to its first
 * valid draft; time-to-promotion the opening to the promotion of its version. KR2.1: at least 60%
 * of new policies from bundles, median time-to-author under 6 minutes.
 */
import type { ReadModelQueries } from '../store/port';
import { isoWeekOf } from './report/weekly';
import { BUNDLE_SHARE_TARGET, median } from './analytics';
import { WEEK_COUNTERS } from './author-activity';

export const TIME_TO_AUTHOR_TARGET_MINUTES = 6;

export type { Activity } from './author-activity-types';
import type { Activity } from './author-activity-types';

export interface AuthorBreakdown {
  timeToAuthor: { medianMinutes: number | null; sessions: number; targetMinutes: number; meetsTarget: boolean };
  weeks: ({ week: string } & Activity)[];
  authors: ({ author: string } & Activity)[];
  bundles: ({ bundle: string } & Activity)[];
}

interface SessionRow {
  author: string; bundles: string; origin: string | null; new_policy: number;
  opened_ms: number | null; drafted_ms: number | null; valid_ms: number | null; promoted_ms: number | null;
  drafts: number; errors: number; previews: number; blocked: number; acknowledged: number;
}
type WeekRow = { week: string; author: string } & Record<(typeof WEEK_COUNTERS)[number], number>;

const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
const share = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
const startOf = (s: SessionRow) => s.opened_ms ?? s.drafted_ms;

function empty(): Activity {
  return { opened: 0, sessions: 0, newPolicies: 0, newPoliciesFromBundles: 0, bundleShare: null, drafts: 0, validationErrors: 0, previews: 0, blocked: 0, acknowledged: 0, promotions: 0, authored: 0, medianMinutesToAuthor: null, medianMinutesToPromotion: null };
}

/** Weekly counters summed into an Activity. */
function addWeek(a: Activity, w: WeekRow): void {
  a.opened += w.opened;
  a.sessions += w.sessions;
  a.newPolicies += w.new_policies;
  a.newPoliciesFromBundles += w.from_bundles;
  a.drafts += w.drafts;
  a.validationErrors += w.errors;
  a.previews += w.previews;
  a.blocked += w.blocked;
  a.acknowledged += w.acknowledged;
  a.promotions += w.promotions;
}

/** Medians over sessions (minutes from their opening). */
function timings(a: Activity, sessions: SessionRow[]): void {
  const toValid = sessions.filter((s) => s.valid_ms !== null && startOf(s) !== null).map((s) => (s.valid_ms! - startOf(s)!) / 60000);
  const toPromotion = sessions.filter((s) => s.promoted_ms !== null && startOf(s) !== null).map((s) => (s.promoted_ms! - startOf(s)!) / 60000);
  a.authored = toValid.length;
  a.medianMinutesToAuthor = round(median(toValid));
  a.medianMinutesToPromotion = round(median(toPromotion));
  a.bundleShare = share(a.newPoliciesFromBundles, a.newPolicies);
}

function group<T>(xs: T[], keysOf: (x: T) => string[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) for (const k of keysOf(x)) m.set(k, [...(m.get(k) ?? []), x]);
  return m;
}

/**
 * The tenant's figures by week (weeks overlapping the window), by author and by bundle. Counters by
 * week and author come from the weekly table; per bundle they are the sessions' own (a session
 * counts for each bundle its draft used).
 */
export async function authorBreakdown(db: ReadModelQueries, tenant: string, window: { fromMs?: number; toMs?: number } = {}): Promise<AuthorBreakdown> {
  const fromMs = window.fromMs ?? 0;
  const toMs = window.toMs ?? Number.MAX_SAFE_INTEGER;
  const weekFrom = window.fromMs !== undefined ? isoWeekOf(fromMs) : '';
  const weekTo = window.toMs !== undefined ? isoWeekOf(toMs - 1) : '9999-W99';
  const weekRows = await db.all<WeekRow>(`SELECT week, author, ${WEEK_COUNTERS.join(', ')} FROM lac_author_weeks WHERE tenant = ? AND week >= ? AND week <= ? ORDER BY week, author`, [tenant, weekFrom, weekTo]);
  const all = await db.all<SessionRow>(
    'SELECT author, bundles, origin, new_policy, opened_ms, drafted_ms, valid_ms, promoted_ms, drafts, errors, previews, blocked, acknowledged FROM lac_author_sessions WHERE tenant = ? ORDER BY session_id',
    [tenant],
  );
  const sessions = all.filter((s) => startOf(s) !== null && startOf(s)! >= fromMs && startOf(s)! < toMs);

  const byWeek = group(weekRows, (w) => [w.week]);
  const sessionsByWeek = group(sessions, (s) => [isoWeekOf(startOf(s)!)]);
  const weeks = [...new Set([...byWeek.keys(), ...sessionsByWeek.keys()])].sort().map((week) => {
    const a = empty();
    for (const w of byWeek.get(week) ?? []) addWeek(a, w);
    timings(a, sessionsByWeek.get(week) ?? []);
    return { week, ...a };
  });

  const byAuthor = group(weekRows, (w) => [w.author]);
  const sessionsByAuthor = group(sessions, (s) => [s.author]);
  const authors = [...new Set([...byAuthor.keys(), ...sessionsByAuthor.keys()])].sort().map((author) => {
    const a = empty();
    for (const w of byAuthor.get(author) ?? []) addWeek(a, w);
    timings(a, sessionsByAuthor.get(author) ?? []);
    return { author, ...a };
  });

  const bundles = [...group(sessions, (s) => s.bundles.split(',').filter(Boolean)).entries()].sort(([x], [y]) => x.localeCompare(y)).map(([bundle, ss]) => {
    const a = empty();
    for (const s of ss) {
      a.opened += s.opened_ms !== null ? 1 : 0;
      a.sessions += s.drafted_ms !== null ? 1 : 0;
      a.newPolicies += s.new_policy;
      a.newPoliciesFromBundles += s.new_policy; // a session with a bundle is a policy from bundles
      a.drafts += s.drafts;
      a.validationErrors += s.errors;
      a.previews += s.previews;
      a.blocked += s.blocked;
      a.acknowledged += s.acknowledged;
      a.promotions += s.promoted_ms !== null ? 1 : 0;
    }
    timings(a, ss);
    return { bundle, ...a };
  });

  const overall = empty();
  timings(overall, sessions);
  return {
    timeToAuthor: {
      medianMinutes: overall.medianMinutesToAuthor,
      sessions: overall.authored,
      targetMinutes: TIME_TO_AUTHOR_TARGET_MINUTES,
      meetsTarget: overall.medianMinutesToAuthor !== null && overall.medianMinutesToAuthor < TIME_TO_AUTHOR_TARGET_MINUTES,
    },
    weeks,
    authors,
    bundles,
  };
}
