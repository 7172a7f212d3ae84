import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPcqHarness, type PcqHarness } from '../../http/harness/pcq-harness';
import { planImport, runImport, runTimeline, type Post } from './pcq';

const replay = (runId: string, fixtureId: string, extra: Record<string, unknown> = {}) => ({
  runId,
  fixtureId,
  release: '1.7.0',
  runtime: { device: 'gpu', os: 'linux' },
  seed: 7,
  libs: { numpy: '1.26.4' },
  dataChecksum: 'sha256:d',
  metrics: { accuracy: 0.9 },
  ...extra,
});
const runnerFile = (status: string, replays: object[]) =>
  JSON.stringify({ runner: 'gpu-linux-2', release: '1.7.0', runtime: { device: 'gpu', os: 'linux' }, shard: '2/4', status, fixtures: ['fx-1', 'fx-2', 'fx-3'], replays });

describe('trust pcq import / timeline', () => {
  let h: PcqHarness;
  let post: Post;
  beforeAll(async () => {
    h = await startPcqHarness();
    const key = h.keyFor('demo');
    post = (path, body) => h.request('POST', path, key, body);
    await post('/v1/pcq/fixtures', ['fx-1', 'fx-2', 'fx-3'].map((fixtureId) => ({ fixtureId, seed: 7, libs: { numpy: '1.26.4' }, dataChecksum: 'sha256:d', baselineRuntime: { device: 'cpu', os: 'linux' } })));
  });
  afterAll(() => h.stop());

  test('a timed-out shard: its replays are recorded and the fixtures without one are reported missing, not passing', async () => {
    const r = await runImport(runnerFile('timed_out', [replay('g1', 'fx-1'), replay('g2', 'fx-2')]), post);
    expect(r).toMatchObject({ recorded: 2, duplicates: 0, missing: 1 });
    expect(r.lines[1]).toBe('shard 2/4: 1 fixtures reported as missing replays (timeout), not passing');
    await h.drain();
    expect(await h.readModels.all('SELECT fixture_id, runtime, shard, reason FROM pcq_missing')).toEqual([{ fixture_id: 'fx-3', runtime: 'gpu/linux', shard: '2/4', reason: 'timeout' }]);
    // Importing the same file again stores nothing twice.
    expect(await runImport(runnerFile('timed_out', [replay('g1', 'fx-1'), replay('g2', 'fx-2')]), post)).toMatchObject({ recorded: 0, duplicates: 2 });
  });

  test('the import meets the HTTP validation: a replay without a seed is refused with the same 422 problem', async () => {
    const { seed: _s, ...noSeed } = replay('g9', 'fx-3');
    await expect(runImport(runnerFile('completed', [noSeed]), post)).rejects.toMatchObject({ code: 'SCHEMA_VIOLATION', details: { problems: [{ field: 'replays[0].seed', problem: expect.stringContaining('seed enforcement') }] } });
    expect(() => planImport('{"release": 1}', 'runner.json')).toThrow(/runner.json.release: is required/);
    expect(planImport(runnerFile('completed', [replay('a', 'fx-1')])).missing).toMatchObject({ fixtureIds: ['fx-2', 'fx-3'], reason: 'no_output' });
  });

  test('timeline: writes a dated page and index.html, prunes pages older than 90 days, keeps newer ones', async () => {
    expect((await post('/v1/pcq/replays?wait=true', replay('c1', 'fx-1', { runtime: { device: 'cpu', os: 'linux' } }))).status).toBe(202);
    const out = mkdtempSync(join(tmpdir(), 'pcq-timeline-'));
    writeFileSync(join(out, 'pcq-timeline-20260801T000000Z.html'), 'old');
    writeFileSync(join(out, 'pcq-timeline-20261101T000000Z.html'), 'recent');
    const r = await runTimeline(h.readModels, { tenant: 'demo', releases: 5, out, now: new Date('2026-11-28T12:00:00Z') });
    expect(r.pruned).toEqual(['pcq-timeline-20260801T000000Z.html']);
    expect(readdirSync(out).sort()).toEqual(['index.html', 'pcq-timeline-20261101T000000Z.html', 'pcq-timeline-20261128T120000Z.html']);
    expect(readFileSync(r.index, 'utf8')).toContain('<tr id="fx-1--accuracy"');
    expect(existsSync(r.path)).toBe(true);
    await expect(runTimeline(h.readModels, { tenant: 'demo', releases: 0, out })).rejects.toThrow(/--releases/);
  });
});
