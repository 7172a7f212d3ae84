/**
 * The loop every leased job runs (the relay, each processor, each projection): take the lease or
 * stand by, run rounds on the lease's connection while there is work, wake on the log's changes,
 * wait out a server outage and try again. Errors are logged once per distinct failure.
 *
 * The lease holder reports its lag (`trust_processor_lag_events`: the log's head, followed through
 * every instance's appends, minus its committed progress) whenever either moves, so the lag keeps
 * growing while its rounds fail (the relay with Kafka away) instead of freezing at the last
 * success. A failed round gives the lease up and takes it again, and the lag stays reported
 * meanwhile; an instance reports none once another holds the lease.
 */
import type pg from 'pg';
import { BehaviorSubject, skip, type Observable, type Subscription } from 'rxjs';
import { isTransient } from '../../../schemas/errors';
import { processorLag } from '../../metrics';
import { Lease } from './lease';

export interface LeasedLoopOptions {
  /** How often a standby tries to take the lease over (ms). */
  standbyMs?: number;
  /** How long to wait for a change before looking again when caught up (ms). */
  idleMs?: number;
  /** Its `processor` label on the lag gauge (default: its name). */
  lagLabel?: string;
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
  private progress: Subscription | undefined;
  /** The highest log head seen on `changes$`. */
  private head = 0;
  /** This instance runs the rounds (it held the lease last; another has not taken it since). */
  private owner = false;
  /** A round has said where the committed checkpoint is (until then the lag is not known). */
  private progressKnown = false;

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
    this.changes = this.changes$.subscribe((head) => {
      this.observeHead(head);
      this.reportLag();
      if (this.wake) this.wake();
      else this.pending = true;
    });
    this.progress = this.progress$.pipe(skip(1)).subscribe(() => {
      this.progressKnown = true;
      this.reportLag();
    });
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const session = await this.lease.acquire();
        this.owner = !!session;
        this.reportLag();
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

  /** The committed checkpoint a round starts from: progress as it stands, even if the round then fails. */
  protected resumeFrom(checkpoint: number): void {
    this.progress$.next(checkpoint);
  }

  /** A head a round read from the store (it may be ahead of the last notification). */
  protected observeHead(head: number): void {
    this.head = Math.max(this.head, head);
  }

  private reportLag(): void {
    const label = { processor: this.loopOpts.lagLabel ?? this.name };
    if (!this.owner) processorLag.remove(label);
    else if (this.progressKnown) processorLag.set(label, Math.max(0, this.head - this.progress$.value));
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
    this.progress?.unsubscribe();
    await this.loop;
    this.lease.release();
    this.owner = false;
    this.reportLag();
  }
}
