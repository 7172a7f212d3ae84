/**
 * How this instance writes to the PostgreSQL log. Positions are handed out under the one row lock
 * of `log_head`, so appends are one at a time across the deployment; each instance therefore
 * commits in groups: requests that arrive while a commit is in flight join the next one (one
 * transaction, one fsync), and those that arrive while that group still waits for the lock join it
 * once it is granted (when the stream-head cache knows their streams there); one request's
 * conflict refuses that request only. Appends inside a caller's transaction (a processor's batch)
 * take the same planning path with every id and head looked up.
 */
import pg from 'pg';
import type { AppendResult } from '../../../schemas/envelope';
import { VersionConflictError } from '../../../schemas/errors';
import type { StoredEvent } from '../hash-chain';
import { planAppend, type KnownEvent, type PreparedEvent, type StreamHead } from './append-plan';
import { asTransient } from './pg-errors';
import { insertRows, lockHead, lookupKnown } from './statements';
import { StreamHeadCache } from './stream-head-cache';

/** SQLSTATE of a unique index refusing a row (here: an id already stored, found optimistically). */
const UNIQUE_VIOLATION = '23505';
/** The optimistic plan cannot decide: redo the group with every id and head looked up. */
class RedoExact extends Error {}
/** Adds to a group, under the lock, the queued requests whose streams `canPlan` can plan without a lookup. */
type JoinLate = (canPlan: (streams: readonly string[]) => boolean) => void;

interface PendingAppend {
  events: PreparedEvent[];
  /** The distinct streams it appends to. */
  streams: string[];
  resolve: (r: AppendResult[]) => void;
  reject: (err: unknown) => void;
}

export interface AppenderOptions {
  /** Most events one group commit carries. */
  maxGroupEvents: number;
  now: () => Date;
  /** The channel the insert notifies with the new head. */
  channel: string;
  /** Told the head a group commit set (tailing followers of this instance wake without a query). */
  committed: (head: number) => void;
}

