/**
 * The PostgreSQL store as the ingest bridge's target (distributed mode): a batch of foreign records
 * becomes one append (ids derived from topic/partition/offset, so a redo is a duplicate the store
 * keeps once), then the group's offset is committed. A crash between the two redoes the batch:
 * exactly-once in effect, by idempotency rather than by one transaction spanning both systems.
 */
import type { Catalog } from '../../schemas/catalog';
import { kafkaClient, type LogLevelName } from '../log/kafka/client';
import { RegistryWire, decodeCatalogValue } from '../log/kafka/wire';
import type { PgEventLog } from '../log/postgres/pg-event-log';
import type { IngestTarget } from '../runtime/kafka/ingest-bridge';

export function storeTarget(log: PgEventLog, cat: Catalog, opts: { brokers: string[]; registryUrl?: string; prefix: string; logLevel?: LogLevelName }): IngestTarget {
  const wire = opts.registryUrl ? new RegistryWire(opts.registryUrl, cat, log.codec) : undefined;
  return {
    kafka: kafkaClient({ brokers: opts.brokers, clientId: `${opts.prefix}.ingest`, logLevel: opts.logLevel }),
    prefix: opts.prefix,
    cat,
    codec: log.codec,
    decodeValue: (type, schemaVersion, value) => decodeCatalogValue(wire, log.codec, type, schemaVersion, value),
    commit: async (events, offset, consumer) => {
      if (events.length) await log.append(events);
      await consumer.commitOffsets([offset]);
    },
  };
}
