/**
 * Export and import stream a long history in chunks (5,000 events): given a history longer than a
 * chunk, an export imports into an empty log with the same chain heads; an edit past the first
 * chunk is refused with its stream and position and leaves the log empty (the chunks already
 * inserted are rolled back with the rest).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegrityError } from '../../schemas/errors';
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import { exportEvents, historyOf, importEvents } from './export';

const EVENTS = 12_000; // more than two chunks

describe('export → import of a history longer than a chunk', () => {
  let dir: string;
  let file: string;
  let exported: string[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tf-export-'));
    const source = new SqliteEventLog({ path: ':memory:' });
    for (let i = 0; i < EVENTS; i += 1000) {
      await source.append(
        Array.from({ length: 1000 }, (_, j) => ({ type: 'AnnotationAdded', stream: `notes-${(i + j) % 37}`, tenant: 'acme', payload: { subject: 's', text: `event ${i + j}`, author: 'audit', tags: [] } })),
      );
    }
    file = join(dir, 'history.jsonl');
    const writes: number[] = [];
    const out: string[] = [];
    const n = await exportEvents(historyOf(source), async (lines) => {
      writes.push(lines.split('\n').length - 1);
      out.push(lines);
    });
    writeFileSync(file, out.join(''));
    expect(n).toBe(EVENTS);
    expect(writes).toEqual([5000, 5000, 2000]); // a page at a time, each write awaited
    exported = readFileSync(file, 'utf8').trim().split('\n');
    await source.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('given the export, when it is imported into an empty log, then every event is there with the same chain heads', async () => {
    const target = new SqliteEventLog({ path: join(dir, 'ok.db') });
    const r = await importEvents(historyOf(target), file);
    expect(r).toMatchObject({ imported: EVENTS, streams: 37 });
    expect(target.headSync()).toBe(EVENTS);
    const last = JSON.parse(exported[EVENTS - 1]);
    expect((await target.readStream(last.stream, last.streamVersion, 1))[0]).toMatchObject({ id: last.id, position: EVENTS });
    await target.close();
  });

  test('given an event edited past the first chunk, when the export is imported, then it is refused at that event and nothing is stored', async () => {
    const lines = [...exported];
    const victim = JSON.parse(lines[7_321]);
    victim.payload.text = 'history rewritten';
    victim.payloadAvro = undefined; // re-encoded below so the JSON and the hashed bytes agree: only the chain can tell
    const source = new SqliteEventLog({ path: ':memory:' });
    victim.payloadAvro = source.codec.encode('AnnotationAdded', victim.payload, 'payload').bytes.toString('base64');
    await source.close();
    lines[7_321] = JSON.stringify(victim);
    const edited = join(dir, 'edited.jsonl');
    writeFileSync(edited, lines.join('\n'));

    const target = new SqliteEventLog({ path: join(dir, 'refused.db') });
    const refused = importEvents(historyOf(target), edited);
    await expect(refused).rejects.toBeInstanceOf(IntegrityError);
    await expect(refused).rejects.toThrow(`stream '${victim.stream}' at position ${victim.position}`);
    expect(target.headSync()).toBe(0);
    expect(await target.read({ limit: 1 })).toEqual([]);
    await target.close();
  });
});
