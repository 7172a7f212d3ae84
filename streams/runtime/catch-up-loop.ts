/**
 * The scheduling shared by processor and projection runners: whenever the log moves (an
 * in-process append, or a poll that sees another process's appends), run batches until caught
 * up. RxJS does the timing: notifications are merged with a poll interval and coalesced, and
 * exhaustMap ensures one drain at a time. Batches yield to the event loop between each other.
 */
import { BehaviorSubject, Subscription, auditTime, defer, exhaustMap, interval, merge, type Observable } from 'rxjs';

export interface CatchUpOptions {
  pollMs?: number;
  /** Coalesce notifications arriving within this window into one drain. */
  coalesceMs?: number;
}

export abstract class CatchUpLoop {
  /** Last position fully handled (its checkpoint). */
  readonly progress$: BehaviorSubject<number>;
  private sub: Subscription | undefined;
  private draining: Promise<void> = Promise.resolve();
  private stopping = false;
  lastError: unknown;

  constructor(readonly name: string, initialCheckpoint: number) {
    this.progress$ = new BehaviorSubject(initialCheckpoint);
  }

  /** Handle one batch in one transaction; returns how many events it handled (0 = caught up). */
  abstract runBatch(): number | Promise<number>;

  start(changes$: Observable<number>, opts: CatchUpOptions = {}): void {
    this.stopping = false;
    this.sub = merge(changes$, interval(opts.pollMs ?? 200), defer(async () => 0))
      .pipe(
        auditTime(opts.coalesceMs ?? 2),
        exhaustMap(() => (this.draining = this.drain())),
      )
      .subscribe();
  }

  /** Run until caught up, yielding between batches so the HTTP server stays responsive. */
  async drain(): Promise<void> {
    await this.drainWith(() => this.runBatch());
  }

  /** Run `batch` until it handles nothing; a failure is logged once and retried on the next tick. */
  protected async drainWith(batch: () => number | Promise<number>): Promise<void> {
    try {
      while (!this.stopping && (await batch()) > 0) await new Promise((r) => setImmediate(r));
      this.lastError = undefined;
    } catch (err) {
      // Logged once per distinct failure; the next tick retries (the batch was rolled back).
      if (String(err) !== String(this.lastError)) console.error(`[${this.name}] batch failed, will retry: ${(err as Error).message}`);
      this.lastError = err;
    }
  }

  /** Stop after the batch in flight has committed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sub?.unsubscribe();
    await this.draining;
  }
}
