/**
 * The benches' closing JSON lines are contracts (scripts read their keys), and benches are not run
 * by CI otherwise, so they can rot unseen. Each bench runs here at a small size and its last line
 * must carry the keys its issue names. Nothing is asserted about speed: figures are the benches' job.
 */
import { expectBenchLine, type BenchRun } from './run-bench';

const BENCH_CONTRACTS: Record<string, BenchRun> = {
  'bench-log': {
    script: 'bench/log/bench-log.ts',
    env: { BENCH_N: '3000', BENCH_SINGLE: '200', BENCH_RUNS: '1' },
    keys: ['ratios.append_batched_vs_raw', 'ratios.append_single_vs_raw', 'figures.replay_events_per_s'],
  },
  'bench-pcq': { script: 'bench/pcq/run.ts', args: ['--fixtures', '40'], keys: ['figures.wall_s', 'figures.events_per_s'] },
  // issue 16: the console's pages in Chromium (needs the built console: make console)
  'bench-console': { script: 'bench/console/render.ts', args: ['--fixtures', '40', '--runs', '1'], keys: ['figures.render_ms_max', 'figures.render_ms_pcq', 'figures.render_ms_studio_policy', 'targets.render_ms_max'] },
  'bench-lac': {
    script: 'bench/lac/run.ts',
    args: ['--quick'],
    keys: ['figures.compiled_p99_us', 'figures.interpreted_p99_us', 'figures.decide_api_rps', 'figures.preview_1m_s', 'figures.semantic_diff_ms_p99', 'targets.semantic_diff_ms_p99'],
  },
  'bench-zk': {
    script: 'bench/zk/bench-zk.ts',
    env: { BENCH_ZK_RATES: '2', BENCH_ZK_STEP_JOBS: '4', BENCH_ZK_STEP_SECONDS: '1', BENCH_ZK_RAW_N: '1', BENCH_ZK_DISTINCT: '2', BENCH_ZK_SCALE_JOBS: '2', BENCH_ZK_SCALE_ROUNDS: '1' },
    keys: [
      'ratios.planner_vs_fifo_throughput',
      'ratios.pipeline_vs_raw_snarkjs',
      'figures.error_rate',
      'figures.fairness_planner',
      'figures.fairness_fifo',
      // issue 15: the native prover
      'figures.native_prove_ms_p50',
      'figures.snarkjs_prove_ms_p50',
      'ratios.native_vs_snarkjs_prove',
      'figures.jobs_per_s_at_p95_900ms',
      'ratios.two_vs_one_prover_process',
    ],
  },
};

describe.each(Object.entries(BENCH_CONTRACTS))('%s', (name, run) => {
  test(`runs at a small size and its JSON line carries ${run.keys.join(', ')}`, () => expectBenchLine(name, run), 600_000);
});
