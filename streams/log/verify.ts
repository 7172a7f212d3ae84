/** Walk the whole embedded log in order and verify every stream's hash chain. */
import type { SqliteEventLog } from './sqlite/sqlite-event-log';
import { ChainVerifier } from './hash-chain';

export function verifyLog(log: SqliteEventLog, pageSize = 5000): ChainVerifier {
  const v = new ChainVerifier();
  let from = 1;
  for (;;) {
    const page = log.readStoredSync({ from, limit: pageSize });
    for (const e of page) v.check(e);
    if (page.length < pageSize) return v;
    from = page[page.length - 1].position + 1;
  }
}
