/**
 * The tolerance table (tolerances.json, the one file) and how a metric's window is resolved:
 * fixture override > per-metric entry > default, each of rel and abs on its own.
 */
import table from './tolerances.json';
import type { Tolerance } from './events/types';

export interface ToleranceTable {
  default: { rel: number; abs: number };
  metrics: Record<string, Partial<{ rel: number; abs: number }>>;
}

export interface ResolvedTolerance {
  rel: number;
  abs: number;
  /** Where the window came from, for the diff: default | metric:<name> | fixture:<id>. */
  source: string;
}

export const TOLERANCE_TABLE: ToleranceTable = { default: table.default, metrics: table.metrics };

export function resolveTolerance(
  metric: string,
  fixtureId: string,
  fixtureOverrides: Record<string, Tolerance> = {},
  t: ToleranceTable = TOLERANCE_TABLE,
): ResolvedTolerance {
  let rel = t.default.rel;
  let abs = t.default.abs;
  let source = 'default';
  const m = t.metrics[metric];
  if (m) {
    if (m.rel !== undefined) rel = m.rel;
    if (m.abs !== undefined) abs = m.abs;
    source = `metric:${metric}`;
  }
  const f = fixtureOverrides[metric];
  if (f && (f.rel !== null || f.abs !== null)) {
    if (f.rel !== null && f.rel !== undefined) rel = f.rel;
    if (f.abs !== null && f.abs !== undefined) abs = f.abs;
    source = `fixture:${fixtureId}`;
  }
  return { rel, abs, source };
}

/** The largest |delta| a reference value allows. */
export const allowedDelta = (reference: number, tol: { rel: number; abs: number }) => Math.max(tol.rel * Math.abs(reference), tol.abs);
