/**
 * `trust zk …` (client side of ZK-TX):
 *   trust zk leaves --pepper-file <f> --pepper-version <n>
 *        reads raw selectors on stdin, one a line, and prints their leaves as a JSON array of
 *        decimal strings — the same code (streams/zk/selector.ts) the TypeScript SDK uses. Runs
 *        locally: nothing is sent anywhere; post the leaves with POST /v1/zk/sets.
 * The logic is a plain function (leavesFromText) that the tests call directly.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../../schemas/errors';
import { leavesOf } from '../../../streams/zk/selector';
import { fail } from '../open';

/** Reads the pepper file: hex on one line. Names the option when it is wrong. */
export function readPepper(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new ValidationError([{ field: '--pepper-file', problem: 'must hold the pepper as hex on exactly one line' }]);
  const hex = lines[0].trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{2,}$/.test(hex)) throw new ValidationError([{ field: '--pepper-file', problem: 'the pepper must be hex digits' }]);
  return hex;
}

export function parsePepperVersion(v: string): number {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new ValidationError([{ field: '--pepper-version', problem: 'must be a positive integer' }]);
  return n;
}

/** Selectors (one a line; blank lines skipped) → leaves, in input order. */
export async function leavesFromText(selectorsText: string, pepperHex: string): Promise<string[]> {
  const selectors = selectorsText.split(/\r?\n/).filter((l) => l.trim() !== '');
  return leavesOf(selectors, pepperHex);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function register(program: Command): void {
  const zk = program.command('zk').description('ZK-TX: client-side leaves for committed sets and queries');
  zk.command('leaves')
    .description('read raw selectors on stdin (one a line), print their leaves as a JSON array of decimal strings; runs locally')
    .requiredOption('--pepper-file <file>', 'file holding the alliance pepper as hex on one line')
    .requiredOption('--pepper-version <n>', 'the pepper version (recorded with the set or query you post)')
    .action(async (opts: { pepperFile: string; pepperVersion: string }) => {
      try {
        parsePepperVersion(opts.pepperVersion);
        let text: string;
        try {
          text = readFileSync(opts.pepperFile, 'utf8');
        } catch {
          throw new ValidationError([{ field: '--pepper-file', problem: `cannot read ${opts.pepperFile}` }]);
        }
        const pepper = readPepper(text);
        process.stdout.write(JSON.stringify(await leavesFromText(await readStdin(), pepper)) + '\n');
      } catch (err) {
        fail(err);
      }
    });
}
