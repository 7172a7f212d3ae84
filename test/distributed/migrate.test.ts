/**
 * Moving from embedded to distributed mode, as the upgrade guide says: `trust events export` on the
 * embedded log, `trust events import` into an empty PostgreSQL store, every chain verified; the
 * auditor's replay in distributed mode then reports the same heads digest as in embedded mode, and
 * a second import is refused (the store is not empty).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase } from '../../infra/postgres/fresh-database';
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import { logPath } from '../../connectors/service';
import { databaseUrl, describeDistributed, kafkaBrokers, uniqueName } from './env';
import { writeV11Journal } from './v11-journal';

const ROOT = join(__dirname, '..', '..');
const trust = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, 'connectors/cli/main.ts'), ...args], { cwd: ROOT, env, encoding: 'utf8' });

describeDistributed('embedded → distributed: export, import, replay', () => {
  test('the imported history verifies and replays to the same heads digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-migrate-'));
    try {
      const embeddedEnv = { ...process.env, TRUST_MODE: 'embedded', TRUST_DATA_DIR: join(dir, 'embedded') };
      const log = new SqliteEventLog({ path: logPath(embeddedEnv.TRUST_DATA_DIR) });
      for (let i = 0; i < 30; i++) {
        await log.append([{ type: 'AnnotationAdded', stream: `notes-${i % 4}`, tenant: `t${i % 3}`, payload: { subject: 's', text: `note ${i}`, author: 'a', tags: [] } }]);
      }
      await log.close();
      const file = join(dir, 'history.jsonl');
      const exported = trust(['events', 'export', '--out', file], embeddedEnv);
      expect(exported.stderr).toContain('exported 30 events');
      const before = JSON.parse(trust(['replay', '--json'], embeddedEnv).stdout);

      const distributedEnv = { ...process.env, TRUST_MODE: 'distributed', DATABASE_URL: await freshDatabase(databaseUrl, `migrate_${process.pid}`), TRUST_DATA_DIR: join(dir, 'distributed') };
      const imported = trust(['events', 'import', file], distributedEnv);
      expect(imported.stderr).toBe('');
      expect(imported.stdout).toMatch(/imported 30 events in 4 streams; every chain verified/);
      const after = trust(['replay', '--json'], distributedEnv);
      expect(after.status).toBe(0);
      const report = JSON.parse(after.stdout);
      expect({ head: report.head, verified: report.eventsVerified, digest: report.headsDigest }).toEqual({ head: 30, verified: 30, digest: before.headsDigest });
      const again = trust(['events', 'import', file], distributedEnv);
      expect(again.status).not.toBe(0);
      expect(again.stderr).toMatch(/not empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('a v1.1 Kafka journal moves the same way: exported read-only with --kafka-journal, imported, verified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-migrate-journal-'));
    const prefix = uniqueName('trust.v11');
    try {
      // A prefix with no journal: the export says so instead of exporting nothing.
      const none = trust(['events', 'export', '--kafka-journal'], { ...process.env, TRUST_MODE: 'embedded', TRUST_KAFKA_PREFIX: uniqueName('trust.none'), TRUST_DATA_DIR: join(dir, 'unused') });
      expect(none.status).not.toBe(0);
      expect(none.stderr).toMatch(/no v1\.1 journal topic/);
      // As a v1.1 writer left it: group commits in transactions (commit markers between them).
      const events = Array.from({ length: 12 }, (_, i) => ({ type: 'AnnotationAdded', stream: `j-${i % 3}`, tenant: 'acme', payload: { subject: 's', text: `journal ${i}`, author: 'a', tags: [] } }));
      await writeV11Journal(kafkaBrokers, prefix, events, 5);
      const file = join(dir, 'journal.jsonl');
      const v11 = { ...process.env, TRUST_MODE: 'embedded', TRUST_KAFKA_PREFIX: prefix, TRUST_DATA_DIR: join(dir, 'unused') };
      const exported = trust(['events', 'export', '--kafka-journal', '--out', file], v11);
      expect(exported.stderr).toContain('exported 12 events');
      const distributedEnv = { ...process.env, TRUST_MODE: 'distributed', DATABASE_URL: await freshDatabase(databaseUrl, `migrate_journal_${process.pid}`), TRUST_DATA_DIR: join(dir, 'distributed') };
      const imported = trust(['events', 'import', file], distributedEnv);
      expect(imported.stdout).toMatch(/imported 12 events in 3 streams; every chain verified/);
      expect(JSON.parse(trust(['replay', '--json'], distributedEnv).stdout)).toMatchObject({ head: 12, eventsVerified: 12, ok: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
