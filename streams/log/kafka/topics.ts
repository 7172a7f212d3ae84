/**
 * Topics of the distributed log. The catalog topics (one per event family/aggregate, partitioned
 * by key) carry each event once, in the Confluent wire format, for consumer groups and third-party
 * clients. Two internal topics make the EventLog contract hold on Kafka:
 *   <prefix>.journal      one partition: the global order. position = offset + 1.
 *   <prefix>.checkpoints  compacted: the last value per checkpoint name.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import { isTransient } from '../../errors';
import { backoffMs } from '../../runtime/retry';
import type { Catalog } from '../../../schemas/catalog';

export interface InternalTopics {
  journal: string;
  checkpoints: string;
}

export const internalTopics = (prefix: string): InternalTopics => ({
  journal: `${prefix}.journal`,
  checkpoints: `${prefix}.checkpoints`,
});

/** Event topics keep everything (an event log is never trimmed); changelogs keep the last value per key. */
function configEntries(cleanup: 'delete' | 'compact'): { name: string; value: string }[] {
  return cleanup === 'compact'
    ? [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: '0' }]
    : [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' }];
}

/** The catalog topics, and the internal ones when given. */
export function topicConfigs(cat: Catalog, internal?: InternalTopics): ITopicConfig[] {
  const topics: ITopicConfig[] = internal
    ? [
        { topic: internal.journal, numPartitions: 1, configEntries: configEntries('delete') },
        { topic: internal.checkpoints, numPartitions: 1, configEntries: configEntries('compact') },
      ]
    : [];
  for (const [topic, cfg] of cat.topics) {
    topics.push({ topic, numPartitions: cfg.partitions, configEntries: configEntries(cfg.cleanup) });
  }
  return topics;
}

/** Creates the missing topics (existing ones are left as they are; partitions only ever grow by hand). */
export async function ensureTopics(admin: Admin, wanted: ITopicConfig[], attempts = 5): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: true });
      return;
    } catch (e) {
      // Another instance created them at the same moment: fine if they exist now.
      const now = new Set(await admin.listTopics());
      if (!missing.some((t) => !now.has(t.topic))) return;
      // Waiting for the new topics' leaders can fail retriably (UNKNOWN_TOPIC_OR_PARTITION while the
      // controller catches up): look again, with backoff, a few times.
      if (!isTransient(e) || attempt + 1 >= attempts) throw e;
      await new Promise((r) => setTimeout(r, backoffMs(attempt, 200, 3000)));
    }
  }
}
