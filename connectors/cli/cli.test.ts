/** The `trust` CLI as a user runs it: a real process over a real data directory. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const ROOT = join(__dirname, '..', '..');
const trust = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), join(__dirname, 'main.ts'), ...args], {
    env: { ...process.env, TRUST_DATA_DIR: dataDir, TRUST_SQLITE_SYNC: 'NORMAL' },
    encoding: 'utf8',
  });

describe('trust CLI', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'tf-cli-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('tenant add prints the new key alone on its last line, and stores only its hash', () => {
    const dir = fresh();
    const r = trust(dir, 'tenant', 'add', 'acme', '--role', 'auditor');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const key = lines[lines.length - 1];
    expect(key).toMatch(/^tf_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(lines[0]).toContain('auditor key');
    const secret = key.split('_').slice(2).join('_');
    expect(readFileSync(join(dir, 'log.db')).includes(Buffer.from(secret))).toBe(false);
    const bad = trust(dir, 'tenant', 'add', 'Not A Tenant!');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('tenant: must be');
  });

  test('demo loads data, export → import reproduces the history, replay verifies it', () => {
    const dir = fresh();
    const demo = trust(dir, 'demo');
    expect(demo.status).toBe(0);
    expect(demo.stdout.trim().split('\n').pop()).toMatch(/^tf_/);
    const exportFile = join(dir, 'history.jsonl');
    expect(trust(dir, 'events', 'export', '--out', exportFile).status).toBe(0);
    const lines = readFileSync(exportFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines[1]).toEqual(expect.objectContaining({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), payloadAvro: expect.any(String) }));

    const copy = fresh();
    const imported = trust(copy, 'events', 'import', exportFile);
    expect(imported.stdout).toContain(`imported ${lines.length} events`);
    const replayed = trust(copy, 'replay', '--json');
    expect(replayed.status).toBe(0);
    const report = JSON.parse(replayed.stdout);
    expect(report).toMatchObject({ ok: true, eventsVerified: lines.length, breaks: [] });
    // Same history, same chain heads.
    const original = JSON.parse(trust(dir, 'replay', '--json').stdout);
    expect(report.headsDigest).toBe(original.headsDigest);
    expect(trust(copy, 'events', 'import', exportFile).stderr).toContain('the log is not empty');
  });

  test('an edited export is refused with the stream and position of the edit', () => {
    const dir = fresh();
    trust(dir, 'demo');
    const out = trust(dir, 'events', 'export').stdout.trim().split('\n').map((l) => JSON.parse(l));
    const victim = out.findIndex((e) => e.type === 'AnnotationAdded');
    out[victim].payload.text = 'history rewritten';
    const file = join(dir, 'edited.jsonl');
    writeFileSync(file, out.map((l) => JSON.stringify(l)).join('\n'));
    const r = trust(fresh(), 'events', 'import', file);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`stream '${out[victim].stream}' at position ${out[victim].position}`);
  });

  test('replay reports an event tampered in the database with its stream and position', () => {
    const dir = fresh();
    trust(dir, 'demo');
    const db = new Database(join(dir, 'log.db'));
    const row = db.prepare("SELECT position, stream FROM events WHERE type = 'AnnotationAdded' ORDER BY position LIMIT 1").get() as { position: number; stream: string };
    db.prepare("UPDATE events SET occurred_at = '2020-01-01T00:00:00.000Z' WHERE position = ?").run(row.position);
    db.close();
    const r = trust(dir, 'replay');
    expect(r.status).toBe(3);
    expect(r.stdout).toContain(`TAMPERED stream ${row.stream} at position ${row.position}`);
    expect(r.stdout).toContain('replay: FAILED');
  });

  test('events tail --no-follow prints the last events as JSON lines', () => {
    const dir = fresh();
    trust(dir, 'demo');
    const lines = trust(dir, 'events', 'tail', '--no-follow', '--type', 'AnnotationAdded').stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).payload.text)).toEqual(['release 1.7 rollout started', 'gpu fleet drained for driver upgrade', 'release 1.7 signed off']);
  });
});
