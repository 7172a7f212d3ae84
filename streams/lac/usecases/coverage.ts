/**
 * Coverage of the use-case catalog by the bundle catalog: a use case is covered when it names at least
 * one bundle, every bundle it names exists, and it has no gap. `trust lac coverage` prints this.
 */
import { BUNDLE_BY_NAME } from '../bundles/catalog';
import { USE_CASES, type UseCase } from './catalog';

export const COVERAGE_TARGET = 0.8;

export interface CoverageReport {
  total: number;
  covered: number;
  share: number;
  target: number;
  meetsTarget: boolean;
  byTier: Record<'1' | '2', { total: number; covered: number }>;
  uncovered: { id: string; title: string; why: string[] }[];
  bundleUse: Record<string, number>;
}

export function coverage(useCases: readonly UseCase[] = USE_CASES): CoverageReport {
  const byTier = { '1': { total: 0, covered: 0 }, '2': { total: 0, covered: 0 } };
  const uncovered: CoverageReport['uncovered'] = [];
  const bundleUse: Record<string, number> = Object.fromEntries([...BUNDLE_BY_NAME.keys()].map((b) => [b, 0]));
  let covered = 0;
  for (const u of useCases) {
    const why = [...u.gaps];
    if (u.bundles.length === 0) why.push('no bundle serves it');
    for (const b of u.bundles) {
      if (!BUNDLE_BY_NAME.has(b)) why.push(`unknown bundle ${b}`);
      else bundleUse[b]++;
    }
    const tier = String(u.tier) as '1' | '2';
    byTier[tier].total++;
    if (why.length === 0) {
      covered++;
      byTier[tier].covered++;
    } else uncovered.push({ id: u.id, title: u.title, why });
  }
  const share = useCases.length ? covered / useCases.length : 0;
  return { total: useCases.length, covered, share, target: COVERAGE_TARGET, meetsTarget: share >= COVERAGE_TARGET, byTier, uncovered, bundleUse };
}

export function formatCoverage(r: CoverageReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `use-case coverage: ${r.covered}/${r.total} = ${pct(r.share)} (target ${pct(r.target)}: ${r.meetsTarget ? 'met' : 'NOT met'})`,
    `  tier 1: ${r.byTier['1'].covered}/${r.byTier['1'].total}   tier 2: ${r.byTier['2'].covered}/${r.byTier['2'].total}`,
    'not covered:',
    ...r.uncovered.map((u) => `  ${u.id} ${u.title} — ${u.why.join('; ')}`),
    'bundles by use cases served:',
    ...Object.entries(r.bundleUse).map(([b, n]) => `  ${b.padEnd(32)} ${n}`),
  ];
  return lines.join('\n');
}
