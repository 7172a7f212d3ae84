/**
 * One backoff for every retry of a server outage in the runtime: exponential from 100 ms, capped
 * at 5 s, with full jitter (AWS's "exponential backoff and jitter"), so instances retrying the same
 * outage do not come back in step.
 */
export function backoffMs(attempt: number, baseMs = 100, capMs = 5000, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16)));
}
