import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatReplay, replay } from '../../audit/replay';
import { snapshotToSqlite } from '../../audit/snapshot';
import { allProjections } from '../../registry';
import { PgEventLog } from '../../../streams/log/postgres/pg-event-log';
import type { SqliteEventLog } from '../../../streams/log/sqlite/sqlite-event-log';
import { cliConfig, fail, openLiveReadModels, openLog } from '../open';

export function register(program: Command): void {
  program
    .command('replay')
    .description('auditor: verify every hash chain, rebuild every projection from zero, compare digests with the live ones')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = cliConfig();
      const scratch = mkdtempSync(join(tmpdir(), 'tf-audit-'));
      let log: SqliteEventLog | undefined;
      // Distributed: the store is read without writing anything (no migration, no checkpoint), into a
      // local copy taken after the live read models were read.
      const openCopy = async () => {
        const store = await PgEventLog.open({ connectionString: config.databaseUrl!, readOnly: true });
        return (log = await snapshotToSqlite(store, join(scratch, 'store.db')).finally(() => store.close()));
      };
      const live = openLiveReadModels(config);
      try {
        const report = await replay(config.logMode === 'distributed' ? openCopy : (log = openLog(config)), live, allProjections());
        console.log(opts.json ? JSON.stringify(report, null, 2) : formatReplay(report));
        process.exitCode = report.ok ? 0 : 3;
      } catch (err) {
        fail(err);
      } finally {
        await live.close();
        await log?.close();
        rmSync(scratch, { recursive: true, force: true });
      }
    });
}