export class PgAppender {
  private readonly queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private readonly headCache = new StreamHeadCache();

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: AppenderOptions,
  ) {}

  /** Append in this instance's next group commit. */
  append(events: PreparedEvent[]): Promise<AppendResult[]> {
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ events, streams: [...new Set(events.map((p) => p.event.stream))], resolve, reject });
      this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    });
  }

  /** Append within the caller's open transaction: the head lock is held until it commits. */
  async appendWithin(client: pg.PoolClient | pg.Client, events: PreparedEvent[]): Promise<AppendResult[]> {
    const [plan] = (await this.commitPlans(client, [{ events }], true)).outcomes;
    if (plan instanceof Error) throw plan;
    return plan;
  }

  /** Resolves once the commits under way are done (closing the log waits for it). */
  async idle(): Promise<void> {
    await this.flushing?.catch(() => undefined);
  }

  /** Commit queued requests in groups, one transaction each, until the queue is empty. */
  private async flush(): Promise<void> {
    while (this.queue.length) {
      const group = this.take(() => true, 0);
      // Requests that queue while the lock is awaited (another instance committing) join this group
      // when the cache knows their streams at the locked head: they ride this commit's fsync instead
      // of waiting a whole round of the lock for the next one.
      const join: JoinLate = (canPlan) => void group.push(...this.take(canPlan, group.reduce((n, p) => n + p.events.length, 0)));
      try {
        const { outcomes, head } = await this.commitGroup(group, join);
        outcomes.forEach((o, i) => (o instanceof Error ? group[i].reject(o) : group[i].resolve(o)));
        // The head this commit set: no query needed to tell this instance's followers.
        if (outcomes.some((o) => !(o instanceof Error))) this.opts.committed(head);
      } catch (err) {
        const failure = asTransient(err, 'appending to the event store');
        for (const p of group) p.reject(failure);
      }
    }
  }

  /** Queued requests `accept` takes, in order, while the group stays within maxGroupEvents (the first always fits); the rest stay queued. */
  private take(accept: (streams: readonly string[]) => boolean, size: number): PendingAppend[] {
    const taken: PendingAppend[] = [];
    for (let i = 0; i < this.queue.length; ) {
      const p = this.queue[i];
      const fits = size === 0 || size + p.events.length <= this.opts.maxGroupEvents;
      if (!fits) break;
      if (!accept(p.streams)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      taken.push(p);
      size += p.events.length;
    }
    return taken;
  }

  /**
   * One group in one transaction. Optimistically first: stream heads from this instance's cache
   * and no lookup of ids (new events are the rule); if an id turns out to be stored already (the
   * insert hits the unique index), the transaction is redone with every id and head looked up.
   * `group` may grow by `join` once the lock is held; outcomes follow its final order.
   */
  private async commitGroup(group: Pick<PendingAppend, 'events'>[], join: JoinLate): Promise<{ outcomes: (AppendResult[] | Error)[]; head: number }> {
    const client = await this.pool.connect();
    try {
      for (const exact of [false, true]) {
        try {
          const { outcomes, head, heads } = await this.commitPlans(client, group, exact, { begin: true, commit: true, join });
          this.headCache.committed(head, heads);
          return { outcomes, head };
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (exact || !(err instanceof RedoExact || (err as { code?: string }).code === UNIQUE_VIOLATION)) throw err;
        }
      }
      throw new Error('unreachable');
    } finally {
      client.release();
    }
  }

  /**
   * Lock the head, plan every request against the stream heads and stored ids, insert the accepted
   * rows, move the head and notify. A request that conflicts comes back as its error and leaves no
   * row behind. `exact`: look every id and head up in the store (always so within a caller's
   * transaction, which cannot be redone here); else the heads come from this instance's cache.
   * `begin`/`commit`: open and close the transaction here (a group commit; BEGIN goes in the lock's
   * message); else the caller's transaction is already open and stays open. `join`: on the
   * optimistic path, add to `group` the queued requests whose streams the cache knows once locked.
   */
  private async commitPlans(
    client: pg.PoolClient | pg.Client,
    group: Pick<PendingAppend, 'events'>[],
    exact: boolean,
    own: { begin: boolean; commit: boolean; join?: JoinLate } = { begin: false, commit: false },
  ): Promise<{ outcomes: (AppendResult[] | Error)[]; head: number; heads: Map<string, StreamHead> }> {
    const streamsOf = () => [...new Set(group.flatMap((g) => g.events.map((p) => p.event.stream)))];
    let head: number;
    let ids: Map<string, KnownEvent>;
    let heads: Map<string, StreamHead>;
    if (exact) {
      head = await lockHead(client, own.begin);
      ({ ids, heads } = await lookupKnown(client, [...new Set(group.flatMap((g) => g.events.map((p) => p.id)))], streamsOf()));
    } else {
      // The cache's path opens the transaction itself, in the lock's message.
      if (!own.begin) throw new Error('the optimistic append path runs in a transaction of its own');
      const locked = await this.headCache.lockAndResolve(client, streamsOf());
      own.join?.((streams) => locked.heads(streams).missing.length === 0);
      const { known, missing } = locked.heads(streamsOf());
      head = locked.head;
      heads = missing.length ? new Map([...known, ...(await lookupKnown(client, [], missing)).heads]) : known;
      ids = new Map();
    }
    const view = { position: head, heads, ids };
    const recordedAt = this.opts.now().toISOString();
    const rows: StoredEvent[] = [];
    const outcomes = group.map((g): AppendResult[] | Error => {
      try {
        const plan = planAppend(view, g.events, recordedAt);
        for (const [k, v] of plan.heads) heads.set(k, v);
        for (const [k, v] of plan.ids) ids.set(k, v);
        view.position = plan.position;
        rows.push(...plan.rows);
        return plan.results;
      } catch (err) {
        return err as Error;
      }
    });
    // A version conflict may be a retry of an event already stored (a duplicate, not a conflict): only the exact path can tell.
    if (!exact && outcomes.some((o) => o instanceof VersionConflictError)) throw new RedoExact();
    if (rows.length) await insertRows(client, rows, { head: view.position, channel: this.opts.channel });
    if (own.commit) await client.query('COMMIT');
    return { outcomes, head: view.position, heads };
  }
}
