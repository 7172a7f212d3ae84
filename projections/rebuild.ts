/**
 * The auditor's check: rebuild every projection from position zero into a scratch database and
 * compare its digest with the live projection's, each up to the position the live one reached.
 */
import Database from 'better-sqlite3';
import { projectionDigest } from './digest';
import { ProjectionRunner, positionOf, prepareProjection, type ProjectionSource } from './projection-runner';
import type { ProjectionDefinition } from './projection';

export interface ProjectionVerdict {
  name: string;
  version: number;
  position: number;
  live: string;
  rebuilt: string;
  match: boolean;
}

export function rebuildAndCompare(
  source: ProjectionSource,
  live: Database.Database,
  projections: readonly ProjectionDefinition[],
  scratchPath = ':memory:',
): ProjectionVerdict[] {
  const scratch = new Database(scratchPath);
  scratch.pragma('journal_mode = OFF');
  scratch.pragma('synchronous = OFF');
  try {
    return projections.map((def) => {
      prepareProjection(live, def);
      const position = positionOf(live, def.name);
      const runner = new ProjectionRunner(scratch, source, def, { batchSize: 5000 });
      runner.catchUp(position);
      const liveDigest = projectionDigest(live, def);
      const rebuilt = projectionDigest(scratch, def);
      return { name: def.name, version: def.version, position, live: liveDigest, rebuilt, match: liveDigest === rebuilt };
    });
  } finally {
    scratch.close();
  }
}
