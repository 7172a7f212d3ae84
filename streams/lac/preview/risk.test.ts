import { levelOf, riskScoreV2 } from './risk';

const zero = () => ({ P0: 0, P1: 0, P2: 0, P3: 0 });

describe('risk score v2', () => {
  test('no change is 0/low; a tiny narrowing of public data is low', () => {
    expect(riskScoreV2({ replayed: 1000, widened: zero(), narrowed: zero(), impactedUsers: 0 })).toMatchObject({ score: 0, level: 'low' });
    expect(riskScoreV2({ replayed: 1000, widened: zero(), narrowed: { ...zero(), P3: 1 }, impactedUsers: 1 }).level).toBe('low');
  });
  test('one widening on P0 is at least high, on P1 at least medium, whatever the volume', () => {
    expect(riskScoreV2({ replayed: 1_000_000, widened: { ...zero(), P0: 1 }, narrowed: zero(), impactedUsers: 1 })).toMatchObject({ score: 60, level: 'high' });
    expect(riskScoreV2({ replayed: 1_000_000, widened: { ...zero(), P1: 1 }, narrowed: zero(), impactedUsers: 1 })).toMatchObject({ score: 35, level: 'medium' });
  });
  test('the same count weighs more as a widening on sensitive data than as a narrowing', () => {
    const wide = riskScoreV2({ replayed: 100_000, widened: { ...zero(), P1: 50 }, narrowed: zero(), impactedUsers: 10 });
    const narrow = riskScoreV2({ replayed: 100_000, widened: zero(), narrowed: { ...zero(), P1: 50 }, impactedUsers: 10 });
    expect(wide.score).toBeGreaterThan(narrow.score);
  });
  test('blocking half of all traffic is critical', () => {
    expect(riskScoreV2({ replayed: 10_000, widened: zero(), narrowed: { ...zero(), P3: 5000 }, impactedUsers: 300 }).level).toBe('critical');
  });
  test('level thresholds', () => {
    expect([0, 19, 20, 49, 50, 74, 75, 100].map(levelOf)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });
  test('given a semantic widening and no history change, then P0/P1 is at least high and P2/P3 at least medium; narrowings and no widening add nothing', () => {
    const none = { replayed: 20, widened: zero(), narrowed: zero(), impactedUsers: 0 };
    expect(riskScoreV2({ ...none, semanticWidened: ['P1'] })).toMatchObject({ score: 50, level: 'high', factors: { semanticFloor: 50, floor: 0 } });
    expect(riskScoreV2({ ...none, semanticWidened: ['P0', 'P3'] }).level).toBe('high');
    expect(riskScoreV2({ ...none, semanticWidened: ['P3'] })).toMatchObject({ score: 20, level: 'medium' });
    expect(riskScoreV2({ ...none, semanticWidened: [] })).toMatchObject({ score: 0, level: 'low' });
    // A diff that could not be completed fails closed.
    expect(riskScoreV2({ ...none, semanticWidened: [], semanticIncomplete: true })).toMatchObject({ score: 50, level: 'high' });
    // A history floor above the semantic one still wins.
    expect(riskScoreV2({ replayed: 1_000_000, widened: { ...zero(), P0: 1 }, narrowed: zero(), impactedUsers: 1, semanticWidened: ['P0'] }).score).toBe(60);
  });
});
