import type { Command } from 'commander';
import { formatReplay, replay } from '../../audit/replay';
import { allProjections } from '../../registry';
import { fail, openLiveReadModels, openLog } from '../open';

export function register(program: Command): void {
  program
    .command('replay')
    .description('auditor: verify every hash chain, rebuild every projection from zero, compare digests with the live ones')
    .option('--json', 'print the report as JSON')
    .action((opts: { json?: boolean }) => {
      const log = openLog();
      const live = openLiveReadModels();
      try {
        const report = replay(log, live, allProjections());
        console.log(opts.json ? JSON.stringify(report, null, 2) : formatReplay(report));
        process.exitCode = report.ok ? 0 : 3;
      } catch (err) {
        fail(err);
      } finally {
        live.close();
        void log.close();
      }
    });
}
