/**
 * The loop every leased job runs (the relay, each processor, each projection): take the lease or
 * stand by, run rounds on the lease's connection while there is work, wake on the log's changes,
 * wait out a server outage and try again. Errors are logged once per distinct failure.
 */
import type pg from 'pg';
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { isTransient } from '../../../schemas/errors';
import { Lease } from './lease';

export interface LeasedLoopOptions {
  /** How often a standby tries to take the lease over (ms). */
  standbyMs?: number;
  /** How long to wait for a change before looking again when caught up (ms). */
  idleMs?: number;
}

export abstract class LeasedLoop {
  /** Last position handled and committed, by whichever instance holds the lease. */
  readonly progress$ = new BehaviorSubject(0);
  lastError: unknown;
  private readonly lease: Lease;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A change arrived while a round ran: the next idle returns at once. */
  private pending = false;
  private changes: Subscription | undefined;

  constructor(
    readonly name: string,
    connectionString: string,
    private readonly changes$: Observable<number>,
    private readonly loopOpts: LeasedLoopOptions = {},
  ) {
    this.lease = new Lease(connectionString, name);
  }

  /** True while this instance holds the lease. */
  get leader(): boolean {
    return this.lease.held;
  }

  /** One round on the lease's connection; returns how many events it handled (0 = caught up). */
  protected abstract round(session: pg.Client): Promise<number>;

  start(): void {
    this.stopping = false;
    this.changes = this.changes$.subscribe(() => (this.wake ? this.wake() : (this.pending = true)));
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const session = await this.lease.acquire();
        if (!session) {
          await this.idle(this.loopOpts.standbyMs ?? 1000);
          continue;
        }
        const handled = await this.round(session);
        this.lastError = undefined;
        if (handled === 0) await this.idle(this.loopOpts.idleMs ?? 1000);
        else await new Promise((r) => setImmediate(r));
      } catch (err) {
        if (String(err) !== String(this.lastError)) {
          console.error(`[${this.name}] ${isTransient(err) ? 'waiting for a server' : 'round failed, will retry'}: ${(err as Error).message}`);
        }
        this.lastError = err;
        // The session may be broken: give the lease up; this or another instance takes it again.
        this.lease.release();
        await this.idle(500);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(() => ((this.wake = undefined), resolve()), ms);
      this.wake = () => {
        this.wake = undefined;
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Stop after the round in flight and give the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.changes?.unsubscribe();
    await this.loop;
    this.lease.release();
  }
}
