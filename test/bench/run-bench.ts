/** Runs a `make bench-*` script at a chosen size and returns its closing JSON line (DESIGN.md). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface BenchRun {
  script: string;
  args?: string[];
  env?: Record<string, string>;
  keys: string[];
}

/** Runs a bench through the same TypeScript loader as its make target; returns its closing JSON line. */
export function runBench(run: BenchRun): Record<string, unknown> {
  const res = spawnSync(process.execPath, ['-r', './test/support/swc-register.js', run.script, ...(run.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...run.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // spawnSync blocks the event loop, so jest's own timeout could never end a hung bench.
    timeout: 15 * 60 * 1000,
  });
  if (res.error) throw new Error(`${run.script} did not finish: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${run.script} exited ${res.status}: ${res.stderr.slice(-2000)}`);
  const last = res.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}

const keyAt = (line: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), line);

/** Runs the bench and expects its line to name it and carry every contract key as a number (its speed is not judged). */
export function expectBenchLine(name: string, run: BenchRun): void {
  const line = runBench(run);
  expect(line.bench).toBe(name.replace('bench-', ''));
  for (const key of run.keys) expect({ key, type: typeof keyAt(line, key) }).toEqual({ key, type: 'number' });
  expect(typeof line.pass).toBe('boolean');
}
