/**
 * A labeled corpus of anomalies, generated the way CI produces them: a fixture manifest, a
 * reference replay and a subject replay, both with within-tolerance jitter, then one true cause
 * applied to the subject (or, sometimes, to the reference). Confounders on purpose: irrelevant
 * (unpinned) library bumps, several runtimes, broken metrics next to an input drift, retries that
 * ran with corrected inputs, two input drifts at once, and flakes that look like real moves.
 * Every example goes through the production comparison and feature code, so the model learns from
 * exactly what it will see.
 */
import { mulberry32 } from '../../seeded-random';
import { compareMetrics, inputDiffs, type Metrics } from '../compare';
import { allowedDelta, resolveTolerance } from '../tolerance';
import { LABELS, type CheckKind, type FixtureRegistered, type Runtime, type RunRef, type TriageLabel } from '../events/types';
import { featuresOf, type Features } from './features';

export interface CorpusExample {
  id: string;
  label: TriageLabel;
  kind: CheckKind;
  features: Features;
  /** What the generator did, for reading mistakes. */
  story: string;
}

const PINNED_POOL = ['numpy', 'torch', 'scipy', 'pandas', 'scikit-learn', 'cudnn', 'jax', 'arrow'];
const UNPINNED_POOL = ['requests', 'tqdm', 'pyyaml', 'rich', 'urllib3', 'click'];
const METRIC_POOL: [string, (r: () => number) => number][] = [
  ['accuracy', (r) => 0.7 + 0.28 * r()],
  ['auc', (r) => 0.75 + 0.24 * r()],
  ['loss', (r) => 0.1 + 0.7 * r()],
  ['rmse', (r) => 0.5 + 5 * r()],
  ['bias', (r) => (r() - 0.5) * 1e-3],
  ['rows', (r) => Math.floor(1e4 + 1e6 * r())],
  ['f1', (r) => 0.6 + 0.35 * r()],
  ['recall', (r) => 0.6 + 0.35 * r()],
  ['mean_revenue', (r) => 100 + 900 * r()],
];
const RUNTIMES: Runtime[] = [
  { device: 'cpu', os: 'linux' },
  { device: 'gpu', os: 'linux' },
  { device: 'cpu', os: 'macos' },
  { device: 'gpu', os: 'macos' },
];
/** Share of each true cause in the corpus (roughly what a busy release sees). */
const MIX: [TriageLabel, number][] = [
  ['seed_drift', 0.15],
  ['lib_pin_drift', 0.2],
  ['data_skew', 0.12],
  ['nondeterministic_reduction', 0.2],
  ['infra_flake', 0.13],
  ['regression', 0.2],
];

export const rng = mulberry32;

