/** Start a TypeScript entry point in a child process and wait for its `ready <port>` line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface Child {
  proc: ChildProcess;
  port: number;
  exited: Promise<number | null>;
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
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]), exited });
    });
    void exited.then((code) => reject(new Error(`child exited with ${code} before it was ready: ${stderr}`)));
  });
}
