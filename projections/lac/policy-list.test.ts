/**
 * The Studio's policy list, given the policy events, on SQLite and (with DATABASE_URL) PostgreSQL:
 * each version's state through draft → invalid → validated → previewed → blocked → promoted, the
 * active version, who changed what and when, pages with a cursor, and tenants kept apart.
 */
import { lacPolicyList } from '.';
import { listPolicies, policyDetail } from './policy-list-queries';
import { pageRequest } from '../paging';
import { folded, recorded, testStores } from '../testing/stores';
import type { ReadModelStore } from '../store/port';

const drafted = (tenant: string, policyId: string, version: string, at: string, hash = `h-${version}`, author = 'ana') =>
  recorded('PolicyDrafted', tenant, at, { policyId, version, document: '{}', documentHash: hash, origin: 'bundle', author, sessionId: 's1', locale: 'en' });
const validated = (tenant: string, policyId: string, version: string, at: string, valid: boolean, hash = `h-${version}`) =>
  recorded('PolicyValidated', tenant, at, { policyId, version, documentHash: hash, valid, problems: valid ? [] : [{ path: 'rules[0]', code: 'BAD', message: 'bad' }], sessionId: 's1', locale: 'en' });

const history = [
  drafted('acme', 'gate', '1.0.0', '2026-11-02T10:00:00.000Z'),
  validated('acme', 'gate', '1.0.0', '2026-11-02T10:00:00.000Z', true),
  recorded('PolicyPromoted', 'acme', '2026-11-02T10:01:00.000Z', { policyId: 'gate', version: '1.0.0', previousVersion: null, previewId: null, riskLevel: 'low', acknowledged: false, by: 'ana', sessionId: 's1' }),
  // 1.10.0: invalid first, then fixed (a redraft with a new document), previewed, blocked, acknowledged, promoted.
  drafted('acme', 'gate', '1.10.0', '2026-11-03T09:00:00.000Z', 'bad'),
  validated('acme', 'gate', '1.10.0', '2026-11-03T09:00:00.000Z', false, 'bad'),
  drafted('acme', 'gate', '1.10.0', '2026-11-03T09:02:00.000Z', 'good', 'bo'),
  validated('acme', 'gate', '1.10.0', '2026-11-03T09:02:00.000Z', true, 'good'),
  recorded('BlastRadiusComputed', 'acme', '2026-11-03T09:03:00.000Z', { previewId: 'pv-1', policyId: 'gate', version: '1.10.0', riskLevel: 'high', riskScore: 70 }),
  recorded('PromotionBlocked', 'acme', '2026-11-03T09:04:00.000Z', { policyId: 'gate', version: '1.10.0', previewId: 'pv-1', riskLevel: 'high', reason: 'ACK_REQUIRED', by: 'bo', sessionId: 's1' }),
  drafted('acme', 'gate', '1.9.0', '2026-11-03T09:05:00.000Z'),
  recorded('PromotionAcknowledged', 'acme', '2026-11-03T09:06:00.000Z', { policyId: 'gate', version: '1.10.0', previewId: 'pv-1', by: 'Dee DPO', reason: 'reviewed', riskLevel: 'high' }),
  recorded('PolicyPromoted', 'acme', '2026-11-03T09:06:00.000Z', { policyId: 'gate', version: '1.10.0', previousVersion: '1.0.0', previewId: 'pv-1', riskLevel: 'high', acknowledged: true, by: 'Dee DPO', sessionId: 's1' }),
  drafted('acme', 'alpha', '0.1.0', '2026-11-04T08:00:00.000Z'),
  drafted('acme', 'zeta', '2.0.0', '2026-11-04T08:30:00.000Z'),
  drafted('globex', 'gate', '9.0.0', '2026-11-04T09:00:00.000Z', 'g', 'gus'),
];

