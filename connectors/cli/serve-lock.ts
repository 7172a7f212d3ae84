/**
 * One `trust serve` per embedded data directory. The CLI's other commands share the log with it
 * freely (SQLite serialises writers), but a second service on the same files would run a second
 * set of provers that claim batches in their own memory (proving every batch twice, each with its
 * own random proof under the same derived outcome id) and a second SLO sampler. More instances
 * are what distributed mode is for.
 *
 * The lock is SQLite's own: `serve.lock` opened in exclusive locking mode and written once, so
 * the connection keeps its exclusive file lock until it closes. The operating system drops that
 * lock when the process ends, however it ends, so a restart after a SIGKILL never meets a stale
 * lock (a pid file alone would). `serve.pid` only says who holds it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PreconditionError } from '../../schemas/errors';

/** SQLite's answer while another connection holds the file. */
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

/** Take the data directory's service lock or refuse, naming the holder; returns its release. */
export function holdServeLock(dataDir: string): () => void {
  const lockFile = join(dataDir, 'serve.lock');
  const pidFile = join(dataDir, 'serve.pid');
  mkdirSync(dataDir, { recursive: true });
  // timeout 0: a held lock is an answer now, not something to wait five seconds for.
  const db = new Database(lockFile, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder; COMMIT');
  } catch (err) {
    db.close();
    if (!BUSY.has((err as { code?: string }).code ?? '')) throw err;
    throw new PreconditionError(
      `another trust serve${holderOf(pidFile)} is serving the data directory ${dataDir}; one service per embedded data directory (run more instances in distributed mode: TRUST_MODE=distributed)`,
      { dataDir },
    );
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  return () => {
    rmSync(pidFile, { force: true });
    db.close();
  };
}

function holderOf(pidFile: string): string {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? ` (pid ${pid})` : '';
  } catch {
    return '';
  }
}
