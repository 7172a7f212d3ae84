/** Start a TypeScript entry point in a child process and wait for its `ready <port>` line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface Child {
  proc: ChildProcess;
  port: number;
  exited: Promise<number | null>;
  /** Resolves when the child's stdout (from its start) matches `pattern`. */
  printed(pattern: RegExp): Promise<void>;
}

export function startChild(entry: string, env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  let out = '';
  const waiters = new Set<() => void>();
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => pattern.test(out) && (waiters.delete(check), resolve());
      waiters.add(check);
      check();
    });
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      for (const w of [...waiters]) w();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]), exited, printed });
    });
    void exited.then((code) => reject(new Error(`child exited with ${code} before it was ready: ${stderr}`)));
  });
}
