import type { Command } from 'commander';
import { formatReplay, replay } from '../../audit/replay';
import { allProjections } from '../../registry';
import { KafkaEventLog } from '../../../streams/log/kafka/kafka-event-log';
import { kafkaOptionsFromEnv } from '../../../streams/log/kafka/from-env';
import { cliConfig, fail, openLiveReadModels, openLog } from '../open';

export function register(program: Command): void {
  program
    .command('replay')
    .description('auditor: verify every hash chain, rebuild every projection from zero, compare digests with the live ones')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = cliConfig();
      // On Kafka the auditor reads the journal into a local mirror without ever writing (no fencing of the service's writer).
      const kafka = config.logMode === 'kafka' ? await KafkaEventLog.connect({ ...kafkaOptionsFromEnv(process.env), readOnly: true }).catch(fail) : undefined;
      const log = kafka ? kafka.mirror : openLog(config);
      const live = openLiveReadModels(config);
      try {
        if (kafka) await kafka.sync();
        const report = replay(log, live, allProjections());
        console.log(opts.json ? JSON.stringify(report, null, 2) : formatReplay(report));
        process.exitCode = report.ok ? 0 : 3;
      } catch (err) {
        fail(err);
      } finally {
        live.close();
        await (kafka ?? log).close();
      }
    });
}
