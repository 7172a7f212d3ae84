/**
 * A stream of the log as handleCommand works on it: read and folded from its events (a page at a
 * time), appended through the validated ingest expecting the version read, answered once the read
 * models have seen the append (read-your-writes). What a new domain's command handler needs and
 * would otherwise write again (LAC's policy streams predate it).
 */
import type { NewEvent, RecordedEvent } from '../schemas/envelope';
import type { CommandStream } from './command-handler';
import type { Principal, ServiceContext } from './context';

export interface Fold<S> {
  initial(): S;
  evolve(state: S, event: RecordedEvent): S;
}

export type Emitted = Pick<NewEvent, 'type' | 'payload'>;

const PAGE = 1000;

export function logCommandStream<S>(ctx: ServiceContext, principal: Principal, stream: string, fold: Fold<S>): CommandStream<S, Emitted, number> {
  return {
    async read() {
      let state = fold.initial();
      let version = 0;
      for (;;) {
        const page = await ctx.log.readStream(stream, version + 1, PAGE);
        for (const e of page) state = fold.evolve(state, e);
        version += page.length;
        if (page.length < PAGE) return { state, version };
      }
    },
    async append(expectedVersion, emitted) {
      const events: NewEvent[] = emitted.map((e, i) => ({ ...e, stream, tenant: principal.tenant, ...(i === 0 ? { expectedVersion } : {}) }));
      const results = await ctx.ingest(principal, events);
      const last = results[results.length - 1].position;
      await ctx.settled(last);
      return last;
    },
  };
}
