/**
 * What the Kafka adapter adds to the contract: records on the catalog topics are self-describing
 * (Confluent wire format + envelope headers, key = stream), a new instance rebuilds its mirror from
 * the journal and continues the streams, and a second writer fences the first.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import type { NewEvent } from '../../../schemas/envelope';
import { TransientError } from '../../errors';
import { KafkaEventLog } from './kafka-event-log';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
const registryUrl = process.env.SCHEMA_REGISTRY_URL || undefined;
const d = brokers.length ? describe : describe.skip;

let n = 0;
const unique = (base: string) => `${base}-${process.pid}-${Date.now().toString(36)}-${++n}`;
const note = (stream: string, keyId: string): NewEvent => ({
  type: 'TenantKeyRevoked',
  stream,
  tenant: 'acme',
  payload: { tenant: 'acme', keyId, reason: null },
});

d('Kafka adapter specifics', () => {
  const logs: KafkaEventLog[] = [];
  const open = async (prefix: string, extra: Partial<Parameters<typeof KafkaEventLog.connect>[0]> = {}) => {
    const log = await KafkaEventLog.connect({ brokers, registryUrl, prefix, ...extra });
    logs.push(log);
    return log;
  };
  afterEach(async () => {
    for (const l of logs.splice(0)) await l.close();
  });

  test('given an append, then its catalog topic holds the record keyed by stream, with the envelope in headers and a decodable value', async () => {
    const log = await open(unique('trust.spec'));
    const stream = unique('wire');
    const [r] = await log.append([note(stream, 'k1')]);
    const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: unique('wire-check') });
    await consumer.connect();
    await consumer.subscribe({ topic: 'trust.tenancy.keys', fromBeginning: true });
    const found = await new Promise<{ key: string; value: Buffer; headers: Record<string, string> }>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() !== stream) return;
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            resolve({ key: message.key.toString(), value: message.value!, headers });
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    const envelope = JSON.parse(found.headers['trust.envelope']);
    expect(envelope).toMatchObject({ id: r.id, type: 'TenantKeyRevoked', stream, v: 1, prev: '' });
    expect(log.positionOf(r.id)).toBe(r.position);
    if (registryUrl) expect(found.value[0]).toBe(0); // Confluent magic byte
    const decoded = await log.decodeValue(envelope.type, envelope.sv, found.value);
    expect(decoded).toEqual({ type: 'TenantKeyRevoked', payload: { tenant: 'acme', keyId: 'k1', reason: null } });
    if (registryUrl) {
      // Other Confluent clients read the same bytes: @kafkajs/confluent-schema-registry decodes them with
      // the registered schema (a topic's value is a union, so the payload comes keyed by its type's name).
      const viaLibrary = await new SchemaRegistry({ host: registryUrl }).decode(found.value);
      expect(Object.values(JSON.parse(JSON.stringify(viaLibrary)))).toEqual([{ tenant: 'acme', keyId: 'k1', reason: null }]);
    }
  });

  test('given events appended by one instance, when a new instance starts, then its mirror equals the journal and the stream continues its chain', async () => {
    const prefix = unique('trust.spec');
    const first = await open(prefix);
    const stream = unique('rebuild');
    await first.append([note(stream, 'k1'), note(stream, 'k2')]);
    await first.setCheckpoint('projection-x', 2);
    const before = await first.readStream(stream);
    await first.close();
    logs.splice(logs.indexOf(first), 1);

    const second = await open(prefix);
    expect(await second.readStream(stream)).toEqual(before);
    expect(await second.getCheckpoint('projection-x')).toBe(2);
    const [r] = await second.append([{ ...note(stream, 'k3'), expectedVersion: 2 }]);
    expect(r.streamVersion).toBe(3);
    const all = await second.readStream(stream);
    expect(all[2].prevHash).toBe(all[1].hash);
  });

  test('given a second writer with the same writer id, then the first is fenced: its append fails as transient, and it recovers with the second writer\'s events in view', async () => {
    const prefix = unique('trust.spec');
    const a = await open(prefix);
    const stream = unique('fence');
    await a.append([note(stream, 'a1')]);
    const b = await open(prefix);
    await b.append([note(stream, 'b1')]);
    const err = await a.append([note(stream, 'a2')]).catch((e) => e);
    expect(err).toBeInstanceOf(TransientError);
    // a re-initialises (fencing b), re-reads the journal, and continues the stream after b's event.
    const [r] = await a.append([note(stream, 'a3')]);
    expect(r.streamVersion).toBe(3);
    const keys = (await a.readStream(stream)).map((e) => (e.payload as { keyId: string }).keyId);
    expect(keys).toEqual(['a1', 'b1', 'a3']);
  });

  test('a read-only instance sees the writer\'s events after sync() and refuses to write', async () => {
    const prefix = unique('trust.spec');
    const w = await open(prefix);
    const ro = await open(prefix, { readOnly: true });
    const stream = unique('ro');
    const [{ position }] = await w.append([note(stream, 'k1')]);
    // The writer's commit returns before the broker writes the commit markers; read-committed readers
    // see the event once they land (milliseconds). Each sync() is a real round trip, not a sleep.
    for (let i = 0; i < 50 && (await ro.head()) < position; i++) await ro.sync();
    expect((await ro.readStream(stream)).map((e) => e.streamVersion)).toEqual([1]);
    await expect(ro.append([note(stream, 'k2')])).rejects.toThrow(/read-only/);
  });

  test('given concurrent appends merged into one group commit of several MB, then every event lands once, in order', async () => {
    const log = await open(unique('trust.spec'));
    const stream = unique('big');
    const text = 'x'.repeat(900);
    // 8 appends of 500 events (~4 MB of records with envelopes) in flight at once: one group commit, several produce requests.
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 500 }, (_, i): NewEvent => ({ type: 'AnnotationAdded', stream, tenant: 'acme', payload: { subject: `b${b}`, text: `${text}${i}`, author: 'test', tags: [] } })),
    );
    const results = (await Promise.all(batches.map((b) => log.append(b)))).flat();
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(new Set(results.map((r) => r.position)).size).toBe(4000);
    expect(results.map((r) => r.streamVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
    const fresh = await open(log.prefix, { readOnly: true });
    for (let i = 0; i < 50 && (await fresh.head()) < Math.max(...results.map((r) => r.position)); i++) await fresh.sync();
    expect((await fresh.readStream(stream, 1, 5000)).map((e) => e.streamVersion)).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
  });
});
