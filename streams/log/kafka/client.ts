/**
 * The one place Kafka clients are made: @confluentinc/kafka-javascript (librdkafka, Confluent's
 * supported client) through its KafkaJS-compatible API. Every product path (the relay, the consumer
 * groups, the ingest bridge, the v1.1 journal reader), the tests, the benches and infra/kafka's
 * readiness probe take their clients and settings from here, so the settings that matter for a
 * guarantee are written once:
 *   - producers: idempotent, acks = all (the relay's checkpoint moves only past what every in-sync
 *     replica holds), never creating topics (they come from the catalog);
 *   - consumers: offsets committed by the code only after its effect is stored (autoCommit off),
 *     a new group reads from the earliest offset, batches as large as one fetch (the processors
 *     commit one PostgreSQL transaction per batch; the client's own default is 32 records).
 * Logging: the client's warnings and errors go to stderr once per distinct message a minute
 * (a broker outage would otherwise print a line per connection attempt), with anything that looks
 * like a credential masked; `TRUST_KAFKA_LOG` = nothing | error (default) | warn | info | debug.
 */
import { KafkaJS } from '@confluentinc/kafka-javascript';

export type Kafka = KafkaJS.Kafka;
export type Producer = KafkaJS.Producer;
export type Consumer = KafkaJS.Consumer;
export type Admin = KafkaJS.Admin;
export type EachBatchPayload = KafkaJS.EachBatchPayload;
export type KafkaMessage = KafkaJS.KafkaMessage;
export type IHeaders = KafkaJS.IHeaders;
export type Message = KafkaJS.Message;
export type ITopicConfig = KafkaJS.ITopicConfig;
export type RecordMetadata = KafkaJS.RecordMetadata;

export interface KafkaClientOptions {
  brokers: string[];
  /** Names the client in the broker's logs and metrics (never a secret). */
  clientId: string;
  /** SASL credentials, when the cluster needs them (never logged). */
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  ssl?: boolean;
  /** Overrides TRUST_KAFKA_LOG. */
  logLevel?: LogLevelName;
}

export type LogLevelName = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<LogLevelName, KafkaJS.logLevel> = {
  nothing: KafkaJS.logLevel.NOTHING,
  error: KafkaJS.logLevel.ERROR,
  warn: KafkaJS.logLevel.WARN,
  info: KafkaJS.logLevel.INFO,
  debug: KafkaJS.logLevel.DEBUG,
};

export function kafkaClient(opts: KafkaClientOptions): Kafka {
  // TRUST_KAFKA_LOG reaches here through the configuration (connectors/config.ts).
  const name = opts.logLevel ?? 'error';
  const level = LEVELS[name] ?? KafkaJS.logLevel.ERROR;
  const secrets = opts.sasl ? [opts.sasl.password] : [];
  return new KafkaJS.Kafka({
    kafkaJS: {
      brokers: opts.brokers,
      clientId: opts.clientId,
      ...(opts.ssl ? { ssl: true } : {}),
      ...(opts.sasl ? { sasl: opts.sasl } : {}),
      logLevel: level,
      logger: quietLogger(opts.clientId, level, secrets),
    },
  });
}

/**
 * The relay's producer: idempotent (librdkafka keeps each partition's order with up to 5 requests
 * in flight and never writes a retried batch twice), acks = all, no compression (the records are
 * small Avro values; compressing them cost more CPU than it saved on one machine), a short linger
 * so one round's records go out in few, large requests.
 */
export function relayProducer(kafka: Kafka): Producer {
  return kafka.producer({
    kafkaJS: { idempotent: true, acks: -1, allowAutoTopicCreation: false, compression: KafkaJS.CompressionTypes.None },
    'linger.ms': 5,
    // A gap in a partition (a batch lost while a later one landed) is a fatal error rather than a
    // silent hole: consumers skip what is at or below the position they committed.
    'enable.gapless.guarantee': true,
    // A broker away longer than this fails the round (transient); the relay then sends it again
    // from its checkpoint with a new producer. Bounded so a shutdown is never stuck behind it.
    'message.timeout.ms': 20_000,
  });
}

