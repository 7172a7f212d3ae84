/**
 * Starting what needs Kafka without holding the instance back: an instance serves from PostgreSQL
 * at once (appends, reads) while its relay, consumer groups and bridge connect in the background,
 * retried with backoff until the broker answers, so a broker that is down at start-up delays the
 * bus, never the service. `lastError` shows on /healthz meanwhile.
 */
import { backoffMs } from '../../streams/runtime/retry';

export class BackgroundStart {
  readonly name: string;
  lastError: unknown;
  private cancelled = false;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(name: string, steps: readonly (() => Promise<void>)[]) {
    this.name = name;
    this.done = this.run(steps);
  }

  private async run(steps: readonly (() => Promise<void>)[]): Promise<void> {
    for (const step of steps) {
      for (let attempt = 0; !this.cancelled; attempt++) {
        try {
          await step();
          this.lastError = undefined;
          break;
        } catch (err) {
          if (String(err) !== String(this.lastError)) console.error(`[${this.name}] not started yet, will retry: ${(err as Error).message}`);
          this.lastError = err;
          await new Promise<void>((r) => {
            const t = setTimeout(r, backoffMs(attempt, 250, 5000, () => 0.5 + Math.random() / 2));
            this.wake = () => (clearTimeout(t), r());
          });
        }
      }
    }
  }

  /** Stop retrying; resolves once no step is in flight. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    this.wake?.();
    await this.done;
  }
}
