#!/usr/bin/env node
/** `trust`: the command line of Trust Fabric. Each command lives in commands/<name>.ts. */
import { Command } from 'commander';
import { register as demo } from './commands/demo';
import { register as events } from './commands/events';
import { register as lac } from './commands/lac';
import { register as pcq } from './commands/pcq';
import { register as replay } from './commands/replay';
import { register as serve } from './commands/serve';
import { register as tenant } from './commands/tenant';
import { register as zk } from './commands/zk';

export function buildProgram(): Command {
  const program = new Command('trust').description('Trust Fabric: event-sourced trust services (PCQ, LAC, ZK-TX)').version('1.1.0');
  for (const register of [serve, replay, events, tenant, demo, pcq, lac, zk]) register(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err) => {
      console.error(`error: ${err?.message ?? err}`);
      process.exit(1);
    });
}
