import type { Command } from 'commander';
import { loadSloSpec, sloSpecPath } from '../../../projections/ops/slo-spec';
import { startSloSampler } from '../../../projections/ops/slo-sampler';
import { listen } from '../../http/server';
import { checkServeConfig } from '../../config';
import { openConfiguredService } from '../../service';
import { cliConfig, fail } from '../open';
import { holdServeLock } from '../serve-lock';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP service and the stream processors (PORT, TRUST_DATA_DIR, TRUST_MODE=embedded|distributed)')
    .action(async () => {
      const config = cliConfig();
      let releaseLock = (): void => undefined;
      try {
        checkServeConfig(config);
        // Embedded mode: this process owns the data directory (distributed instances keep nothing there).
        if (config.logMode !== 'distributed') releaseLock = holdServeLock(config.dataDir);
      } catch (err) {
        fail(err);
      }
      const service = await openConfiguredService(config).catch(fail);
      const running = await listen(service, config.port);
      // The service's own SLIs become SloSampled events: the SLO projection and /ui/ops/slo read them.
      const sampler = startSloSampler(service.log, loadSloSpec(sloSpecPath(config.paths.sloFile)), { intervalMs: config.sloSampleIntervalMs });
      const keys = (await service.readModels.get<{ n: number }>('SELECT count(*) AS n FROM api_keys'))?.n ?? 0;
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`trust: ${signal}: draining requests, stopping processors at a committed point`);
        // A server that is down must not keep the process from exiting: what is not committed is redone by the next owner.
        setTimeout(() => {
          console.error(`trust: not drained within ${config.shutdownTimeoutMs} ms (a server is unreachable?); exiting`);
          process.exit(1);
        }, config.shutdownTimeoutMs).unref();
        // The sampler appends its last sample before the log closes.
        sampler
          .stop()
          .then(() => running.stop())
          .then(releaseLock)
          .then(
            () => process.exit(0),
            (err) => {
              console.error(err);
              process.exit(1);
            },
          );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
      // Said once a signal would drain it: a supervisor may stop it the moment it reads this line.
      console.log(`trust: serving on http://127.0.0.1:${running.port} (log: ${config.logMode}, data: ${config.dataDir}, head: ${service.headSync()})`);
      if (keys === 0) console.log('trust: no API keys yet; make one with `trust tenant add <tenant> --role admin` or load the demo with `trust demo`');
    });
}
