/**
 * bench-kafka at a small size against the test broker, registry and PostgreSQL: its JSON line keeps
 * the keys the Kafka issue names (the relay against the same records sent raw by the same client,
 * processing throughput) and those of the kafkajs vs @confluentinc/kafka-javascript comparison.
 */
import { expectBenchLine } from '../bench/run-bench';
import { describeDistributed } from '../distributed/env';

describeDistributed('bench-kafka', () => {
  test('runs at a small size and its JSON line carries ratios.relay_vs_raw_same_records, figures.process_events_per_s and the client comparison keys', () => {
    expectBenchLine('bench-kafka', {
      script: 'bench/kafka/bench-kafka.ts',
      env: { BENCH_N: '2000', BENCH_RELAY_BATCH: '500', BENCH_RUNS: '1' },
      keys: [
        'ratios.relay_vs_raw_same_records',
        'figures.relay_events_per_s',
        'figures.process_events_per_s',
        'figures.relay_produce_kafkajs_per_s',
        'figures.relay_produce_confluent_per_s',
        'ratios.confluent_vs_kafkajs_produce',
        'ratios.confluent_vs_kafkajs_consume',
      ],
    });
  }, 300_000);
});
