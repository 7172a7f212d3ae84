/**
 * SIGTERM drains: a request whose body is still arriving when the signal lands is completed and
 * acknowledged, the process exits 0, and the event is on the log.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueKey } from '../../connectors/auth/api-keys';
import { SqliteEventLog } from '../../streams/log/sqlite/sqlite-event-log';
import { startChild } from '../support/child';

test('SIGTERM waits for the request in flight, then stops at a committed point', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-term-'));
  const issued = issueKey('acme', 'producer');
  const seed = new SqliteEventLog({ path: join(dataDir, 'log.db') });
  await seed.append([issued.event]);
  await seed.close();

  const child = await startChild(join(__dirname, 'crash-child.ts'), { TRUST_DATA_DIR: dataDir });
  const body = JSON.stringify({ id: 'in-flight-1', type: 'AnnotationAdded', stream: 'ops', payload: { subject: 'deploy', text: 'draining', author: 'sre', tags: [] } });
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: child.port, method: 'POST', path: '/v1/events', headers: { authorization: `Bearer ${issued.key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    // Half the body is sent; once the server has begun the request (headers parsed), SIGTERM; then the rest.
    req.write(body.slice(0, 20));
    void child.printed(/request POST \/v1\/events/).then(() => {
      child.proc.kill('SIGTERM');
      req.end(body.slice(20));
    });
  });
  expect(status).toBe(202);
  expect(await child.exited).toBe(0);
  const log = new SqliteEventLog({ path: join(dataDir, 'log.db') });
  expect((await log.read({ types: ['AnnotationAdded'] })).map((e) => e.id)).toEqual(['in-flight-1']);
  await log.close();
  rmSync(dataDir, { recursive: true, force: true });
});
