/**
 * `trust replay`, the auditor's command: verify every hash chain of the log, rebuild every
 * projection from position zero into a scratch database, and compare digests with the live ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectionDefinition } from '../../projections/projection';
import { captureLive, rebuildAndCompare, type ProjectionVerdict } from '../../projections/rebuild';
import type { ReadModelStore } from '../../projections/store/port';
import type { ChainBreak } from '../../streams/log/hash-chain';
import type { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import { verifyLog } from '../../streams/log/verify';

export interface ReplayReport {
  head: number;
  eventsVerified: number;
  headsDigest: string;
  breaks: ChainBreak[];
  projections: ProjectionVerdict[];
  ok: boolean;
}

/**
 * `log`: the log itself, or how to open it once the live read models were read (a copy of a shared
 * store taken after the live digests, so it reaches every position they were folded to).
 */
export async function replay(
  log: SqliteEventLog | (() => Promise<SqliteEventLog>),
  live: ReadModelStore,
  projections: readonly ProjectionDefinition[],
): Promise<ReplayReport> {
  const captured = await captureLive(live, projections);
  if (typeof log === 'function') log = await log();
  const head = log.headSync();
  const chains = verifyLog(log);
  const dir = mkdtempSync(join(tmpdir(), 'tf-replay-'));
  try {
    const verdicts = await rebuildAndCompare(log, captured, join(dir, 'scratch.db'));
    return {
      head,
      eventsVerified: chains.verified,
      headsDigest: chains.headsDigest(),
      breaks: chains.breaks,
      projections: verdicts,
      ok: chains.breaks.length === 0 && verdicts.every((v) => v.match),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatReplay(r: ReplayReport): string {
  const lines = [`log head ${r.head}: ${r.eventsVerified} events verified, heads digest ${r.headsDigest}`];
  for (const b of r.breaks) lines.push(`TAMPERED stream ${b.stream} at position ${b.position}: ${b.problem}`);
  for (const p of r.projections) {
    lines.push(`${p.match ? 'ok      ' : 'MISMATCH'} ${p.name} v${p.version} @${p.position} ${p.rebuilt}${p.match ? '' : ` (live ${p.live})`}`);
  }
  lines.push(r.ok ? 'replay: OK' : 'replay: FAILED');
  return lines.join('\n');
}
