/**
 * Crash test: the service is SIGKILLed at random (seeded) points while producers publish, and
 * restarted. Clients retry what was not acknowledged with the same ids. At the end every event
 * is on the log exactly once, every processor effect happened exactly once, and every projection
 * equals a clean rebuild.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueKey } from '../../connectors/auth/api-keys';
import { replay } from '../../connectors/audit/replay';
import { loadConfig } from '../../connectors/config';
import { allProjections } from '../../connectors/registry';
import { openService } from '../../connectors/service';
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import { startChild } from '../support/child';
import { mulberry32 } from '../../streams/seeded-random';
import { milestones } from './crash-child';

const ROUNDS = 5;
const STREAMS = 7;
const CHILD = join(__dirname, 'crash-child.ts');

interface Note {
  id: string;
  type: 'AnnotationAdded';
  stream: string;
  payload: { subject: string; text: string; author: string; tags: string[] };
}

describe('crash safety of the embedded service', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('SIGKILL at random points: nothing lost, nothing applied twice, projections equal a rebuild', async () => {
    const rng = mulberry32(20261128);
    const env = { TRUST_DATA_DIR: dataDir, TRUST_SQLITE_SYNC: 'FULL' };
    const issued = issueKey('acme', 'producer');
    const seedLog = new SqliteEventLog({ path: join(dataDir, 'log.db') });
    await seedLog.append([issued.event]);
    await seedLog.close();

    const sent = new Map<string, Note>();
    const acked = new Set<string>();
    let seq = 0;
    let interrupted = 0;
    const newNote = (): Note => {
      const n = seq++;
      const note: Note = { id: `note-${n}`, type: 'AnnotationAdded', stream: `s${n % STREAMS}`, payload: { subject: 'crash', text: `n${n}`, author: 'crash-test', tags: [] } };
      sent.set(note.id, note);
      return note;
    };
    const post = async (port: number, notes: Note[]): Promise<boolean> => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${issued.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events: notes }),
        });
        if (res.status !== 202) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
        notes.forEach((n) => acked.add(n.id));
        return true;
      } catch (err) {
        if ((err as Error).message.startsWith('unexpected')) throw err;
        interrupted++;
        return false; // the server died mid-request: not acknowledged, will be retried
      }
    };

    for (let round = 0; round < ROUNDS; round++) {
      const child = await startChild(CHILD, env);
      let alive = true;
      void child.exited.then(() => (alive = false));
      const killAfterMs = 40 + Math.floor(rng() * 300);
      const killer = setTimeout(() => child.proc.kill('SIGKILL'), killAfterMs);
      const producer = async () => {
        while (alive) {
          const retry = [...sent.values()].filter((n) => !acked.has(n.id)).slice(0, 3);
          const batch = [...retry, ...Array.from({ length: 1 + Math.floor(rng() * 4) }, newNote)];
          if (!(await post(child.port, batch))) return;
        }
      };
      await Promise.all([producer(), producer(), producer()]);
      clearTimeout(killer);
      await child.exited;
    }

    // Last start: retry everything unacknowledged, then stop gracefully.
    const child = await startChild(CHILD, env);
    const pending = [...sent.values()].filter((n) => !acked.has(n.id));
    for (let i = 0; i < pending.length; i += 50) expect(await post(child.port, pending.slice(i, i + 50))).toBe(true);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(acked.size).toBe(sent.size);
    expect(sent.size).toBeGreaterThan(ROUNDS * 5);
    expect(interrupted).toBeGreaterThanOrEqual(ROUNDS); // every kill hit requests in flight

    // Resume the processors and projections where the killed instances left them, to the head.
    const service = openService(loadConfig({ TRUST_DATA_DIR: dataDir }), { processors: [milestones], projections: allProjections() });
    for (const r of service.processors) while (r.runBatch() > 0);
    for (const p of service.projections) await p.catchUp();

    const notes = service.log.db.prepare("SELECT id, stream FROM events WHERE type = 'AnnotationAdded' AND stream NOT LIKE 'milestones-%'").all() as { id: string; stream: string }[];
    expect(notes.length).toBe(sent.size);
    expect(new Set(notes.map((n) => n.id))).toEqual(new Set(sent.keys()));

    const milestoneTexts = service.log.db.prepare("SELECT stream, count(*) AS n, count(DISTINCT id) AS ids FROM events WHERE stream LIKE 'milestones-%' GROUP BY stream").all() as { stream: string; n: number; ids: number }[];
    for (let s = 0; s < STREAMS; s++) {
      const inputs = notes.filter((n) => n.stream === `s${s}`).length;
      expect(service.processors[0].stateOf(`s${s}`)).toEqual({ count: inputs });
      const m = milestoneTexts.find((x) => x.stream === `milestones-s${s}`);
      expect({ stream: s, milestones: m?.n ?? 0 }).toEqual({ stream: s, milestones: Math.floor(inputs / 3) });
    }
    const dead = service.log.db.prepare("SELECT count(*) AS n FROM events WHERE type = 'DeadLettered'").get() as { n: number };
    expect(dead.n).toBe(0);

    const report = await replay(service.log, service.readModels, allProjections());
    expect(report.breaks).toEqual([]);
    expect(report.projections.every((p) => p.match && p.position === service.log.headSync())).toBe(true);
    expect(report.ok).toBe(true);
    await service.close();
  });
});
