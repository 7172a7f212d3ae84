import type { Command } from 'commander';
import { listen } from '../../http/server';
import { openService } from '../../service';
import { cliConfig } from '../open';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP service and the stream processors (PORT, TRUST_DATA_DIR, TRUST_LOG)')
    .action(async () => {
      const config = cliConfig();
      const service = openService(config);
      const running = await listen(service, config.port);
      const keys = (service.readModels.prepare('SELECT count(*) AS n FROM api_keys').get() as { n: number }).n;
      console.log(`trust: serving on http://127.0.0.1:${running.port} (log: ${config.logMode}, data: ${config.dataDir}, head: ${service.log.headSync()})`);
      if (keys === 0) console.log('trust: no API keys yet; make one with `trust tenant add <tenant> --role admin` or load the demo with `trust demo`');
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`trust: ${signal}: draining requests, stopping processors at a committed point`);
        running.stop().then(
          () => process.exit(0),
          (err) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    });
}
