import type { Command } from 'commander';
import { once } from 'node:events';
import { createWriteStream, writeSync } from 'node:fs';
import { exportEvents, historyOf, importEvents } from '../../audit/export';
import { fail, openHistory, openJournalCopy } from '../open';
import { SqliteEventLog } from '../../../streams/log/sqlite/sqlite-event-log';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`expected a whole number ≥ 1, got '${v}'`);
  return n;
};

export function register(program: Command): void {
  const events = program.command('events').description('the event history');

  events
    .command('tail')
    .description('print events as JSON lines, then follow new ones')
    .option('--from <position>', 'first position (default: the last --last matching events)', int)
    .option('--last <n>', 'how many matching events to show before following', int, 10)
    .option('--stream <stream>', 'only this stream')
    .option('--type <types>', 'only these types (comma-separated)')
    .option('--no-follow', 'stop at the head instead of following')
    .action(async (opts: { from?: number; last: number; stream?: string; type?: string; follow: boolean }) => {
      const log = await openHistory().catch(fail);
      const head = await log.head();
      const types = opts.type?.split(',');
      const from = opts.from ?? (log instanceof SqliteEventLog ? log.startOfLastSync(opts.last, { types, stream: opts.stream }) : await log.startOfLast(opts.last, { types, stream: opts.stream }));
      const show = (e: { stream: string; position: number }) => {
        if (!opts.stream || e.stream === opts.stream) console.log(JSON.stringify(e));
      };
      if (!opts.follow) {
        for (const e of await log.read({ from, types, stream: opts.stream, limit: Math.max(1, head - from + 1) })) show(e);
        await log.close();
        return;
      }
      const sub = log.subscribe(from, { types }).subscribe({ next: show, error: fail });
      const stop = () => (sub.unsubscribe(), void log.close(), process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });

  events
    .command('export')
    .description('write the history as JSON Lines with its hashes (for auditors)')
    .option('--from <position>', 'first position', int)
    .option('--stream <stream>', 'only this stream')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--kafka-journal', 'read a v1.1 distributed deployment\'s journal topic (KAFKA_BROKERS, TRUST_KAFKA_PREFIX), read-only: the way to move it to v1.2')
    .action(async (opts: { from?: number; stream?: string; out?: string; kafkaJournal?: boolean }) => {
      const log = await (opts.kafkaJournal ? openJournalCopy() : openHistory()).catch(fail);
      try {
        if (opts.out) {
          const out = createWriteStream(opts.out);
          // Waits for the file to drain before the next page is read: memory stays flat on a long history.
          const n = await exportEvents(historyOf(log), (lines) => (out.write(lines) ? undefined : once(out, 'drain').then(() => undefined)), opts);
          await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
          console.error(`exported ${n} events to ${opts.out}`);
        } else {
          await exportEvents(historyOf(log), (lines) => void writeSync(1, lines), opts);
        }
      } catch (err) {
        fail(err);
      } finally {
        await log.close();
      }
    });

  events
    .command('import <file>')
    .description('load an export into an empty log, verifying every hash chain first')
    .action(async (file: string) => {
      const log = await openHistory().catch(fail);
      try {
        const r = await importEvents(historyOf(log), file);
        console.log(`imported ${r.imported} events in ${r.streams} streams; every chain verified; heads digest ${r.headsDigest}`);
      } catch (err) {
        fail(err);
      } finally {
        await log.close();
      }
    });
}
