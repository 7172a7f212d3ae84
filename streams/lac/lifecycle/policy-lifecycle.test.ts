import { recorded } from '../../runtime/testing';
import { draft, fold, isCurrent, promote } from './policy-lifecycle';

const stream = { stream: 'lac-policy:acme:gate' };
let v = 0;
const ev = (type: string, payload: object) => recorded(type, payload, { ...stream, streamVersion: ++v });
const drafted = (version: string, hash = `h-${version}`) => [
  ev('PolicyDrafted', { policyId: 'gate', version, documentHash: hash }),
  ev('PolicyValidated', { policyId: 'gate', version, documentHash: hash, valid: true, problems: [] }),
];
const previewed = (previewId: string, version: string, riskLevel: string, asOfPosition: number, activeVersion: string | null = null) =>
  ev('BlastRadiusComputed', { previewId, policyId: 'gate', version, activeVersion, documentHash: `h-${version}`, asOfPosition, riskLevel });
const cmd = { policyId: 'gate', version: '1.1.0', by: 'lead', sessionId: 's1' };

describe('policy lifecycle (given the policy stream, when a command, then events)', () => {
  test('given nothing, when a first draft with problems, then authoring started, drafted, validated(invalid) and validation failed by code', () => {
    const out = draft(fold([]), {
      policyId: 'gate', version: '1.0.0', document: '{}', documentHash: 'h', origin: 'bundle', author: 'ana', sessionId: 's1', locale: 'fr',
      problems: [{ path: 'mode', code: 'REQUIRED', message: 'est obligatoire' }, { path: 'default', code: 'REQUIRED', message: 'est obligatoire' }],
    });
    expect(out.map((e) => e.type)).toEqual(['PolicyAuthoringStarted', 'PolicyDrafted', 'PolicyValidated', 'PolicyValidationFailed']);
    expect(out[0].payload).toMatchObject({ newPolicy: true, origin: 'bundle' });
    expect(out[3].payload).toEqual({ sessionId: 's1', policyId: 'gate', version: '1.0.0', errorCodes: ['REQUIRED'], errorCount: 2 });
  });

  test('given a low-risk current preview, when promote without ack, then PolicyPromoted', () => {
    const s = fold([...drafted('1.0.0'), ev('PolicyPromoted', { version: '1.0.0' }), ...drafted('1.1.0'), previewed('p1', '1.1.0', 'low', 40, '1.0.0')]);
    const d = promote(s, { ...cmd, latestDecisionPosition: 40 });
    expect(d.kind).toBe('promoted');
    expect(d.kind === 'promoted' && d.events.map((e) => [e.type, e.payload])).toEqual([
      ['PolicyPromoted', { policyId: 'gate', version: '1.1.0', previousVersion: '1.0.0', previewId: 'p1', riskLevel: 'low', acknowledged: false, by: 'lead', sessionId: 's1' }],
    ]);
  });

  test('given a high-risk preview, when promote without ack, then PromotionBlocked(ACK_REQUIRED); with an ack, then acknowledged + promoted', () => {
    const s = fold([...drafted('1.1.0'), previewed('p2', '1.1.0', 'high', 40)]);
    const blocked = promote(s, { ...cmd, latestDecisionPosition: 40 });
    expect(blocked).toMatchObject({ kind: 'blocked', reason: 'ACK_REQUIRED', previewId: 'p2' });
    const ok = promote(s, { ...cmd, latestDecisionPosition: 40, ack: { by: 'dpo', reason: 'approved in ticket 9', previewId: 'p2' } });
    expect(ok.kind === 'promoted' && ok.events.map((e) => e.type)).toEqual(['PromotionAcknowledged', 'PolicyPromoted']);
  });

  test('a preview is stale after newer decisions, another promotion, or an edit of the version', () => {
    const base = [...drafted('1.1.0'), previewed('p3', '1.1.0', 'high', 40)];
    const s = fold(base);
    expect(isCurrent(s, s.previews.p3, 40)).toBe(true);
    expect(isCurrent(s, s.previews.p3, 41)).toBe(false);
    expect(promote(s, { ...cmd, latestDecisionPosition: 41, ack: { by: 'dpo', reason: 'approved in ticket 9', previewId: 'p3' } })).toEqual({ kind: 'needs-preview', why: 'stale' });
    const edited = fold([...base, ...drafted('1.1.0', 'h-edited')]);
    expect(isCurrent(edited, edited.previews.p3, 40)).toBe(false);
    const other = fold([...base, ...drafted('1.0.9'), ev('PolicyPromoted', { version: '1.0.9' })]);
    expect(isCurrent(other, other.previews.p3, 40)).toBe(false);
  });

  test('an ack of another version\'s preview is blocked as a mismatch; promoting without any preview asks for one', () => {
    const s = fold([...drafted('1.1.0'), ...drafted('1.2.0'), previewed('p4', '1.2.0', 'medium', 0)]);
    expect(promote(s, { ...cmd, latestDecisionPosition: 0, ack: { by: 'x', reason: 'ten chars at least', previewId: 'p4' } })).toMatchObject({ kind: 'blocked', reason: 'PREVIEW_MISMATCH' });
    expect(promote(s, { ...cmd, latestDecisionPosition: 0 })).toEqual({ kind: 'needs-preview', why: 'none' });
  });

  test('promoted versions are immutable and new drafts must be greater', () => {
    const s = fold([...drafted('1.0.0'), ev('PolicyPromoted', { version: '1.0.0' })]);
    const d = { policyId: 'gate', document: '{}', documentHash: 'h', origin: 'scratch' as const, author: 'a', sessionId: 's', locale: 'en', problems: [] };
    expect(() => draft(s, { ...d, version: '1.0.0' })).toThrow(/immutable/);
    expect(() => draft(s, { ...d, version: '0.9.0' })).toThrow(/greater than 1.0.0/);
    expect(draft(s, { ...d, version: '1.0.1' }).map((e) => e.type)).toEqual(['PolicyAuthoringStarted', 'PolicyDrafted', 'PolicyValidated']);
  });
});
