/**
 * The edge that turns the service's own metrics into events: every interval it reads the SLI
 * counters from the prom-client registry and appends one `SloSampled` event with what this
 * instance served since the last sample. Metrics reset on restart and live per instance; the
 * events persist, so budgets over 30 days survive restarts and an auditor can replay them.
 * Intervals without traffic append nothing.
 */
import { hostname } from 'node:os';
import { register as defaultRegistry, type Registry } from 'prom-client';
import type { NewEvent } from '../../schemas/envelope';
import type { EventLog } from '../../streams/log/port';
import { sliCounts, SliDeltaTracker, type MetricSnapshot } from './sli-counts';
import type { SloSpec } from './slo-spec';

export const SLO_SAMPLED = 'SloSampled';
export const SYSTEM_TENANT = 'system';

export interface SloSamplerOptions {
  /** Default 60 s (TRUST_SLO_SAMPLE_SECONDS). */
  intervalMs?: number;
  instance?: string;
  registry?: Pick<Registry, 'getMetricsAsJSON'>;
  now?: () => number;
}

export interface SloSampler {
  /** Take a sample now; resolves with the appended event, or null when nothing was served. */
  sample(): Promise<NewEvent | null>;
  /** Stop the timer and flush a last sample (call before the log closes). */
  stop(): Promise<void>;
}

/** One sample a minute unless told (TRUST_SLO_SAMPLE_SECONDS, read by connectors/config.ts). */
export const DEFAULT_SAMPLE_INTERVAL_MS = 60_000;

export function startSloSampler(log: Pick<EventLog, 'append'>, spec: SloSpec, opts: SloSamplerOptions = {}): SloSampler {
  const now = opts.now ?? Date.now;
  const registry = opts.registry ?? defaultRegistry;
  const instance = opts.instance ?? `${hostname()}-${process.pid}-${now()}`;
  const tracker = new SliDeltaTracker();
  let from = now();
  let chain: Promise<unknown> = Promise.resolve();

  const takeSample = async (): Promise<NewEvent | null> => {
    const metrics = (await registry.getMetricsAsJSON()) as unknown as MetricSnapshot[];
    const deltas = tracker.next(sliCounts(spec, metrics));
    const to = now();
    const fromIso = new Date(from).toISOString();
    from = to;
    if (deltas.every((d) => d.total === 0)) return null;
    const event: NewEvent = {
      id: `slo-sample:${instance}:${to}`,
      type: SLO_SAMPLED,
      stream: `ops-slo-${instance}`,
      tenant: SYSTEM_TENANT,
      occurredAt: new Date(to).toISOString(),
      payload: { instance, from: fromIso, to: new Date(to).toISOString(), slis: deltas.filter((d) => d.total > 0) },
    };
    await log.append([event]);
    return event;
  };
  // One sample at a time: a slow append must not let two samples read the same baseline.
  const sample = (): Promise<NewEvent | null> => {
    const next = chain.then(takeSample);
    chain = next.catch(() => undefined);
    return next;
  };

  const timer = setInterval(() => {
    sample().catch((err) => console.error(`trust: SLO sample not recorded: ${(err as Error).message}`));
  }, opts.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS);
  timer.unref();

  return {
    sample,
    async stop() {
      clearInterval(timer);
      await sample().catch((err) => console.error(`trust: last SLO sample not recorded: ${(err as Error).message}`));
    },
  };
}
