/**
 * Wakes this instance when any instance appends: LISTEN on the head channel over one dedicated
 * connection, and a slow poll of the head besides (a notification is lost while that connection
 * is down; the poll also notices the server coming back). Runs only while someone subscribes.
 */
import pg from 'pg';
import type { Subject } from 'rxjs';

export class HeadWatcher {
  private users = 0;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastHead = -1;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly head: () => Promise<number>,
    private readonly changes$: Subject<number>,
    private readonly pollMs: number,
  ) {}

  /** Start watching (reference-counted); call the returned function to stop. */
  acquire(): () => void {
    if (this.users++ === 0) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.stop();
    };
  }

  private start(): void {
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
    void this.listen();
  }

  private async poll(): Promise<void> {
    const head = await this.head().catch(() => -1);
    if (head >= 0 && head !== this.lastHead) {
      this.lastHead = head;
      if (!this.closed) this.changes$.next(head);
    }
  }

  private async listen(): Promise<void> {
    if (this.closed || this.users === 0 || this.client) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    this.client = client;
    const drop = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      // Reconnect later; meanwhile the poll keeps the instance moving.
      setTimeout(() => void this.listen(), 1000).unref();
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (n) => {
      const head = Number(n.payload);
      if (Number.isFinite(head) && head > this.lastHead) this.lastHead = head;
      if (!this.closed) this.changes$.next(head);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      drop();
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const c = this.client;
    this.client = undefined;
    c?.removeAllListeners();
    c?.on('error', () => undefined);
    c?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.users = 0;
    this.stop();
  }
}
