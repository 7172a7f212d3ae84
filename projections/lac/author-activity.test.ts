/**
 * Author analytics by week, author and bundle, given authoring events, on SQLite and (with
 * DATABASE_URL) PostgreSQL: time-to-author counts from the editor's opening, each action is
 * credited to its session's author in the week it happened, bundles come from the drafted document.
 */
import { lacAuthorActivity } from '.';
import { authorBreakdown } from './author-activity-queries';
import { bundlesOf } from './author-activity';
import { folded, recorded, testStores } from '../testing/stores';
import type { ReadModelStore } from '../store/port';

const doc = (...refs: string[]) => JSON.stringify({ id: 'p', bundles: refs.map((ref) => ({ ref })) });
const at = (day: number, minute: number) => new Date(Date.UTC(2026, 10, day, 10, minute)).toISOString(); // Nov 2026: the 2nd is a Monday (W45)

/** Ana opens the editor, saves an invalid draft 2 min later, a valid one at 4 min, previews, meets the block, acknowledges, promotes at 10 min. */
const ana = [
  recorded('PolicyAuthoringOpened', 'acme', at(2, 0), { sessionId: 'sa', author: 'ana', client: 'console' }),
  recorded('PolicyAuthoringStarted', 'acme', at(2, 2), { sessionId: 'sa', policyId: 'gate', version: '1.0.0', author: 'ana', origin: 'bundle', newPolicy: true }),
  recorded('PolicyDrafted', 'acme', at(2, 2), { policyId: 'gate', version: '1.0.0', document: doc('tenant.isolation@^1', 'residency.region-lock@^1'), documentHash: 'x', origin: 'bundle', author: 'ana', sessionId: 'sa', locale: 'en' }),
  recorded('PolicyValidated', 'acme', at(2, 2), { policyId: 'gate', version: '1.0.0', documentHash: 'x', valid: false, problems: [], sessionId: 'sa', locale: 'en' }),
  recorded('PolicyValidationFailed', 'acme', at(2, 2), { sessionId: 'sa', policyId: 'gate', version: '1.0.0', errorCodes: ['PARAM_REQUIRED'], errorCount: 2 }),
  recorded('PolicyDrafted', 'acme', at(2, 4), { policyId: 'gate', version: '1.0.0', document: doc('tenant.isolation@^1', 'residency.region-lock@^1'), documentHash: 'y', origin: 'bundle', author: 'ana', sessionId: 'sa', locale: 'en' }),
  recorded('PolicyValidated', 'acme', at(2, 4), { policyId: 'gate', version: '1.0.0', documentHash: 'y', valid: true, problems: [], sessionId: 'sa', locale: 'en' }),
  recorded('PolicyPreviewed', 'acme', at(2, 5), { previewId: 'pv', policyId: 'gate', version: '1.0.0', activeVersion: null, windowDays: 30, requestedBy: 'ana', sessionId: 'sa' }),
  recorded('PromotionBlocked', 'acme', at(2, 6), { policyId: 'gate', version: '1.0.0', previewId: 'pv', riskLevel: 'high', reason: 'ACK_REQUIRED', by: 'ana', sessionId: 'sa' }),
  recorded('PromotionAcknowledged', 'acme', at(2, 9), { policyId: 'gate', version: '1.0.0', previewId: 'pv', by: 'Dee DPO', reason: 'reviewed it', riskLevel: 'high' }),
  recorded('PolicyPromoted', 'acme', at(2, 10), { policyId: 'gate', version: '1.0.0', previousVersion: null, previewId: 'pv', riskLevel: 'high', acknowledged: true, by: 'Dee DPO', sessionId: 'sa' }),
];
/** Bo, the next week, without the editor's telemetry: a scratch policy valid at its first draft (counted from that draft: 0 min). */
const bo = [
  recorded('PolicyAuthoringStarted', 'acme', at(10, 0), { sessionId: 'sb', policyId: 'raw', version: '0.1.0', author: 'bo', origin: 'scratch', newPolicy: true }),
  recorded('PolicyDrafted', 'acme', at(10, 0), { policyId: 'raw', version: '0.1.0', document: doc(), documentHash: 'z', origin: 'scratch', author: 'bo', sessionId: 'sb', locale: 'en' }),
  recorded('PolicyValidated', 'acme', at(10, 0), { policyId: 'raw', version: '0.1.0', documentHash: 'z', valid: true, problems: [], sessionId: 'sb', locale: 'en' }),
  // Ana's editor reloaded on the same session: the clock does not restart.
  recorded('PolicyAuthoringOpened', 'acme', at(10, 1), { sessionId: 'sa', author: 'ana', client: 'console' }),
  // Another tenant's author, never in acme's figures.
  recorded('PolicyAuthoringOpened', 'globex', at(10, 2), { sessionId: 'sg', author: 'gus', client: 'console' }),
];

