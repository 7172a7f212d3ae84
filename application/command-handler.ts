/**
 * One command, Emmett's way: read the stream and fold it, decide, append with the version read as
 * the expected one; on a version conflict (someone appended in between) read and decide again, a
 * bounded number of times. Every read → decide → append path of the application goes through here.
 */
import { VersionConflictError } from '../schemas/errors';

/** A stream as a command sees it: its folded state at a version, and an append expecting that version. */
export interface CommandStream<S, E, A = void> {
  read(): Promise<{ state: S; version: number }>;
  append(expectedVersion: number, events: readonly E[]): Promise<A>;
}

/**
 * What a decision does: append these events (none: nothing to do), then answer (or throw) with
 * `result`, given what the append answered; or decide again.
 */
export type Decision<E, R, A = void> = { events: readonly E[]; result: (appended: A | undefined) => R | Promise<R> } | { again: true };

export interface CommandOptions {
  retry: { onVersionConflict: number };
  /** The error when conflicts or `again` outlast the retries (default: the last VersionConflictError). */
  exhausted?: () => Error;
}

export async function handleCommand<S, E, R, A = void>(
  stream: CommandStream<S, E, A>,
  decide: (state: S) => Promise<Decision<E, R, A>> | Decision<E, R, A>,
  opts: CommandOptions,
): Promise<R> {
  const retries = opts.retry.onVersionConflict;
  for (let attempt = 0; ; attempt++) {
    const { state, version } = await stream.read();
    const decision = await decide(state);
    if ('again' in decision) {
      if (attempt >= retries) throw opts.exhausted?.() ?? new Error('the command kept asking to decide again');
      continue;
    }
    if (decision.events.length === 0) return decision.result(undefined);
    let appended: A;
    try {
      appended = await stream.append(version, decision.events);
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      if (attempt >= retries) throw opts.exhausted?.() ?? err;
      continue;
    }
    return decision.result(appended);
  }
}
