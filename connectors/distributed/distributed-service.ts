/**
 * One instance in distributed mode (TRUST_MODE=distributed): the same routes, processors and
 * projections as the embedded mode, on PostgreSQL (the store of record) and Kafka (the bus).
 *
 *   appends      → the PostgreSQL store, group-committed per instance; any instance takes any request
 *   relay        → publishes every stored event once to its catalog topic (one relay per deployment, a lease)
 *   processors   → keyed ones as consumer groups on the catalog topics (effects, states and the
 *                  partition's position in one PostgreSQL transaction, partitions spread over the
 *                  instances); a processor with one global state under a lease, reading the store
 *   projections  → read models in PostgreSQL, shared by every instance; each projection is folded by
 *                  one instance at a time (a row lock on its checkpoint), any instance answers any read
 *   workers      → one lease each; the ZK prover on every instance, each batch claimed by one (zk_batch_claims)
 *   ingest       → the bridge that takes envelope-less records from third-party producers (a consumer group)
 *
 * Read-your-writes (`ctx.settled`) covers the projections, whichever instance folds them (it waits
 * for their lock, then folds what is left); events that processors derive follow when the
 * processor's owner commits them (usually within a few hundred ms).
 */
import { mkdirSync } from 'node:fs';
import { catalog } from '../../schemas/catalog';
import { codec } from '../../schemas/codec';
import { storeTarget } from '../../streams/bus/ingest-target';
import { KafkaRelay } from '../../streams/bus/relay';
import { kafkaClient } from '../../streams/log/kafka/client';
import { RegistryWire, decodeCatalogValue } from '../../streams/log/kafka/wire';
import { PgGroupRunner } from '../../streams/runtime/postgres/pg-group-runner';
import { KafkaIngestBridge } from '../../streams/runtime/kafka/ingest-bridge';
import { PreconditionError, TransientError } from '../../schemas/errors';
import { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { PgProcessorRunner } from '../../streams/runtime/postgres/pg-processor-runner';
import { byStream } from '../../streams/runtime/processor';
import { ProjectionRunner } from '../../projections/projection-runner';
import { PgReadModels } from '../../projections/store/postgres-store';
import type { Config } from '../config';
import type { ServiceContext } from '../http/context';
import { makeIngest } from '../ingest';
import { BackgroundStart } from './background-start';
import { deploymentWorker } from './leased-worker';
import { allProcessors, allProjections, allWorkers } from '../registry';
import { lifecycle, type Service, type ServiceOptions } from '../service';

export interface DistributedOptions extends ServiceOptions {
  /** Never write: no relay, no processors (an auditor next to a running deployment). */
  readOnly?: boolean;
}

export async function openDistributedService(config: Config, opts: DistributedOptions = {}): Promise<Service> {
  if (!config.databaseUrl) throw new PreconditionError('distributed mode needs DATABASE_URL');
  mkdirSync(config.dataDir, { recursive: true });
  const log = await PgEventLog.open({ connectionString: config.databaseUrl, readOnly: opts.readOnly });
  const readModels = PgReadModels.open({ connectionString: config.databaseUrl });
  const kafka = config.kafkaBrokers.length ? kafkaClient({ brokers: config.kafkaBrokers, clientId: `${config.kafkaPrefix}.processors`, logLevel: config.kafkaLogLevel }) : undefined;
  const wire = config.schemaRegistryUrl ? new RegistryWire(config.schemaRegistryUrl, catalog(), log.codec) : undefined;
  const decode = async (type: string, schemaVersion: number, value: Buffer) => (await decodeCatalogValue(wire, log.codec, type, schemaVersion, value)).payload;
  // State per stream (the topics' partition key): a consumer group over the catalog topics, spread
  // over the instances. Any other keying (the ZK planner's one state): one owner reading the store in order.
  const processors = opts.readOnly
    ? []
    : (opts.processors ?? allProcessors()).map((d) =>
        d.keyOf === byStream && kafka ? new PgGroupRunner(log, d, { kafka, prefix: config.kafkaPrefix, decode }) : new PgProcessorRunner(log, d),
      );
  // An auditor next to a running deployment reads the shared read models and never folds them.
  const projections = opts.readOnly ? [] : (opts.projections ?? allProjections()).map((d) => new ProjectionRunner(readModels, log, d));
  const relay = opts.readOnly || config.kafkaBrokers.length === 0
    ? undefined
    : new KafkaRelay(log, catalog(), { brokers: config.kafkaBrokers, registryUrl: config.schemaRegistryUrl, prefix: config.kafkaPrefix, logLevel: config.kafkaLogLevel });

  // Records partners publish straight onto the producer-writable topics: every instance is in the bridge's group.
  const bridge = relay ? new KafkaIngestBridge(storeTarget(log, catalog(), { brokers: config.kafkaBrokers, registryUrl: config.schemaRegistryUrl, prefix: config.kafkaPrefix, logLevel: config.kafkaLogLevel })) : undefined;

  let bus: BackgroundStart | undefined;
  const groupRunners = processors.filter((p): p is PgGroupRunner<unknown> => p instanceof PgGroupRunner);

  // The head as last seen: appends and notifications of every instance move it.
  let head = await log.head();
  const headSub = log.changes$.subscribe((h) => (head = Math.max(head, h)));
  // Wake this instance's followers (projections, leased processors, the relay) on every instance's appends.
  const unwatch = log.watch();
  const headSync = () => head;
  const settled = async (position: number, timeoutMs = 10000) => {
    head = Math.max(head, position);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TransientError(`the read models did not reach position ${position} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all(projections.map((p) => p.settle(position))), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  const ctx: ServiceContext = { log, ingest: makeIngest(log, codec()), readModels, settled, dataDir: config.dataDir };
  // Background workers run once per deployment, each under its lease; the ZK prover on every instance, claiming batch by batch.
  const workers = opts.readOnly ? [] : (opts.workers ?? allWorkers()).map((w) => deploymentWorker(log, w(ctx), { claimLeaseMs: config.zkClaimLeaseMs }));

  return {
    config,
    log,
    headSync,
    readModels,
    processors: [...processors, ...(relay ? [relay] : []), ...(bridge ? [bridge] : []), { name: 'kafka', get lastError() { return bus?.lastError; } }],
    projections,
    ctx,
    ...lifecycle(
      workers,
      async () => {
        // Tables exist before the first request reads them (created once, whichever instance comes first).
        await Promise.all(projections.map((p) => p.prepare()));
        // Every instance's appends wake every instance's projections; only one folds each (the others
        // skip its locked checkpoint), so wake-ups are coalesced over 100 ms rather than 2: under load
        // the skipped transactions cost more than the latency saved. Read-your-writes does not wait
        // for this loop (settled folds what it needs).
        for (const p of projections) p.start(log.changes$, { coalesceMs: 100 });
        for (const p of processors) if (p instanceof PgProcessorRunner) p.start();
        bus = new BackgroundStart('kafka', [
          async () => relay?.connect(), // creates the catalog topics the consumer groups subscribe to
          async () => void (await Promise.all(groupRunners.map((p) => p.start()))),
          async () => bridge?.start(),
        ]);
      },
      async () => {
        await bus?.cancel();
        await bridge?.stop();
        await relay?.stop();
        await Promise.all(processors.map((p) => p.stop()));
        await Promise.all(projections.map((p) => p.stop()));
        unwatch();
        headSub.unsubscribe();
        await readModels.close();
        await log.close();
      },
    ),
  };
}
