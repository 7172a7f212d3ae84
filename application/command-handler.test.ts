/** handleCommand: given a stream, when a command meets conflicts, then it decides again on fresh state. */
import { VersionConflictError } from '../schemas/errors';
import { TransientError } from '../schemas/errors';
import { handleCommand, type CommandStream } from './command-handler';

/** A counter stream whose appends conflict `conflicts` times first (another writer got in before). */
function counter(conflicts: number) {
  const log: number[] = [];
  const reads: number[] = [];
  const stream: CommandStream<number, number> = {
    async read() {
      reads.push(log.length);
      return { state: log.reduce((a, b) => a + b, 0), version: log.length };
    },
    async append(expected, events) {
      if (conflicts-- > 0) {
        log.push(100); // the other writer's event
        throw new VersionConflictError('counter', expected, log.length);
      }
      if (expected !== log.length) throw new VersionConflictError('counter', expected, log.length);
      log.push(...events);
    },
  };
  return { stream, log, reads };
}

test('given two conflicting writers, when the command retries, then it decides on the state it lost to', async () => {
  const { stream, log, reads } = counter(2);
  const result = await handleCommand(stream, (sum) => ({ events: [1], result: () => sum + 1 }), { retry: { onVersionConflict: 3 } });
  expect(log).toEqual([100, 100, 1]);
  expect(reads).toEqual([0, 1, 2]);
  expect(result).toBe(201);
});

test('when conflicts outlast the retries, then the last conflict (or the exhausted error) is thrown and nothing is appended', async () => {
  const a = counter(5);
  await expect(handleCommand(a.stream, () => ({ events: [1], result: () => 0 }), { retry: { onVersionConflict: 2 } })).rejects.toBeInstanceOf(VersionConflictError);
  expect(a.log).toEqual([100, 100, 100]);
  const b = counter(5);
  await expect(handleCommand(b.stream, () => ({ events: [1], result: () => 0 }), { retry: { onVersionConflict: 1 }, exhausted: () => new TransientError('kept racing') })).rejects.toThrow('kept racing');
});

test('a decision may ask to decide again (after work of its own), and a result may throw after its events are appended', async () => {
  const { stream, log } = counter(0);
  let asked = 0;
  await expect(
    handleCommand(stream, (sum) => (asked++ === 0 ? { again: true } : { events: [sum + 7], result: () => { throw new Error('blocked, recorded'); } }), { retry: { onVersionConflict: 3 } }),
  ).rejects.toThrow('blocked, recorded');
  expect(asked).toBe(2);
  expect(log).toEqual([7]);
});
