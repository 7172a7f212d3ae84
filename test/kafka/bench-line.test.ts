/**
 * bench-kafka at a small size against the test broker: its JSON line keeps the keys the Kafka issue
 * names, and those of the kafkajs vs @confluentinc/kafka-javascript comparison (issue 14).
 */
import { expectBenchLine } from '../bench/run-bench';
import { describeWithRegistry } from './env';

describeWithRegistry('bench-kafka', () => {
  test('runs at a small size and its JSON line carries ratios.produce_vs_raw_kafkajs, figures.process_events_per_s and the client comparison keys', () => {
    expectBenchLine('bench-kafka', {
      script: 'bench/kafka/bench-kafka.ts',
      env: { BENCH_N: '2000', BENCH_BATCH: '200', BENCH_RUNS: '1' },
      keys: [
        'ratios.produce_vs_raw_kafkajs',
        'figures.process_events_per_s',
        'figures.relay_produce_kafkajs_per_s',
        'figures.relay_produce_confluent_per_s',
        'ratios.confluent_vs_kafkajs_produce',
        'ratios.confluent_vs_kafkajs_consume',
      ],
    });
  }, 300_000);
});
