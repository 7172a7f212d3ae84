/**
 * Append → processed: events appended one at a time while a leased processor runs; the latency of
 * each is the time from its append call to the moment its derived event is readable on the store.
 */
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import type { PgEventLog } from '../../streams/log/postgres/pg-event-log';
import { annotationCounter } from '../../streams/runtime/kafka/testing';
import { checkpointName } from '../../streams/runtime/processor-runner';
import { PgProcessorRunner } from '../../streams/runtime/postgres/pg-processor-runner';

export async function appendToProcessed(log: PgEventLog, n: number, gapMs: number, tag: string): Promise<number[]> {
  const def = annotationCounter(`${tag}-latency`, 1);
  const from = (await log.head()) + 1;
  // A processor new to this store starts at its head (not behind the bench's earlier history).
  await log.setCheckpoint(checkpointName(def.name), from - 1);
  const runner = new PgProcessorRunner(log, def);
  runner.start();
  const sent = new Map<string, number>();
  const seen = new Map<string, number>();
  const done = firstValueFrom(
    log.subscribe(from, { types: ['TenantKeyRevoked'] }).pipe(
      filter((e) => e.causationId !== null && sent.has(e.causationId)),
      filter((e) => (seen.set(e.causationId!, performance.now()), true)),
      take(n),
      toArray(),
    ),
  );
  for (let i = 0; i < n; i++) {
    const id = `${tag}-lat-${i}`;
    sent.set(id, performance.now());
    await log.append([{ id, type: 'AnnotationAdded', stream: `${tag}-lat-${i % 10}`, tenant: 'bench', payload: { subject: 's', text: String(i), author: 'bench', tags: [] } }]);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  await done;
  await runner.stop();
  return [...seen].map(([id, at]) => at - sent.get(id)!);
}
