/**
 * The auditor's check: rebuild every projection from position zero into a scratch database and
 * compare its digest with the live projection's, each up to the position the live one reached.
 * The live side is read first, from one snapshot per projection (its position and rows agree even
 * while an instance keeps folding); the log the rebuild reads must then reach those positions.
 */
import { projectionDigest } from './digest';
import { ProjectionRunner, type ProjectionSource } from './projection-runner';
import type { ProjectionDefinition } from './projection';
import type { ReadModelStore } from './store/port';
import { SqliteReadModels } from './store/sqlite-store';

export interface ProjectionVerdict {
  name: string;
  version: number;
  position: number;
  live: string;
  rebuilt: string;
  match: boolean;
}

export interface LiveDigest {
  def: ProjectionDefinition;
  position: number;
  digest: string;
}

/** Each live projection's position and digest, read without writing (the auditor may not write). */
export async function captureLive(live: ReadModelStore, projections: readonly ProjectionDefinition[]): Promise<LiveDigest[]> {
  const out: LiveDigest[] = [];
  const folded = (await live.columns('projection_meta')).length > 0; // no table: nothing was ever folded
  for (const def of projections) {
    out.push(
      await live.snapshot(async (q) => {
        const meta = folded ? await q.get<{ version: number; position: number }>('SELECT version, position FROM projection_meta WHERE name = ?', [def.name]) : undefined;
        return { def, position: meta?.version === def.version ? meta.position : 0, digest: await projectionDigest(live, q, def) };
      }),
    );
  }
  return out;
}

export async function rebuildAndCompare(source: ProjectionSource, captured: readonly LiveDigest[], scratchPath = ':memory:'): Promise<ProjectionVerdict[]> {
  const scratch = new SqliteReadModels(scratchPath, { synchronous: 'OFF' });
  try {
    const verdicts: ProjectionVerdict[] = [];
    for (const { def, position, digest } of captured) {
      const runner = new ProjectionRunner(scratch, source, def, { batchSize: 5000 });
      await runner.catchUp(position);
      const rebuilt = await projectionDigest(scratch, scratch, def);
      verdicts.push({ name: def.name, version: def.version, position, live: digest, rebuilt, match: digest === rebuilt });
    }
    return verdicts;
  } finally {
    await scratch.close();
  }
}