describe.each(testStores('policy_list'))('lac-policy-list on %s', (_name, open) => {
  let db: ReadModelStore;
  beforeAll(async () => {
    db = await folded(open, lacPolicyList, history);
  });
  afterAll(() => db.close());

  test('given a version drafted invalid, fixed, previewed, blocked, acknowledged and promoted: it is the active, promoted version; versions sort as semver', async () => {
    const gate = (await policyDetail(db, 'acme', 'gate'))!;
    expect(gate.activeVersion).toBe('1.10.0');
    expect(gate.latestVersion).toBe('1.10.0');
    expect(gate.versions.map((v) => [v.version, v.state, v.author])).toEqual([
      ['1.0.0', 'promoted', 'ana'],
      ['1.9.0', 'draft', 'ana'],
      ['1.10.0', 'promoted', 'bo'],
    ]);
    expect(gate.versions[2]).toMatchObject({ lastPreviewId: 'pv-1', riskLevel: 'high', problems: 0, documentHash: 'good' });
  });

  test('the history says who changed what and when, newest first; the last change is on the policy', async () => {
    const gate = (await policyDetail(db, 'acme', 'gate'))!;
    expect(gate.history.slice(0, 3).map((h) => [h.version, h.who, h.what])).toEqual([
      ['1.10.0', 'Dee DPO', 'promoted over 1.0.0 (acknowledged)'],
      ['1.10.0', 'Dee DPO', 'acknowledged risk high: “reviewed”'],
      ['1.9.0', 'ana', 'drafted (bundle)'],
    ]);
    expect(gate.history).toHaveLength(12);
    expect(gate.history.map((h) => h.what)).toEqual(expect.arrayContaining(['1 problem(s)', 'previewed: risk high (70)', 'promotion blocked (ACK_REQUIRED, risk high)']));
    expect(gate.lastChange).toMatchObject({ at: '2026-11-03T09:06:00.000Z', who: 'Dee DPO', what: '1.10.0 promoted over 1.0.0 (acknowledged)' });
  });

  test('a blocked version stays blocked until promoted; an invalid draft shows its problem count', async () => {
    const stages = await folded(open, lacPolicyList, history.slice(3, 9));
    try {
      expect((await policyDetail(stages, 'acme', 'gate'))!.versions.map((v) => [v.version, v.state])).toEqual([['1.10.0', 'blocked']]);
      const invalid = await folded(open, lacPolicyList, history.slice(3, 5));
      expect((await policyDetail(invalid, 'acme', 'gate'))!.versions[0]).toMatchObject({ state: 'invalid', problems: 1 });
      await invalid.close();
    } finally {
      await stages.close();
    }
  });

  test('pages of one policy follow the cursor in id order to the end; another tenant never shows', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await listPolicies(db, 'acme', pageRequest({ limit: '1', cursor }, 1));
      ids.push(...page.items.map((p) => p.policyId));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(ids).toEqual(['alpha', 'gate', 'zeta']);
    const all = await listPolicies(db, 'acme', pageRequest({}, 1));
    expect(all.nextCursor).toBeNull();
    expect(all.items.find((p) => p.policyId === 'gate')!.versions).toHaveLength(3);
    const globex = await listPolicies(db, 'globex', pageRequest({}, 1));
    expect(globex.items.map((p) => [p.policyId, p.versions.map((v) => v.author)])).toEqual([['gate', ['gus']]]);
    expect(await policyDetail(db, 'globex', 'zeta')).toBeNull();
  });
});

// limit's range and the cursor's alphabet are the spec's, refused at the HTTP edge (server.test.ts).
test('a cursor that is not one this list made is a 400 naming it', () => {
  expect(() => pageRequest({ cursor: 'not-a-cursor' }, 1)).toThrow(/cursor: is not a cursor this list returned/);
  expect(() => pageRequest({ cursor: Buffer.from('["a","b"]').toString('base64url') }, 1)).toThrow(/cursor/);
  expect(pageRequest({ limit: '200' }, 1)).toEqual({ limit: 200 });
});
