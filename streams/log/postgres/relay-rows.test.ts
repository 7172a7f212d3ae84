/**
 * The envelope header PostgreSQL builds for the relay is the one envelopeHeaders writes, byte for
 * byte, on stored events with every kind of field (causation set and null, quotes, control
 * characters, non-ASCII). Skipped unless DATABASE_URL is set (make test-distributed).
 */
import { ENVELOPE_HEADER, envelopeHeaders } from '../kafka/headers';
import { revoked } from '../contract';
import { PgEventLog } from './pg-event-log';
import { relayRows } from './relay-rows';

const url = process.env.DATABASE_URL;
const run = `${process.pid}-${Date.now().toString(36)}`;

(url ? test : test.skip)('relay rows carry the header envelopeHeaders writes, byte for byte, and the stored payload', async () => {
  const log = await PgEventLog.open({ connectionString: url! });
  try {
    const [first] = await log.append([revoked(`${run}-plain`, 'k1')]);
    await log.append([
      revoked(`${run}-plain`, 'k2', { causationId: first.id, correlationId: `corr "quoted" \\ back` }),
      revoked(`${run}-ünïcödé 🙂`, 'k3', { tenant: `t\n\t\u0001 tab`, occurredAt: '2026-01-02T03:04:05.678Z' }),
    ]);
    const prefix = `trust.${run}.relay "x"`;
    const rows = await relayRows(log.pool, first.position, 3, prefix);
    const stored = await log.readStored({ from: first.position, limit: 3 });
    expect(rows.map((r) => r.position)).toEqual(stored.map((e) => e.position));
    rows.forEach((r, i) => {
      const e = stored[i];
      expect(r.header).toBe(envelopeHeaders(e, prefix)[ENVELOPE_HEADER]);
      expect(r).toMatchObject({ type: e.type, stream: e.stream });
      expect(Buffer.compare(r.payload, e.payloadBytes)).toBe(0);
    });
    expect(await relayRows(log.pool, (await log.head()) + 1, 10, prefix)).toEqual([]); // past the head: no round
  } finally {
    await log.close();
  }
});
