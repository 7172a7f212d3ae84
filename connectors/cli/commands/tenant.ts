import type { Command } from 'commander';
import { issueKey } from '../../auth/api-keys';
import type { Role } from '../../http/context';
import { fail, openWritableLog } from '../open';

export function register(program: Command): void {
  const tenant = program.command('tenant').description('tenants and their API keys');
  tenant
    .command('add <tenant>')
    .description('issue an API key for a tenant; the key is printed once, alone on the last line')
    .option('--role <role>', 'producer | auditor | admin', 'producer')
    .option('--label <label>', 'a note to recognise the key by')
    .action(async (name: string, opts: { role: Role; label?: string }) => {
      const log = await openWritableLog().catch(fail);
      try {
        const issued = issueKey(name, opts.role, opts.label ?? null);
        await log.append([issued.event]);
        console.log(`issued ${opts.role} key ${issued.keyId} for tenant ${name}; it is shown once, store it now:`);
        console.log(issued.key);
      } catch (err) {
        fail(err);
      } finally {
        await log.close();
      }
    });
}
