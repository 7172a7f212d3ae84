/**
 * bench-kafka's client comparison (issue 14), kept as the reference for the switch: kafkajs 2.2.4
 * (a devDependency of this bench only; the product no longer uses it) against
 * @confluentinc/kafka-javascript (librdkafka, through its KafkaJS-compatible API), on the same
 * broker, in one run, on the two paths distributed mode uses:
 *
 *   (a) the relay's produce path (streams/bus/relay.ts): the catalog-topic records of stored events,
 *       built by records.ts `catalogRecords` (key = stream, the registry's wire-format value, the
 *       `trust.envelope` header) in rounds of RELAY_BATCH (2000, the relay's default), each round
 *       awaited before the next, as the relay's loop does. Each client as the relay would use it:
 *       the confluent client with the relay's producer (streams/log/kafka/client.ts relayProducer:
 *       idempotent, acks = all, a round in one produce call); kafkajs as the relay used it before
 *       the switch (idempotent, one request in flight, `sendBatch` per chunk of at most 512 KiB,
 *       each awaited, acks = all). The records are built before the timed section: what is timed
 *       is the client and the broker.
 *   (b) a consumer group reading everything (a) produced back to the end, each run with a new group
 *       from the earliest offset, decoding each record's envelope header as the product's consumers
 *       do, no offset commits. The rate is taken from the first record to the last (the steady
 *       read); the time from `run` to the first record (group join, assignment, first fetch) is
 *       reported apart.
 *
 * Runs alternate which client goes first, after one untimed warm-up of each; medians.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin, type TopicMessages } from 'kafkajs';
import { codec as sharedCodec } from '../../schemas/codec';
import { storedEvents } from '../stored-events';
import type { NewEvent } from '../../schemas/envelope';
import { readEnvelope } from '../../streams/log/kafka/headers';
import { groupConsumer, kafkaClient, relayProducer, type Kafka as ConfluentKafka, type Message } from '../../streams/log/kafka/client';
import { catalogRecords, newDraft, type StoredEventDraft } from '../../streams/log/kafka/records';
import { RegistryWire } from '../../streams/log/kafka/wire';
import { median, round, seconds } from '../stats';

export type Client = 'kafkajs' | 'confluent';
/** The confluent consumer's largest eachBatch: its default is 32; -1 (no limit) hands over what it has fetched, as kafkajs hands over a whole fetch per partition, and the product's processors commit one transaction per batch. */
const CONFLUENT_MAX_BATCH = Number(process.env.BENCH_CONFLUENT_MAX_BATCH ?? -1);
const CLIENTS: readonly Client[] = ['kafkajs', 'confluent'];

export interface CompareOptions {
  brokers: string[];
  registryUrl: string | undefined;
  /** Unique per bench run: names topics and groups. */
  tag: string;
  /** The deployment stamped in every envelope header, as the relay stamps its prefix. */
  prefix: string;
  /** Events per produce run and client. */
  n: number;
  /** Events per relay round (the relay's batchSize, default 2000). */
  batch: number;
  runs: number;
  /** The events of one run (distinct ids and streams per call). */
  events: (run: string, n: number) => NewEvent[];
}

export interface CompareResult {
  produce: Record<Client, number[]>;
  consume: Record<Client, number[]>;
  joinMs: Record<Client, number[]>;
  /** Records each consume run read (everything produced in (a)). */
  consumed: number;
  conditions: Record<string, unknown>;
}

/** One relay round: the records of RELAY_BATCH events per topic. */
type Round = { topic: string; messages: Message[] }[];

