/**
 * One distributed-mode instance for bench-zk-instances (bench/zk/bench-zk-instances.ts), run as its own
 * process: the registry's processors and projections on the PostgreSQL store (no Kafka: the bench
 * measures proving), the ZK planner with its capacity set to the deployment's prover slots
 * (BENCH_ZK_CAPACITY: instances × processes, so a second instance's provers get batches), and this
 * instance's prover (BENCH_ZK_INSTANCE_WORKERS native processes, one thread each) claiming batches in
 * PostgreSQL as `trust serve` does. Prints `ready`, then `warm` once its provers hold their keys;
 * SIGTERM stops it.
 */
import { loadConfig } from '../../connectors/config';
import { openDistributedService } from '../../connectors/distributed/distributed-service';
import { allProcessors, type WorkerModule } from '../../connectors/registry';
import { ZkProverService } from '../../streams/zk/exchange';
import { makePlanner } from '../../streams/zk/planner';
import { TenantSealer } from '../../streams/zk/sealing';

async function main() {
  const capacity = Number(process.env.BENCH_ZK_CAPACITY ?? 1);
  const workers = Number(process.env.BENCH_ZK_INSTANCE_WORKERS ?? 1);
  const config = { ...loadConfig({ ...process.env, TRUST_MODE: 'distributed', KAFKA_BROKERS: 'none:9' }), kafkaBrokers: [] as string[] };
  const holders = { check: Array.from({ length: workers }, (_, i) => i), batch4: Array.from({ length: workers }, (_, i) => i) };
  // batch4 off (batchMin 5): every job is one `check` proof, so the arms prove the same work
  const processors = allProcessors().map((d) => (d.name === 'zk-planner' ? makePlanner({ capacity, batchMin: 5, holders, ratePerSec: 1000, burst: 1000 }) : d));
  let prover: ZkProverService | undefined;
  const proverWorker: WorkerModule = (ctx) => ({
    name: 'zk.prover', // the name distributed mode runs on every instance, claiming batches
    async start() {
      prover = new ZkProverService(ctx.log, TenantSealer.fromDataDir(ctx.dataDir, process.env.TRUST_ZK_SECRET), { workers, retries: 2, prover: 'native', threads: 1, preload: ['check'] });
      await prover.start();
      void prover.warm.then(() => console.log('warm'));
    },
    async stop() {
      await prover?.close();
    },
  });
  const service = await openDistributedService(config, { processors, workers: [proverWorker] });
  await service.start();
  console.log('ready');
  process.on('SIGTERM', () => void service.close().then(() => process.exit(0), () => process.exit(1)));
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
