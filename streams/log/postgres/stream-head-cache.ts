/**
 * This instance's knowledge of stream heads, kept exact without asking the store every time: it
 * is valid at one log head. An appender that holds the head lock and finds the head where the cache
 * was last exact needs no lookup for the streams it knows; if other instances wrote since, only the
 * events after that position are read (a range of the primary key) to bring it up to date.
 */
import type pg from 'pg';
import type { StreamHead } from './append-plan';

/** Past this many foreign events, reading them costs more than looking the streams up: start over. */
const MAX_CATCH_UP = 20_000;
const MAX_STREAMS = 200_000;

export class StreamHeadCache {
  private readonly heads = new Map<string, StreamHead>();
  /** The log head at which every entry is exact; -1 when nothing is known. */
  private at = -1;

  /** Under the head lock, at log head `head`: the cached heads of `streams`, and those it cannot answer. */
  async resolve(client: pg.PoolClient | pg.Client, head: number, streams: readonly string[]): Promise<{ known: Map<string, StreamHead>; missing: string[] }> {
    if (this.at !== head) {
      if (this.at < 0 || head - this.at > MAX_CATCH_UP || head < this.at) this.heads.clear();
      else {
        const res = await client.query({
          text: `SELECT DISTINCT ON (stream) stream, stream_version, hash FROM events WHERE position > $1 AND position <= $2 ORDER BY stream, stream_version DESC`,
          values: [this.at, head],
          rowMode: 'array',
        });
        for (const r of res.rows) this.heads.set(r[0], { version: r[1], hash: r[2] });
      }
      this.at = head;
    }
    const known = new Map<string, StreamHead>();
    const missing: string[] = [];
    for (const s of streams) {
      const h = this.heads.get(s);
      if (h) known.set(s, h);
      else missing.push(s);
    }
    return { known, missing };
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
}
