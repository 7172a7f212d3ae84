/**
 * Starts `trust serve` as a child process on 127.0.0.1 over its own data directory, for the load
 * and chaos scripts (or uses the service at TRUST_URL with TRUST_KEY when both are set).
 * Uses the build (dist/) when present, else the sources through SWC.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** The service's V8 flags, as `make run` starts it (the Makefile's SERVICE_NODE_FLAGS; the same default here). */
const SERVICE_NODE_FLAGS = (process.env.SERVICE_NODE_FLAGS ?? '--max-semi-space-size=64').split(' ').filter(Boolean);

function cliArgs(): string[] {
  const built = join(ROOT, 'dist', 'connectors', 'cli', 'main.js');
  if (existsSync(built) && !process.env.TRUST_FROM_SOURCES) return [...SERVICE_NODE_FLAGS, built];
  return [...SERVICE_NODE_FLAGS, '-r', join(ROOT, 'test', 'support', 'swc-register.js'), join(ROOT, 'connectors', 'cli', 'main.ts')];
}

/** `trust tenant add <tenant> --role admin` on a data dir; returns the key (last line of output). */
export function issueAdminKey(dataDir: string, tenant = 'loadtest'): string {
  return issueKey(dataDir, tenant, 'admin');
}

/** `trust tenant add <tenant> --role <role>` on a data dir; returns the key (last line of output). */
export function issueKey(dataDir: string, tenant: string, role: 'producer' | 'auditor' | 'admin'): string {
  const out = spawnSync(process.execPath, [...cliArgs(), 'tenant', 'add', tenant, '--role', role], {
    cwd: ROOT,
    env: { ...process.env, TRUST_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`trust tenant add failed: ${out.stderr}`);
  return out.stdout.trim().split('\n').pop()!.trim();
}

export interface ServiceProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Spawn `trust serve` and resolve once it prints its address. `port` 0 = any free port. */
export function startServe(dataDir: string, port = 0, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const proc = spawn(process.execPath, [...cliArgs(), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, TRUST_DATA_DIR: dataDir, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`trust serve did not start within 60 s: ${err}`)), 60000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /serving on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], port: Number(m[2]), exited });
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`trust serve exited with ${code} before serving: ${err}`));
    });
  });
}

/** SIGTERM (graceful) and wait for the exit. */
export async function stopServe(svc: ServiceProcess): Promise<void> {
  if (svc.proc.exitCode === null && svc.proc.signalCode === null) svc.proc.kill('SIGTERM');
  await svc.exited;
}
