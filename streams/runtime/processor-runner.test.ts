import { SqliteEventLog } from '../log/sqlite/sqlite-event-log';
import { TransientError } from '../../schemas/errors';
import { defineProcessor } from './processor';
import { ProcessorRunner, deadLetterStream } from './processor-runner';
import { given, recorded } from './testing';

/** Counts revocations per tenant; emits a key-issue notice every second revocation. Throws on a poison key. */
const counter = defineProcessor<{ count: number }>({
  name: 'test.revocation-counter',
  inputs: ['TenantKeyRevoked'],
  keyOf: (e) => e.tenant,
  initialState: () => ({ count: 0 }),
  handle: (state, e) => {
    const p = e.payload as { keyId: string };
    if (p.keyId === 'poison') throw new Error('cannot handle poison');
    const count = state.count + 1;
    const emit =
      count % 2 === 0
        ? [{ type: 'TenantKeyIssued', stream: `notice-${e.tenant}`, tenant: e.tenant, payload: { tenant: e.tenant, keyId: `n${count}`, role: 'auditor', keyHash: 'x', label: null } }]
        : [];
    return { state: { count }, emit };
  },
});

const revoke = (tenant: string, keyId: string) => ({
  type: 'TenantKeyRevoked',
  stream: `keys-${tenant}`,
  tenant,
  payload: { tenant, keyId, reason: null },
});

