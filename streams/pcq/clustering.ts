/**
 * Clusters: the anomalies of one release that share a label and the same differing inputs (the
 * same library bump, the same runtime pair) are one cluster, so a person triages one row, not 200.
 * The signature keeps what differs (field and both values) and drops what does not explain a cause
 * (unpinned libraries, the release pair of a cross-release check is implied by the release).
 */
import type { InputDiff } from './events/types';

export interface ClusterableAnomaly {
  anomalyId: string;
  fixtureId: string;
  release: string;
  label: string;
  inputDiffs: InputDiff[];
  runtimes: string[];
}

export interface Cluster {
  clusterId: string;
  release: string;
  label: string;
  /** The shared differing inputs, e.g. ["libs.numpy: 1.26.4 → 2.0.0"]. */
  inputs: string[];
  count: number;
  fixtures: number;
  examples: { anomalyId: string; fixtureId: string; runtimes: string[] }[];
}

export function signatureOf(diffs: InputDiff[]): string[] {
  return diffs
    .filter((d) => d.pinned || d.field === 'runtime' || d.field === 'release')
    .map((d) => `${d.field}: ${d.reference ?? '∅'} → ${d.subject ?? '∅'}`)
    .sort();
}

export function clusterAnomalies(anomalies: readonly ClusterableAnomaly[], maxExamples = 5): Cluster[] {
  const groups = new Map<string, { release: string; label: string; inputs: string[]; members: ClusterableAnomaly[] }>();
  for (const a of anomalies) {
    const inputs = signatureOf(a.inputDiffs);
    const key = JSON.stringify([a.release, a.label, inputs]);
    const g = groups.get(key) ?? { release: a.release, label: a.label, inputs, members: [] };
    g.members.push(a);
    groups.set(key, g);
  }
  return [...groups.entries()]
    .map(([key, g]) => ({
      clusterId: `cl-${hash(key)}`,
      release: g.release,
      label: g.label,
      inputs: g.inputs,
      count: g.members.length,
      fixtures: new Set(g.members.map((m) => m.fixtureId)).size,
      examples: g.members.slice(0, maxExamples).map((m) => ({ anomalyId: m.anomalyId, fixtureId: m.fixtureId, runtimes: m.runtimes })),
    }))
    .sort((a, b) => b.count - a.count || a.clusterId.localeCompare(b.clusterId));
}

/** FNV-1a, enough for a stable short id. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