/** kafkajs needs each request under the broker's 1 MB limit: the old relay's chunks of at most 512 KiB. */
function kafkajsChunks(round: Round): Round[] {
  const chunks: Round[] = [];
  let current: Round = [];
  let bytes = 0;
  for (const { topic, messages } of round) {
    for (const m of messages) {
      const size = (m.value as Buffer).length + String((m.headers ?? {})['trust.envelope'] ?? '').length + String(m.key ?? '').length + 64;
      if (bytes + size > 512 * 1024 && bytes > 0) (chunks.push(current), (current = []), (bytes = 0));
      const last = current[current.length - 1];
      if (last?.topic === topic) last.messages.push(m);
      else current.push({ topic, messages: [m] });
      bytes += size;
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

interface Side {
  send(rounds: Round[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs `f` again (up to `attempts` times, with a growing pause) when it throws an error kafkajs marks
 * retriable. kafkajs's `createTopics({ waitForLeaders: true })` can throw UNKNOWN_TOPIC_OR_PARTITION
 * while the broker's metadata catches up with a creation. In bench-kafka this happened when the
 * processor created its changelog topic right after the ceiling deleted its topics, in 3 of 5 runs
 * of the bench as it was before this comparison. Only for steps that are safe to repeat: creating
 * topics, or starting a runner that failed before it had a consumer.
 */
export async function retrying<T>(f: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= attempts || !(e as { retriable?: boolean }).retriable) throw e;
      await new Promise((r) => setTimeout(r, 500 * i));
    }
  }
}

function version(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function brokerVersion(): string {
  try {
    const pom = readFileSync('infra/kafka/pom.xml', 'utf8');
    return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export class ClientComparison {
  private readonly kafka: Kafka;
  private readonly confluent: ConfluentKafka;
  private admin: Admin | undefined;
  private wire: RegistryWire | undefined;
  /** Catalog topic → this comparison's copy of it (same partitions), so the product's topics stay clean. */
  private readonly topics = new Map<string, string>();
  /** The catalog topics the events went to (the consumers subscribe to their copies). */
  private readonly used = new Set<string>();
  private produced = 0;

  constructor(private readonly opts: CompareOptions) {
    this.kafka = new Kafka({ clientId: 'bench-compare-kafkajs', brokers: opts.brokers, logLevel: logLevel.NOTHING });
    this.confluent = kafkaClient({ brokers: opts.brokers, clientId: 'bench-compare-confluent', logLevel: 'nothing' });
  }

  async run(): Promise<CompareResult> {
    const { opts } = this;
    const c = sharedCodec();
    this.admin = this.kafka.admin();
    await this.admin.connect();
    for (const [topic] of c.cat.topics) this.topics.set(topic, `bench.relay.${opts.tag}.${topic}`);
    const admin = this.admin;
    await retrying(() =>
      admin.createTopics({
        topics: [...c.cat.topics].map(([topic, cfg]) => ({ topic: this.topics.get(topic)!, numPartitions: cfg.partitions })),
        waitForLeaders: true,
      }),
    );
    this.wire = opts.registryUrl ? new RegistryWire(opts.registryUrl, c.cat, c) : undefined;

    const sides: Record<Client, Side> = { kafkajs: await this.kafkajsSide(), confluent: await this.confluentSide() };
    const produce: Record<Client, number[]> = { kafkajs: [], confluent: [] };
    const warmUpN = Math.min(opts.n, 2 * opts.batch);
    for (let r = -1; r < opts.runs; r++) {
      const order = r % 2 === 0 ? CLIENTS.slice() : CLIENTS.slice().reverse();
      const rate: Record<Client, number> = { kafkajs: 0, confluent: 0 };
      for (const client of order) {
        const rounds = await this.prepare(opts.events(r < 0 ? `relay-${client}-warm` : `relay-${client}-${r}`, r < 0 ? warmUpN : opts.n));
        const n = rounds.reduce((s, round) => s + round.reduce((t, tm) => t + tm.messages.length, 0), 0);
        const t = process.hrtime.bigint();
        await sides[client].send(rounds);
        rate[client] = n / seconds(t);
        this.produced += n;
      }
      if (r < 0) continue;
      for (const client of CLIENTS) produce[client].push(rate[client]);
      console.log(
        `relay produce run ${r + 1}: kafkajs ${round(rate.kafkajs, 0)} records/s | confluent ${round(rate.confluent, 0)} records/s (ratio ${round(rate.confluent / rate.kafkajs)})`,
      );
    }
    for (const client of CLIENTS) await sides[client].close();

    const consume: Record<Client, number[]> = { kafkajs: [], confluent: [] };
    const joinMs: Record<Client, number[]> = { kafkajs: [], confluent: [] };
    for (let r = -1; r < opts.runs; r++) {
      const order = r % 2 === 0 ? CLIENTS.slice() : CLIENTS.slice().reverse();
      const got: Record<Client, { rate: number; joinMs: number }> = { kafkajs: { rate: 0, joinMs: 0 }, confluent: { rate: 0, joinMs: 0 } };
      for (const client of order) got[client] = await this.readToEnd(client, r < 0 ? 'warm' : String(r));
      if (r < 0) continue;
      for (const client of CLIENTS) (consume[client].push(got[client].rate), joinMs[client].push(got[client].joinMs));
      console.log(
        `consume run ${r + 1} (${this.produced} records): kafkajs ${round(got.kafkajs.rate, 0)} records/s (first record after ${round(got.kafkajs.joinMs, 0)} ms) | confluent ${round(got.confluent.rate, 0)} records/s (first record after ${round(got.confluent.joinMs, 0)} ms) (ratio ${round(got.confluent.rate / got.kafkajs.rate)})`,
      );
    }

    await this.admin.deleteTopics({ topics: [...this.topics.values()] }).catch(() => undefined);
    await this.admin.disconnect();
    const Native = require('@confluentinc/kafka-javascript') as { librdkafkaVersion: string };
    return {
      produce,
      consume,
      joinMs,
      consumed: this.produced,
      conditions: {
        broker: `Apache Kafka ${brokerVersion()} (as pinned in infra/kafka/pom.xml), one KRaft node`,
        kafkajs: version('kafkajs'),
        confluent: `${version('@confluentinc/kafka-javascript')} (librdkafka ${Native.librdkafkaVersion}, built here from its bundled source)`,
        relay_batch: opts.batch,
        partitions: [...this.used].map((t) => `${t}:${c.cat.topics.get(t)!.partitions}`).join(','),
        producer: 'idempotent, acks=all; confluent: the relay producer (linger 5 ms, a round in one sendBatch); kafkajs: maxInFlightRequests=1, sendBatch per chunk (<=512 KiB), awaited one at a time',
        consumer: `new group per run, from earliest, eachBatch (confluent js.consumer.max.batch.size=${CONFLUENT_MAX_BATCH}), autoCommit off, maxWaitTimeInMs=200, envelope header decoded`,
      },
    };
  }

  /** The relay's records for these events: stored drafts as the PostgreSQL store would hand them over, then recordChunks per round. */
  private async prepare(events: readonly NewEvent[]): Promise<Round[]> {
    const wire = this.wire;
    const topicOf = (type: string) => sharedCodec().entry(type).topic;
    const drafts: StoredEventDraft[] = storedEvents(events).map((s) => ({ ...s, topic: topicOf(s.type) }));
    for (const d of drafts) this.used.add(d.topic);
    if (wire) await wire.prepare(drafts.map((d) => d.topic));
    // The value is the relay's (the catalog topic's schema id); the record goes to this bench's copy of the topic.
    const values = new Map(drafts.map((d) => [d.id, wire ? wire.encodeSync(d.topic, d.type, d.payloadBytes) : d.payloadBytes]));
    const renamed = drafts.map((d) => {
      const r = newDraft(d, d.prevHash, d.hash, d.payloadBytes, this.topics.get(d.topic)!);
      r.position = d.position;
      return r;
    });
    const rounds: Round[] = [];
    for (let i = 0; i < renamed.length; i += this.opts.batch) {
      rounds.push(catalogRecords(renamed.slice(i, i + this.opts.batch), (d) => values.get(d.id)!, this.opts.prefix));
    }
    return rounds;
  }

  /** The relay's producer before the switch. */
  private async kafkajsSide(): Promise<Side> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    return {
      send: async (rounds) => {
        for (const round of rounds) for (const topicMessages of kafkajsChunks(round)) await producer.sendBatch({ topicMessages: topicMessages as TopicMessages[], acks: -1 });
      },
      close: () => producer.disconnect(),
    };
  }

  /** The relay's producer now (streams/log/kafka/client.ts): a round in one produce call. */
  private async confluentSide(): Promise<Side> {
    const producer = relayProducer(this.confluent);
    await producer.connect();
    return {
      send: async (rounds) => {
        for (const topicMessages of rounds) await producer.sendBatch({ topicMessages });
      },
      close: () => producer.disconnect(),
    };
  }

  /** A new consumer group reads every record (a) produced; resolves with the steady rate and the time to the first record. */
  private async readToEnd(client: Client, run: string): Promise<{ rate: number; joinMs: number }> {
    const total = this.produced;
    const topics = [...this.used].map((t) => this.topics.get(t)!);
    const groupId = `bench-relay-read-${this.opts.tag}-${client}-${run}`;
    let seen = 0;
    let first: bigint | undefined;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const onMessages = (messages: { headers?: unknown }[]) => {
      first ??= process.hrtime.bigint();
      for (const m of messages) if (readEnvelope(m.headers as Parameters<typeof readEnvelope>[0])) seen++;
      if (seen >= total) resolveDone();
    };
    let stop: () => Promise<void>;
    const start = process.hrtime.bigint();
    if (client === 'kafkajs') {
      const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => onMessages(batch.messages) });
      stop = () => consumer.disconnect();
    } else {
      const consumer = groupConsumer(this.confluent, { groupId, maxBatchSize: CONFLUENT_MAX_BATCH });
      await consumer.connect();
      await consumer.subscribe({ topics });
      await consumer.run({ eachBatch: async ({ batch }) => onMessages(batch.messages) });
      stop = () => consumer.disconnect();
    }
    await done;
    const end = process.hrtime.bigint();
    await stop();
    const steady = Number(end - first!) / 1e9;
    return { rate: total / steady, joinMs: Number(first! - start) / 1e6 };
  }
}

/** The medians the closing JSON line carries (new keys only; bench-kafka's existing keys are unchanged). */
export function comparisonFigures(r: CompareResult): { figures: Record<string, number>; ratios: Record<string, number> } {
  const ratio = (a: number[], b: number[]) => round(median(a.map((x, i) => x / b[i])));
  return {
    figures: {
      relay_produce_kafkajs_per_s: round(median(r.produce.kafkajs), 0),
      relay_produce_confluent_per_s: round(median(r.produce.confluent), 0),
      consume_kafkajs_per_s: round(median(r.consume.kafkajs), 0),
      consume_confluent_per_s: round(median(r.consume.confluent), 0),
      consume_first_record_ms_kafkajs: round(median(r.joinMs.kafkajs), 0),
      consume_first_record_ms_confluent: round(median(r.joinMs.confluent), 0),
    },
    ratios: {
      confluent_vs_kafkajs_produce: ratio(r.produce.confluent, r.produce.kafkajs),
      confluent_vs_kafkajs_consume: ratio(r.consume.confluent, r.consume.kafkajs),
    },
  };
}