/** A plain producer with the same delivery settings (acks = all, idempotent): tests, partners' stand-ins, bench ceilings. */
export function plainProducer(kafka: Kafka, extra: Record<string, string | number | boolean> = {}): Producer {
  return kafka.producer({ kafkaJS: { idempotent: true, acks: -1, allowAutoTopicCreation: false }, ...extra });
}

export interface GroupConsumerOptions {
  groupId: string;
  /** Largest batch handed to eachBatch (default -1: everything fetched for the partition). */
  maxBatchSize?: number;
  sessionTimeoutMs?: number;
  /** Also bounds one eachBatch call (librdkafka's max.poll.interval.ms). */
  rebalanceTimeoutMs?: number;
  /** Called after every rebalance with what this member now owns ('assign') or gave up ('revoke'). */
  onRebalance?: (kind: 'assign' | 'revoke', partitions: { topic: string; partition: number }[]) => void;
}

/** A consumer group member that commits its offsets itself, after its effects are stored; a new group starts at the earliest offset. */
export function groupConsumer(kafka: Kafka, o: GroupConsumerOptions): Consumer {
  return kafka.consumer({
    kafkaJS: {
      groupId: o.groupId,
      fromBeginning: true,
      autoCommit: false,
      maxWaitTimeInMs: 200,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: o.rebalanceTimeoutMs ?? 300_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
    },
    'js.consumer.max.batch.size': o.maxBatchSize ?? -1,
    ...(o.onRebalance
      ? {
          rebalance_cb: (err: { code: number }, assignment: { topic: string; partition: number }[]) => {
            o.onRebalance!(err.code === KafkaJS.ErrorCodes.ERR__ASSIGN_PARTITIONS ? 'assign' : 'revoke', assignment.map((a) => ({ topic: a.topic, partition: a.partition })));
          },
        }
      : {}),
  });
}

/** Consumer-group offsets to commit: the next offset to read after `lastOffset`. */
export const nextOffset = (topic: string, partition: number, lastOffset: string) => ({ topic, partition, offset: String(BigInt(lastOffset) + 1n) });

/** Librdkafka logs once per distinct message a minute, credentials masked. */
function quietLogger(clientId: string, initial: KafkaJS.logLevel, secrets: string[]): KafkaJS.Logger {
  let level = initial;
  const seen = new Map<string, number>();
  const mask = (s: string) => {
    let out = s.replace(/((?:sasl\.)?password|secret|token)(["'\s:=]+)([^\s,"'}]+)/gi, '$1$2***');
    for (const x of secrets) if (x) out = out.split(x).join('***');
    return out;
  };
  const emit = (at: KafkaJS.logLevel, tag: string) => (message: string) => {
    if (level < at) return;
    const text = mask(String(message));
    const key = text.replace(/\d+/g, '#');
    const now = Date.now();
    if ((seen.get(key) ?? 0) > now - 60_000) return;
    if (seen.size > 1000) seen.clear();
    seen.set(key, now);
    console.error(`[kafka ${clientId}] ${tag}: ${text}`);
  };
  const logger: KafkaJS.Logger = {
    error: emit(KafkaJS.logLevel.ERROR, 'error'),
    warn: emit(KafkaJS.logLevel.WARN, 'warn'),
    info: emit(KafkaJS.logLevel.INFO, 'info'),
    debug: emit(KafkaJS.logLevel.DEBUG, 'debug'),
    namespace: () => logger,
    setLogLevel: (l) => void (level = l),
  };
  return logger;
}

/** For a test: the masking the logger applies. */
export const maskForLog = (s: string, secrets: string[] = []) => {
  const lines: string[] = [];
  const orig = console.error;
  console.error = (l: string) => void lines.push(l);
  try {
    quietLogger('t', KafkaJS.logLevel.DEBUG, secrets).error(s);
  } finally {
    console.error = orig;
  }
  return lines[0] ?? '';
};