describe('processor runtime (embedded)', () => {
  test('given/when/then: the pure handler emits on every second event of a tenant', () => {
    const t = given(counter, [recorded('TenantKeyRevoked', { keyId: 'a' })]);
    expect(t.when(recorded('TenantKeyRevoked', { keyId: 'b' }))).toEqual([
      expect.objectContaining({ type: 'TenantKeyIssued', payload: expect.objectContaining({ keyId: 'n2' }) }),
    ]);
    expect(t.when(recorded('TenantKeyRevoked', { keyId: 'c' }, { tenant: 'globex' }))).toEqual([]);
    expect(t.state('acme')).toEqual({ count: 2 });
  });

  test('state, emitted events and checkpoint commit together; a restart resumes without redoing effects', async () => {
    const log = new SqliteEventLog({ path: ':memory:' });
    await log.append([revoke('acme', 'a'), revoke('acme', 'b'), revoke('globex', 'c')]);
    const r1 = new ProcessorRunner(log, counter);
    expect(r1.runBatch()).toBe(3);
    expect(r1.runBatch()).toBe(0); // the emitted notice is not an input
    // A fresh runner (as after a restart) continues from the checkpoint.
    await log.append([revoke('acme', 'd'), revoke('acme', 'e')]);
    const r2 = new ProcessorRunner(log, counter);
    expect(r2.runBatch()).toBe(2);
    expect(r2.stateOf('acme')).toEqual({ count: 4 });
    const notices = await log.read({ types: ['TenantKeyIssued'] });
    expect(notices.map((n) => (n.payload as { keyId: string }).keyId)).toEqual(['n2', 'n4']);
    // Each notice names the input that caused it, and carries that input's correlation.
    const inputs = await log.read({ types: ['TenantKeyRevoked'] });
    const byKey = new Map(inputs.map((e) => [(e.payload as { keyId: string }).keyId, e]));
    expect(notices.map((n) => n.causationId)).toEqual([byKey.get('b')!.id, byKey.get('e')!.id]);
    expect(notices.map((n) => n.correlationId)).toEqual([byKey.get('b')!.correlationId, byKey.get('e')!.correlationId]);
    await log.close();
  });

  test('a crash inside the batch transaction leaves neither state, emitted events nor checkpoint', async () => {
    const log = new SqliteEventLog({ path: ':memory:' });
    await log.append([revoke('acme', 'a'), revoke('acme', 'b')]);
    const runner = new ProcessorRunner(log, counter);
    const realSet = log.setCheckpointSync.bind(log);
    log.setCheckpointSync = () => {
      throw new Error('simulated crash before commit');
    };
    expect(() => runner.runBatch()).toThrow('simulated crash');
    expect(await log.read({ types: ['TenantKeyIssued'] })).toHaveLength(0);
    expect(log.getCheckpointSync('processor:test.revocation-counter')).toBe(0);
    log.setCheckpointSync = realSet;
    expect(runner.runBatch()).toBe(2);
    expect(await log.read({ types: ['TenantKeyIssued'] })).toHaveLength(1);
    expect(runner.stateOf('acme')).toEqual({ count: 2 });
    await log.close();
  });

  test('a handler that throws dead-letters the event with its error and the processor moves on', async () => {
    const log = new SqliteEventLog({ path: ':memory:' });
    await log.append([revoke('acme', 'a'), revoke('acme', 'poison'), revoke('acme', 'b')]);
    const runner = new ProcessorRunner(log, counter);
    expect(runner.runBatch()).toBe(3);
    const dead = await log.readStream(deadLetterStream('test.revocation-counter'));
    expect(dead).toHaveLength(1);
    expect(dead[0].payload).toMatchObject({ eventType: 'TenantKeyRevoked', error: 'cannot handle poison', attempts: 1, eventPosition: 2 });
    expect(runner.stateOf('acme')).toEqual({ count: 2 });
    await log.close();
  });

  test('transient failures are retried a bounded number of times, then dead-lettered', async () => {
    let calls = 0;
    const flaky = defineProcessor<null>({
      name: 'test.flaky',
      inputs: ['TenantKeyRevoked'],
      initialState: () => null,
      handle: (s, e) => {
        calls++;
        if ((e.payload as { keyId: string }).keyId === 'always') throw new TransientError('downstream unavailable');
        if (calls === 1) throw new TransientError('blip');
        return { state: s, emit: [] };
      },
    });
    const log = new SqliteEventLog({ path: ':memory:' });
    await log.append([revoke('acme', 'once'), revoke('acme', 'always')]);
    new ProcessorRunner(log, flaky, { maxAttempts: 3 }).runBatch();
    expect(calls).toBe(2 + 3);
    const dead = await log.readStream(deadLetterStream('test.flaky'));
    expect(dead.map((d) => d.payload)).toEqual([expect.objectContaining({ error: 'downstream unavailable', attempts: 3, errorCode: 'UNAVAILABLE' })]);
    await log.close();
  });

  test('an emitted event that breaks its schema dead-letters its input only', async () => {
    const broken = defineProcessor<null>({
      name: 'test.broken-emit',
      inputs: ['TenantKeyRevoked'],
      initialState: () => null,
      handle: (s, e) => ({
        state: s,
        emit: (e.payload as { keyId: string }).keyId === 'bad' ? [{ type: 'TenantKeyIssued', stream: 'x', tenant: 'acme', payload: { wrong: true } }] : [],
      }),
    });
    const log = new SqliteEventLog({ path: ':memory:' });
    await log.append([revoke('acme', 'ok'), revoke('acme', 'bad'), revoke('acme', 'ok2')]);
    const runner = new ProcessorRunner(log, broken);
    expect(runner.runBatch()).toBe(3);
    const dead = await log.readStream(deadLetterStream('test.broken-emit'));
    expect(dead).toHaveLength(1);
    expect((dead[0].payload as { error: string }).error).toContain('test.broken-emit.emit[0].payload');
    expect(log.getCheckpointSync('processor:test.broken-emit')).toBe(await log.head() - 1);
    await log.close();
  });

  test('started on the log, it follows live appends and reports progress', async () => {
    const log = new SqliteEventLog({ path: ':memory:' });
    const runner = new ProcessorRunner(log, counter);
    runner.start(log.changes$, { pollMs: 1000 });
    const [r] = await log.append([revoke('acme', 'a'), revoke('acme', 'b')]).then((rs) => rs.slice(-1));
    await new Promise<void>((resolve) => {
      const sub = runner.progress$.subscribe((p) => p >= r.position && (sub?.unsubscribe(), resolve()));
    });
    await runner.stop();
    expect(runner.stateOf('acme')).toEqual({ count: 2 });
    await log.close();
  });
});
