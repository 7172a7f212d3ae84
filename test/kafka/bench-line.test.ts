/** bench-kafka at a small size against the test broker: its JSON line keeps the keys the Kafka issue names. */
import { expectBenchLine } from '../bench/run-bench';
import { describeWithRegistry } from './env';

describeWithRegistry('bench-kafka', () => {
  test('runs at a small size and its JSON line carries ratios.produce_vs_raw_kafkajs and figures.process_events_per_s', () => {
    expectBenchLine('bench-kafka', {
      script: 'bench/kafka/bench-kafka.ts',
      env: { BENCH_N: '2000', BENCH_BATCH: '200', BENCH_RUNS: '1' },
      keys: ['ratios.produce_vs_raw_kafkajs', 'figures.process_events_per_s'],
    });
  }, 300_000);
});
