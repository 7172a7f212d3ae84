import type { Command } from 'commander';
import { callApi } from '../../http/client';
import { issueKey } from '../../auth/api-keys';
import { listen } from '../../http/server';
import { domains } from '../../registry';
import { openService } from '../../service';
import { cliConfig, fail } from '../open';

export const DEMO_TENANT = 'demo';

/**
 * Loads every domain's demo data through the real HTTP API of an in-process service (the same
 * ingest path as any producer), waits until processors and projections caught up, and prints
 * the demo admin key on the last line.
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('load a small realistic data set through the API and print a demo key')
    .action(async () => {
      const config = cliConfig();
      const service = openService(config);
      const running = await listen(service, 0);
      try {
        const issued = issueKey(DEMO_TENANT, 'admin', 'trust demo');
        await service.log.append([issued.event]);
        const base = `http://127.0.0.1:${running.port}`;
        const api = {
          tenant: DEMO_TENANT,
          request: (method: string, path: string, body?: unknown) => callApi(base, method, path, { key: issued.key, body }),
        };
        for (const d of domains()) {
          if (!d.demo) continue;
          for (const line of await d.demo(api)) console.log(`demo ${d.name}: ${line}`);
        }
        await service.ctx.settled(service.log.headSync(), 120000);
        console.log(`demo loaded into ${config.dataDir} (log head ${service.log.headSync()}). Start the service with \`trust serve\` and use this admin key for tenant '${DEMO_TENANT}':`);
        console.log(issued.key);
      } catch (err) {
        await running.stop();
        fail(err);
      }
      await running.stop();
    });
}
