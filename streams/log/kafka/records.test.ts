import { envelopeOf, readEnvelope } from './headers';
import { catalogRecords, newDraft } from './records';

const draft = (i: number, topic: string, payloadBytes = Buffer.from(`payload-${i}`)) =>
  newDraft(
    { id: `e${i}`, type: 'AnnotationAdded', stream: `s${i % 3}`, streamVersion: i + 1, tenant: 't', occurredAt: 'o', recordedAt: 'r', correlationId: `e${i}`, causationId: null, schemaVersion: 1 },
    `prev${i}`,
    `hash${i}`,
    payloadBytes,
    topic,
  );

describe('catalogRecords', () => {
  test('gives each event one record on its catalog topic with its key, value and envelope, in store order per topic', () => {
    const drafts = [draft(0, 'notes'), draft(1, 'other'), draft(2, 'notes')];
    const records = catalogRecords(drafts, (d) => Buffer.from(`wire:${d.id}`), 'trust.prod');
    expect(records.map((t) => t.topic)).toEqual(['notes', 'other']);
    const [notes, other] = records;
    expect(notes.messages.map((m) => [m.key, String(m.value)])).toEqual([['s0', 'wire:e0'], ['s2', 'wire:e2']]);
    expect(other.messages.map((m) => m.key)).toEqual(['s1']);
    // The envelope reads back as the draft's ...
    expect(envelopeOf(notes.messages[1].headers)).toMatchObject({ id: 'e2', stream: 's2', streamVersion: 3, prevHash: 'prev2', hash: 'hash2' });
    // ... and names the deployment that wrote it, for consumer groups on topics other deployments share.
    expect(readEnvelope(other.messages[0].headers)?.log).toBe('trust.prod');
  });

  test('a stored event carries its store position, which consumers dedupe and order by', () => {
    const d = draft(0, 'notes');
    d.position = 42;
    const [{ messages }] = catalogRecords([d], (x) => x.payloadBytes, 'trust.prod');
    expect(readEnvelope(messages[0].headers)?.position).toBe(42);
  });

  test('a draft starts at position 0 with every field present', () => {
    const d = draft(0, 'notes');
    expect(d.position).toBe(0);
    expect(Object.keys(d)).toEqual(['position', 'id', 'type', 'stream', 'streamVersion', 'tenant', 'occurredAt', 'recordedAt', 'correlationId', 'causationId', 'schemaVersion', 'prevHash', 'hash', 'payloadBytes', 'topic']);
  });
});

test('an envelope header written before deployments were named reads with no deployment (the reader counts it as its own)', () => {
  const old = { 'trust.envelope': JSON.stringify({ id: 'e1', type: 'AnnotationAdded', stream: 's', v: 1, tenant: 't', occurredAt: 'o', recordedAt: 'r', corr: 'e1', cause: null, sv: 1, prev: '', hash: 'h' }) };
  expect(readEnvelope(old)).toEqual({ envelope: expect.objectContaining({ id: 'e1', streamVersion: 1, hash: 'h' }), log: undefined });
  expect(readEnvelope({})).toBeUndefined();
});
