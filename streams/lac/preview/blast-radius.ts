/**
 * Blast radius: replay recorded decisions (grouped by distinct request, with counts) under the
 * candidate and the active version and sum up what changes: allow→deny and deny→allow, the
 * datasets, groups and users hit, the cost delta and risk score v2. Pure: the caller streams the
 * history in from the read model.
 */
import type { DecisionEngine } from '../engine/engine';
import type { AccessRequest, Level } from '../model/types';
import type { BlastRadiusPayload, ChangedDecision, ImpactCount } from '../events/types';
import { requestCost, type CostModel } from './cost';
import { riskScoreV2, type RiskResult } from './risk';

export interface HistoryGroup {
  request: AccessRequest;
  count: number;
  /** How many of them were allowed when recorded (the baseline when no version is active). */
  allowed: number;
}

/** What the replay sums up: the BlastRadiusComputed payload's figures (the schema is the source), and the risk as a whole RiskResult (score, level, factors) rather than its flattened fields. */
export type BlastRadius = Pick<
  BlastRadiusPayload,
  | 'decisionsReplayed' | 'distinctRequests' | 'allowToDeny' | 'denyToAllow' | 'widenedSensitive'
  | 'impactedDatasets' | 'impactedGroups' | 'impactedUsers' | 'impactedDatasetCount' | 'impactedGroupCount' | 'impactedUserCount'
  | 'currency' | 'costActive' | 'costCandidate' | 'costDelta' | 'samples'
> & { risk: RiskResult };

export const LIST_CAP = 50;
export const SAMPLE_CAP = 20;

class Tally {
  private readonly m = new Map<string, ImpactCount>();
  add(name: string, narrowing: boolean, n: number) {
    let c = this.m.get(name);
    if (!c) this.m.set(name, (c = { name, allowToDeny: 0, denyToAllow: 0 }));
    if (narrowing) c.allowToDeny += n;
    else c.denyToAllow += n;
  }
  get size() {
    return this.m.size;
  }
  top(cap = LIST_CAP): ImpactCount[] {
    return [...this.m.values()].sort((a, b) => b.allowToDeny + b.denyToAllow - (a.allowToDeny + a.denyToAllow) || (a.name < b.name ? -1 : 1)).slice(0, cap);
  }
}

/**
 * `active` null: no version is active yet, so the recorded outcome is the baseline.
 */
export function computeBlastRadius(history: Iterable<HistoryGroup>, candidate: DecisionEngine, active: DecisionEngine | null, cost: CostModel, semantic?: { widenedClassifications: readonly string[]; complete: boolean } | null): BlastRadius {
  const zero = (): Record<Level, number> => ({ P0: 0, P1: 0, P2: 0, P3: 0 });
  const widened = zero();
  const narrowed = zero();
  const datasets = new Tally();
  const groups = new Tally();
  const users = new Tally();
  let replayed = 0;
  let distinct = 0;
  let costActive = 0;
  let costCandidate = 0;
  const changedGroups: { g: HistoryGroup; narrowing: boolean; allowedBefore: number }[] = [];

  for (const g of history) {
    distinct++;
    replayed += g.count;
    const after = candidate.allows(g.request);
    const allowedBefore = active ? (active.allows(g.request) ? g.count : 0) : g.allowed;
    const allowedAfter = after ? g.count : 0;
    const unit = requestCost(cost, g.request);
    costActive += allowedBefore * unit;
    costCandidate += allowedAfter * unit;
    if (allowedBefore === allowedAfter) continue;
    const narrowing = allowedAfter < allowedBefore;
    const n = Math.abs(allowedAfter - allowedBefore);
    (narrowing ? narrowed : widened)[g.request.resource.classification] += n;
    datasets.add(g.request.resource.dataset, narrowing, n);
    users.add(g.request.subject.id, narrowing, n);
    for (const grp of g.request.subject.groups) groups.add(grp, narrowing, n);
    changedGroups.push({ g, narrowing, allowedBefore });
  }

  const risk = riskScoreV2({ replayed, widened, narrowed, impactedUsers: users.size, semanticWidened: (semantic?.widenedClassifications ?? []) as Level[], semanticIncomplete: semantic ? !semantic.complete : false });
  const sum = (r: Record<Level, number>) => r.P0 + r.P1 + r.P2 + r.P3;
  // Samples: the biggest changes first, with the reason codes of whichever side denies.
  const samples = changedGroups
    .sort((a, b) => Math.abs(b.g.count) - Math.abs(a.g.count))
    .slice(0, SAMPLE_CAP)
    .map(({ g, narrowing }): ChangedDecision => {
      const denier = narrowing ? candidate : active;
      const codes = denier ? denier.decide(g.request).reasons.map((r) => r.code) : [];
      return {
        subjectId: g.request.subject.id,
        dataset: g.request.resource.dataset,
        action: g.request.action,
        classification: g.request.resource.classification,
        from: narrowing ? 'allow' : 'deny',
        to: narrowing ? 'deny' : 'allow',
        count: g.count,
        codes,
      };
    });
  const money = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    decisionsReplayed: replayed,
    distinctRequests: distinct,
    allowToDeny: sum(narrowed),
    denyToAllow: sum(widened),
    widenedSensitive: widened.P0 + widened.P1,
    impactedDatasets: datasets.top(),
    impactedGroups: groups.top(),
    impactedUsers: users.top(),
    impactedDatasetCount: datasets.size,
    impactedGroupCount: groups.size,
    impactedUserCount: users.size,
    currency: cost.currency,
    costActive: money(costActive),
    costCandidate: money(costCandidate),
    costDelta: money(costCandidate - costActive),
    risk,
    samples,
  };
}
