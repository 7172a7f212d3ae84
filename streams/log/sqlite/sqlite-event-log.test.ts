import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventLogContract } from '../contract';
import { ChainVerifier } from '../hash-chain';
import { SqliteEventLog } from './sqlite-event-log';

describeEventLogContract('embedded SQLite', async () => {
  const log = new SqliteEventLog({ path: ':memory:' });
  return { log, cleanup: () => log.close() };
});

const ev = (stream: string, keyId: string) => ({
  type: 'TenantKeyRevoked',
  stream,
  tenant: 'acme',
  payload: { tenant: 'acme', keyId, reason: null },
});

describe('SqliteEventLog specifics', () => {
  test('positions are gap-free even after a refused batch', async () => {
    const log = new SqliteEventLog({ path: ':memory:' });
    await log.append([ev('s', 'a')]);
    await log.append([ev('t', 'b'), { ...ev('s', 'c'), expectedVersion: 0 }]).catch(() => undefined);
    const [r] = await log.append([ev('t', 'd')]);
    expect(r.position).toBe(2);
    await log.close();
  });

  test('tampering with a stored payload is detected at its stream and position', async () => {
    const log = new SqliteEventLog({ path: ':memory:' });
    await log.append([ev('s', 'a'), ev('s', 'b'), ev('s', 'c'), ev('u', 'z')]);
    log.db.prepare("UPDATE events SET payload = ? WHERE position = 2").run(Buffer.from('0a61636d650a66616b6500', 'hex'));
    const v = new ChainVerifier();
    for (const e of log.readStoredSync({ limit: 100 })) v.check(e);
    expect(v.breaks).toEqual([{ stream: 's', position: 2, problem: expect.stringContaining('altered') }]);
    expect(v.verified).toBe(2);
    await log.close();
  });

  test('a second process-level handle on the same file sees appends through polling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-log-'));
    const a = new SqliteEventLog({ path: join(dir, 'log.db'), pollMs: 10 });
    const b = new SqliteEventLog({ path: join(dir, 'log.db'), pollMs: 10 });
    const got = new Promise<string>((resolve) => {
      const sub = b.subscribe(1).subscribe((e) => {
        sub.unsubscribe();
        resolve(e.id);
      });
    });
    const [r] = await a.append([ev('x', 'k')]);
    expect(await got).toBe(r.id);
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
