/** Small helpers every bench shares: medians, percentiles, the closing JSON line of DESIGN.md. */
import { cpus } from 'node:os';

export const median = (xs: number[]): number => percentile(xs, 50);

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export function conditions(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, ...extra });
}

export interface BenchLine {
  bench: string;
  figures: Record<string, number>;
  ratios: Record<string, number>;
  targets: Record<string, number>;
  pass: boolean;
}

/** The last line every `make bench-*` prints. */
export function printBenchLine(line: BenchLine): void {
  console.log(JSON.stringify(line));
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
