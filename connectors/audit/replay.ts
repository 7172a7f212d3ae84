/**
 * `trust replay`, the auditor's command: verify every hash chain of the log, rebuild every
 * projection from position zero into a scratch database, and compare digests with the live ones.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectionDefinition } from '../../projections/projection';
import { rebuildAndCompare, type ProjectionVerdict } from '../../projections/rebuild';
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

export function replay(log: SqliteEventLog, live: Database.Database, projections: readonly ProjectionDefinition[]): ReplayReport {
  const head = log.headSync();
  const chains = verifyLog(log);
  const dir = mkdtempSync(join(tmpdir(), 'tf-replay-'));
  try {
    const verdicts = rebuildAndCompare(log, live, projections, join(dir, 'scratch.db'));
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
