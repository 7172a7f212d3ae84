/**
 * The catalog topics (one per event family/aggregate, partitioned by key): the relay publishes each
 * stored event once on its topic, in the Confluent wire format, for consumer groups and third-party
 * clients. They are created from the catalog, never by a producer.
 */
import type { Admin, ITopicConfig } from './client';
import { isTransient, TransientError } from '../../../schemas/errors';
import { backoffMs } from '../../runtime/retry';
import type { Catalog } from '../../../schemas/catalog';

/** Event topics keep everything (an event log is never trimmed); changelogs keep the last value per key. */
function configEntries(cleanup: 'delete' | 'compact'): { name: string; value: string }[] {
  return cleanup === 'compact'
    ? [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: '0' }]
    : [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' }];
}

/** The catalog topics. */
export function topicConfigs(cat: Catalog): ITopicConfig[] {
  const topics: ITopicConfig[] = [];
  for (const [topic, cfg] of cat.topics) {
    topics.push({ topic, numPartitions: cfg.partitions, configEntries: configEntries(cfg.cleanup) });
  }
  return topics;
}

/**
 * Creates the missing topics (existing ones are left as they are; partitions only ever grow by hand)
 * and returns once every partition of them has a leader, so a producer or a consumer group started
 * next finds them. The client's createTopics does not wait for leaders: the metadata is polled,
 * with backoff, a retriable failure (UNKNOWN_TOPIC_OR_PARTITION while the controller catches up)
 * looked at again.
 */
export async function ensureTopics(admin: Admin, wanted: ITopicConfig[], attempts = 8): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const existing = new Set(await admin.listTopics());
      const create = wanted.filter((t) => !existing.has(t.topic));
      if (create.length) {
        // Another instance may create them at the same moment: "already exists" is fine.
        await admin.createTopics({ topics: create }).catch((e: { code?: number }) => {
          if (e?.code !== TOPIC_ALREADY_EXISTS) throw e;
        });
      }
      if (await haveLeaders(admin, wanted.map((t) => t.topic))) return;
      if (attempt + 1 >= attempts) throw new TransientError(`the topics' partitions have no leader yet: ${wanted.map((t) => t.topic).join(', ')}`);
    } catch (e) {
      if (!isTransient(e) || attempt + 1 >= attempts) throw e;
    }
    await new Promise((r) => setTimeout(r, backoffMs(attempt, 100, 2000)));
  }
}

const TOPIC_ALREADY_EXISTS = 36;

async function haveLeaders(admin: Admin, topics: string[]): Promise<boolean> {
  if (topics.length === 0) return true;
  const meta = await admin.fetchTopicMetadata({ topics });
  return topics.every((t) => {
    const m = meta.find((x) => x.name === t);
    return m !== undefined && m.partitions.length > 0 && m.partitions.every((p) => p.leader >= 0);
  });
}