interface Pair {
  manifest: FixtureRegistered;
  kind: CheckKind;
  subject: RunRef & { metrics: Metrics };
  reference: RunRef & { metrics: Metrics };
  retryReproduced: boolean;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const bumpVersion = (v: string, r: () => number) => {
  const [a, b, c] = v.split('.').map(Number);
  return r() < 0.6 ? `${a}.${b}.${c + 1}` : `${a}.${b + 1}.0`;
};

function basePair(r: () => number, i: number, kind: CheckKind): Pair {
  const libs: Record<string, string> = {};
  for (const lib of PINNED_POOL) if (r() < 0.5 || Object.keys(libs).length < 2) libs[lib] = `${1 + Math.floor(r() * 3)}.${Math.floor(r() * 20)}.${Math.floor(r() * 5)}`;
  const metricDefs = METRIC_POOL.filter(() => r() < 0.55);
  if (metricDefs.length < 2) metricDefs.push(METRIC_POOL[0], METRIC_POOL[2]);
  const manifest: FixtureRegistered = {
    fixtureId: `fx-${i}`,
    seed: String(Math.floor(r() * 1e6)),
    libs,
    dataChecksum: `sha256:${Math.floor(r() * 1e12).toString(16)}`,
    baselineRuntime: RUNTIMES[0],
    tolerances: r() < 0.1 ? { [metricDefs[0][0]]: { rel: 0.01, abs: null } } : {},
  };
  const truth: Metrics = Object.fromEntries(metricDefs.map(([n, gen]) => [n, gen(r)]));
  // Within-tolerance jitter on both runs: the noise every real replay has.
  const jitter = (m: Metrics): Metrics =>
    Object.fromEntries(
      Object.entries(m).map(([n, v]) => {
        if (n === 'rows' || v === null) return [n, v];
        const tol = resolveTolerance(n, manifest.fixtureId, manifest.tolerances);
        return [n, v + (r() - 0.5) * 0.6 * allowedDelta(v, tol)];
      }),
    );
  const unpinned: Record<string, string> = r() < 0.5 ? { [pick(r, UNPINNED_POOL)]: `2.${Math.floor(r() * 30)}.0` } : {};
  const refRuntime = RUNTIMES[0];
  const subRuntime = kind === 'cross_runtime' ? pick(r, RUNTIMES.slice(1)) : r() < 0.6 ? refRuntime : pick(r, RUNTIMES.slice(1));
  const run = (runId: string, release: string, runtime: Runtime) => ({
    runId,
    release,
    runtime,
    seed: manifest.seed,
    libs: { ...libs, ...unpinned },
    dataChecksum: manifest.dataChecksum,
    metrics: jitter(truth),
  });
  const release = `1.${5 + Math.floor(r() * 3)}.0`;
  const prev = release.replace(/^1\.(\d+)/, (_, m) => `1.${Number(m) - 1}`);
  const reference = kind === 'cross_runtime' ? run(`r-${i}-ref`, release, refRuntime) : run(`r-${i}-ref`, prev, subRuntime);
  const subject = run(`r-${i}-sub`, release, subRuntime);
  // Irrelevant bump: a library the manifest does not pin moved between the two runs.
  if (r() < 0.35) subject.libs = { ...subject.libs, [pick(r, UNPINNED_POOL)]: `3.${Math.floor(r() * 30)}.1` };
  return { manifest, kind, subject, reference, retryReproduced: false };
}

/** Move `count` float metrics (or all) by a relative amount drawn by `size`, optionally in one direction. */
function moveMetrics(r: () => number, m: Metrics, count: number, size: () => number, opts: { rows?: boolean; sameSign?: boolean } = {}) {
  const names = Object.keys(m).filter((n) => (opts.rows ? true : n !== 'rows'));
  const sign = r() < 0.5 ? -1 : 1;
  for (const n of names.sort(() => r() - 0.5).slice(0, Math.max(1, count))) {
    const v = m[n];
    if (v === null) continue;
    const s = opts.sameSign ? sign : r() < 0.5 ? -1 : 1;
    if (n === 'rows') m[n] = Math.max(0, Math.round(v * (1 + s * (0.001 + 0.05 * r()))));
    else if (n === 'bias') m[n] = v + s * (0.002 + 0.01 * r());
    else m[n] = v * (1 + s * size());
  }
}

function applyCause(r: () => number, p: Pair, label: TriageLabel): string {
  const target = p.kind === 'cross_runtime' && r() < 0.15 ? p.reference : p.subject;
  const n = Object.keys(p.subject.metrics).length;
  switch (label) {
    case 'seed_drift':
      target.seed = String(Number(p.manifest.seed) + 1 + Math.floor(r() * 1000));
      moveMetrics(r, target.metrics, Math.ceil(n * (0.4 + 0.6 * r())), () => 0.004 + 0.05 * r(), { rows: r() < 0.2 });
      return `seed ${p.manifest.seed} → ${target.seed} on ${target.runId}`;
    case 'lib_pin_drift': {
      const lib = pick(r, Object.keys(p.manifest.libs));
      target.libs = { ...target.libs, [lib]: bumpVersion(p.manifest.libs[lib], r) };
      moveMetrics(r, target.metrics, 1 + Math.floor(r() * 3), () => 0.006 + 0.1 * r() ** 2);
      return `${lib} ${p.manifest.libs[lib]} → ${target.libs[lib]}`;
    }
    case 'data_skew':
      target.dataChecksum = `sha256:${Math.floor(r() * 1e12).toString(16)}`;
      moveMetrics(r, target.metrics, Math.ceil(n * (0.5 + 0.5 * r())), () => 0.005 + 0.1 * r(), { rows: r() < 0.8 });
      return 'data checksum changed';
    case 'nondeterministic_reduction':
      // Float reductions in another order: small moves, a few times the window, never counts.
      moveMetrics(r, p.subject.metrics, 1 + Math.floor(r() * 2), () => 0.006 + 0.015 * r());
      return `reduction order on ${p.subject.runtime.device}/${p.subject.runtime.os}`;
    case 'regression':
      moveMetrics(r, p.subject.metrics, 1 + Math.floor(r() * 3), () => 0.006 + 0.25 * r() ** 2, { sameSign: true });
      return `release ${p.subject.release} changed results`;
    case 'infra_flake': {
      const mode = r();
      if (mode < 0.55) {
        const victim = pick(r, Object.keys(p.subject.metrics));
        if (r() < 0.5) p.subject.metrics[victim] = r() < 0.5 ? null : NaN;
        else delete p.subject.metrics[victim];
        return `broken metric ${victim}`;
      }
      moveMetrics(r, p.subject.metrics, 1 + Math.floor(r() * n), () => 0.01 + 0.5 * r(), { rows: r() < 0.3 });
      if (mode < 0.88) {
        p.retryReproduced = true;
        return 'garbage result, a retry reproduced the baseline';
      }
      return 'garbage result, no retry yet';
    }
  }
}

function choose(r: () => number): TriageLabel {
  let x = r();
  for (const [label, share] of MIX) if ((x -= share) < 0) return label;
  return 'regression';
}

const INPUT_PRECEDENCE: TriageLabel[] = ['data_skew', 'seed_drift', 'lib_pin_drift'];

export function generateCorpus(size: number, seed = 42): CorpusExample[] {
  const r = rng(seed);
  const out: CorpusExample[] = [];
  let i = 0;
  while (out.length < size) {
    i++;
    let label = choose(r);
    const inputCause = INPUT_PRECEDENCE.includes(label);
    const kind: CheckKind =
      label === 'nondeterministic_reduction' ? 'cross_runtime' : label === 'regression' ? 'cross_release' : r() < 0.5 ? 'cross_runtime' : 'cross_release';
    const p = basePair(r, i, kind);
    const stories = [applyCause(r, p, label)];
    if (inputCause) {
      // Confounders next to a real input drift: a second drift, a broken metric, a retry with fixed inputs.
      if (r() < 0.06) {
        const second = pick(r, INPUT_PRECEDENCE.filter((l) => l !== label));
        stories.push(applyCause(r, p, second));
        label = INPUT_PRECEDENCE.find((l) => l === label || l === second)!;
      }
      if (r() < 0.05) {
        const victim = pick(r, Object.keys(p.subject.metrics));
        p.subject.metrics[victim] = NaN;
        stories.push(`also broken ${victim}`);
      }
      if (r() < 0.06) {
        p.retryReproduced = true;
        stories.push('retry with corrected inputs reproduced');
      }
    }
    const deltas = compareMetrics(p.subject.metrics, p.reference.metrics, p.manifest);
    if (deltas.every((d) => d.within)) continue; // not an anomaly: CI would not report it
    const diffs = inputDiffs(p.subject, p.reference, p.manifest);
    out.push({ id: `c-${i}`, label, kind, features: featuresOf({ kind, deltas, inputDiffs: diffs, retryReproduced: p.retryReproduced }), story: stories.join('; ') });
  }
  return out;
}

/** Deterministic split: every fifth example (after a seeded shuffle) is held out for validation. */
export function split<T>(xs: readonly T[], seed = 7, holdout = 0.2): { train: T[]; validation: T[] } {
  const r = rng(seed);
  const shuffled = xs.map((x) => [r(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
  const cut = Math.round(shuffled.length * (1 - holdout));
  return { train: shuffled.slice(0, cut), validation: shuffled.slice(cut) };
}

export const labelIndex = (l: string) => LABELS.indexOf(l as TriageLabel);
