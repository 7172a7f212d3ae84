/**
 * This instance's knowledge of stream heads, kept exact without asking the store every time: it
 * is valid at one log head. An appender that holds the head lock and finds the head where the cache
 * was last exact needs no lookup for the streams it knows; if other instances wrote since, only the
 * events after that position are read (a range of the primary key) to bring it up to date.
 *
 * `lockAndResolve` takes the head lock and asks both questions in the same message (BEGIN, the
 * lock, the events since the cache was exact, the heads of the streams it does not know), so a
 * group commit waits one round trip, not three, before it can plan.
 */
import type pg from 'pg';
import type { StreamHead } from './append-plan';
import { LOCK_HEAD, lastOfStreamsInlined } from './statements';

/** Past this many foreign events, reading them costs more than looking the streams up: start over. */
const MAX_CATCH_UP = 20_000;
const MAX_STREAMS = 200_000;

type Client = pg.PoolClient | pg.Client;
type Row = [string, number, string];

/** The log head under the lock, and the stream heads as the cache knows them there. */
export interface LockedHeads {
  head: number;
  /** Of these streams: the heads of those with events, and those to look up (the rest have no events yet). */
  heads(streams: readonly string[]): { known: Map<string, StreamHead>; missing: string[] };
}

export class StreamHeadCache {
  private readonly heads = new Map<string, StreamHead>();
  /** The log head at which every entry is exact; -1 when nothing is known. */
  private at = -1;

  /**
   * BEGIN and take the head lock, looking up the heads of `streams` it does not know in the same
   * message. The answer tells the heads of any streams at this head: those of `streams` and of
   * any other stream the cache knows, so requests that queued while the lock was awaited can join
   * the group without another round trip when their streams are known.
   */
  async lockAndResolve(client: Client, streams: readonly string[]): Promise<LockedHeads> {
    const unknown = streams.filter((s) => !this.heads.has(s));
    const catchUp = this.at >= 0;
    const statements = ['BEGIN', LOCK_HEAD];
    // Statements after the lock see everything committed before it was granted (READ COMMITTED: a snapshot per statement).
    if (catchUp) statements.push(`SELECT DISTINCT ON (stream) stream, stream_version, hash FROM events WHERE position > ${this.at} AND position <= ${this.at + MAX_CATCH_UP} ORDER BY stream, stream_version DESC`);
    if (unknown.length) statements.push(lastOfStreamsInlined(unknown));
    const results = (await client.query(statements.join('; '))) as unknown as pg.QueryResult[];
    const head = Number(results[1].rows[0].position);
    const rowsOf = (r: pg.QueryResult | undefined): Row[] => (r ? r.rows.map((x) => [x.stream, x.stream_version, x.hash]) : []);
    if (!catchUp || head < this.at || head - this.at > MAX_CATCH_UP) this.heads.clear();
    else if (head !== this.at) this.learn(rowsOf(results[2]));
    this.learn(rowsOf(results[catchUp ? 3 : 2]));
    // Looked up and not found: no events yet; answer them without asking again.
    const looked = new Set(unknown);
    this.at = head;
    return {
      head,
      heads: (of) => {
        const known = new Map<string, StreamHead>();
        const missing: string[] = [];
        for (const s of of) {
          const h = this.heads.get(s);
          if (h) known.set(s, h);
          else if (!looked.has(s)) missing.push(s);
        }
        return { known, missing };
      },
    };
  }

  /** After a commit that moved the log to `head`: the heads it wrote (and the lookups it made) are exact there. */
  committed(head: number, heads: ReadonlyMap<string, StreamHead>): void {
    if (this.heads.size + heads.size > MAX_STREAMS) this.heads.clear();
    for (const [s, h] of heads) this.heads.set(s, h);
    this.at = head;
  }

  invalidate(): void {
    this.heads.clear();
    this.at = -1;
  }

  private learn(rows: readonly Row[]): void {
    for (const [stream, version, hash] of rows) this.heads.set(stream, { version, hash });
  }
}
