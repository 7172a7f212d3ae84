/**
 * One instance in distributed mode (TRUST_LOG=kafka): the same routes, processors and projections
 * as the embedded mode, on the Kafka adapter.
 *
 *   appends      → the Kafka log's single writer (journal + catalog topics, one transaction)
 *   processors   → consumer groups with exactly-once effects (streams/runtime/kafka), so instances
 *                  sharing KAFKA_BROKERS split the partitions between them
 *   projections  → local SQLite read models folded from the journal mirror, as in embedded mode
 *   ingest       → the bridge that takes envelope-less records from third-party producers
 *
 * Read-your-writes (`ctx.settled`) covers the projections; events that processors derive follow
 * when their consumer group commits (a few hundred milliseconds), as on any Kafka consumer.
 */
import { mkdirSync } from 'node:fs';
import { codec } from '../../schemas/codec';
import { openKafkaLogFromEnv } from '../../streams/log/kafka/from-env';
import { KafkaProcessorRunner } from '../../streams/runtime/kafka/kafka-processor-runner';
import { KafkaIngestBridge } from '../../streams/runtime/kafka/ingest-bridge';
import { ProjectionRunner } from '../../projections/projection-runner';
import type { Config } from '../config';
import type { ServiceContext } from '../http/context';
import { makeIngest } from '../ingest';
import { allProcessors, allProjections, allWorkers } from '../registry';
import { lifecycle, openReadModels, readModelsPath, settleLoops, type Service, type ServiceOptions } from '../service';

export async function openKafkaService(config: Config, opts: ServiceOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<Service> {
  mkdirSync(config.dataDir, { recursive: true });
  const log = await openKafkaLogFromEnv(env);
  const readModels = openReadModels(readModelsPath(config.dataDir), config.sqliteSync);
  const processors = (opts.processors ?? allProcessors()).map((d) => new KafkaProcessorRunner(log, d));
  const projections = (opts.projections ?? allProjections()).map((d) => new ProjectionRunner(readModels, log.mirror, d));
  const bridge = env.TRUST_KAFKA_READ_ONLY === '1' ? undefined : new KafkaIngestBridge(log);
  const headSync = () => log.mirror.headSync();
  const settled = (position: number, timeoutMs?: number) => settleLoops(projections, headSync, position, timeoutMs);
  const ctx: ServiceContext = { log, ingest: makeIngest(log, codec()), readModels, settled, dataDir: config.dataDir };
  const workers = (opts.workers ?? allWorkers()).map((w) => w(ctx));

  return {
    config,
    log,
    headSync,
    readModels,
    processors,
    projections,
    ctx,
    ...lifecycle(
      workers,
      async () => {
        for (const p of projections) p.start(log.mirror.changes$);
        await Promise.all(processors.map((p) => p.start()));
        await bridge?.start();
      },
      async () => {
        await bridge?.stop();
        await Promise.all(processors.map((p) => p.stop()));
        await Promise.all(projections.map((p) => p.stop()));
        readModels.close();
        await log.close();
      },
    ),
  };
}
