/**
 * One `trust serve` per embedded data directory: a second one refuses at start-up naming the
 * holder, while the CLI's other commands keep working next to the service; after the holder is
 * SIGKILLed (no clean-up at all) a new service starts on the same files at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'connectors/cli/main.ts');

interface Run {
  proc: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function trust(dataDir: string, ...args: string[]): Run {
  const proc = spawn(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, TRUST_DATA_DIR: dataDir, TRUST_MODE: 'embedded', PORT: '0', TRUST_ZK_WORKERS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return { proc, out: () => out, exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))) };
}

/** Resolves once the service says it serves (or rejects with what it printed if it exits first). */
function serving(run: Run): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => /trust: serving on/.test(run.out()) && resolve();
    run.proc.stdout!.on('data', check);
    void run.exited.then((code) => reject(new Error(`exited with ${code}: ${run.out()}`)));
  });
}

test('a second trust serve on the same data directory refuses, naming the holder; the CLI still works; after a SIGKILL a new one starts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-serve-lock-'));
  try {
    const first = trust(dataDir, 'serve');
    await serving(first);

    const second = trust(dataDir, 'serve');
    expect(await second.exited).toBe(1);
    expect(second.out()).toContain(`error PRECONDITION_FAILED: another trust serve (pid ${first.proc.pid}) is serving the data directory ${dataDir}`);
    expect(second.out()).not.toContain('trust: serving on');

    // Other commands share the data with the running service.
    const tenant = trust(dataDir, 'tenant', 'add', 'acme', '--role', 'admin');
    expect(await tenant.exited).toBe(0);
    expect(tenant.out().trim().split('\n').pop()).toMatch(/^tf_/);

    first.proc.kill('SIGKILL');
    await first.exited;
    const third = trust(dataDir, 'serve');
    await serving(third);
    third.proc.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