describe.each(testStores('author_activity'))('lac-author-activity on %s', (_name, open) => {
  let db: ReadModelStore;
  beforeAll(async () => {
    db = await folded(open, lacAuthorActivity, [...ana, ...bo]);
  });
  afterAll(() => db.close());

  test('given a session opened at 0, valid at 4 and promoted at 10 minutes: time-to-author 4 min, to promotion 10, under the 6-minute target', async () => {
    const b = await authorBreakdown(db, 'acme', { toMs: Date.parse(at(8, 0)) });
    expect(b.timeToAuthor).toEqual({ medianMinutes: 4, sessions: 1, targetMinutes: 6, meetsTarget: true });
    expect(b.authors).toEqual([
      expect.objectContaining({ author: 'ana', opened: 1, sessions: 1, newPolicies: 1, newPoliciesFromBundles: 1, bundleShare: 1, drafts: 2, validationErrors: 2, previews: 1, blocked: 1, acknowledged: 1, promotions: 1, medianMinutesToAuthor: 4, medianMinutesToPromotion: 10 }),
    ]);
  });

  test('by ISO week: each week counts what happened in it; bundle share and medians per week', async () => {
    const b = await authorBreakdown(db, 'acme');
    expect(b.weeks.map((w) => [w.week, w.opened, w.sessions, w.newPolicies, w.newPoliciesFromBundles, w.bundleShare, w.validationErrors, w.promotions, w.medianMinutesToAuthor])).toEqual([
      ['2026-W45', 1, 1, 1, 1, 1, 2, 1, 4],
      ['2026-W46', 0, 1, 1, 0, 0, 0, 0, 0],
    ]);
    // Two sessions: 4 min and 0 min → median 2.
    expect(b.timeToAuthor).toMatchObject({ medianMinutes: 2, sessions: 2 });
  });

  test('per bundle: the sessions whose drafts used it; a scratch policy counts for none', async () => {
    const b = await authorBreakdown(db, 'acme');
    expect(b.bundles.map((x) => [x.bundle, x.sessions, x.drafts, x.validationErrors, x.promotions, x.medianMinutesToAuthor])).toEqual([
      ['residency.region-lock', 1, 2, 2, 1, 4],
      ['tenant.isolation', 1, 2, 2, 1, 4],
    ]);
  });

  test("an acknowledgment is credited to the session's author, not to whoever typed it; other tenants stay apart", async () => {
    const b = await authorBreakdown(db, 'acme');
    expect(b.authors.map((a) => a.author)).toEqual(['ana', 'bo']);
    const globex = await authorBreakdown(db, 'globex');
    expect(globex.authors.map((a) => [a.author, a.opened, a.sessions])).toEqual([['gus', 1, 0]]);
    expect(globex.timeToAuthor.medianMinutes).toBeNull();
  });
});

test('bundle names come from the drafted document, without their version ranges, once each', () => {
  expect(bundlesOf(doc('b.x@^1', 'a.y@~2', 'b.x@^1'))).toEqual(['a.y', 'b.x']);
  expect(bundlesOf('not json')).toEqual([]);
});
