import { envelopeOf, readEnvelope } from './headers';
import { chunkBySize, MAX_CHUNK_BYTES, newDraft, recordChunks } from './records';

test('chunkBySize keeps each run under the limit, in order, and an oversized item alone', () => {
  const sizes = [300, 300, 300, 1200, 100, 500, 500];
  const chunks = chunkBySize(sizes, (n) => n, 1000);
  expect(chunks).toEqual([[300, 300, 300], [1200], [100, 500], [500]]);
  expect(chunks.flat()).toEqual(sizes);
  expect(chunkBySize([], (n: number) => n, 1000)).toEqual([]);
});

const draft = (i: number, topic: string, payloadBytes = Buffer.from(`payload-${i}`)) =>
  newDraft(
    { id: `e${i}`, type: 'AnnotationAdded', stream: `s${i % 3}`, streamVersion: i + 1, tenant: 't', occurredAt: 'o', recordedAt: 'r', correlationId: `e${i}`, causationId: null, schemaVersion: 1 },
    `prev${i}`,
    `hash${i}`,
    payloadBytes,
    topic,
  );

describe('recordChunks', () => {
  test('gives each event a journal record and a catalog record with its key, value and envelope, journal first', () => {
    const drafts = [draft(0, 'notes'), draft(1, 'other'), draft(2, 'notes')];
    const [chunk, ...rest] = recordChunks(drafts, 'journal', (d) => Buffer.from(`wire:${d.id}`), 'trust.prod');
    expect(rest).toEqual([]);
    expect(chunk.drafts).toEqual(drafts);
    expect(chunk.topicMessages.map((t) => t.topic)).toEqual(['journal', 'notes', 'other']);
    const [journal, notes, other] = chunk.topicMessages;
    expect(journal.messages.map((m) => [m.key, String(m.value)])).toEqual([['s0', 'payload-0'], ['s1', 'payload-1'], ['s2', 'payload-2']]);
    expect(notes.messages.map((m) => String(m.value))).toEqual(['wire:e0', 'wire:e2']);
    expect(other.messages.map((m) => m.key)).toEqual(['s1']);
    // Both copies carry the same envelope, which reads back as the draft's.
    expect(envelopeOf(notes.messages[1].headers)).toMatchObject({ id: 'e2', stream: 's2', streamVersion: 3, prevHash: 'prev2', hash: 'hash2' });
    expect(journal.messages[2].headers).toEqual(notes.messages[1].headers);
    // ... and names the deployment that wrote it, for consumer groups on topics other deployments share.
    expect(readEnvelope(other.messages[0].headers)?.log).toBe('trust.prod');
  });

  test('splits a large group into produce requests under the limit, keeping the journal order', () => {
    const big = Buffer.alloc(100 * 1024);
    const drafts = Array.from({ length: 12 }, (_, i) => draft(i, 'notes', big));
    const chunks = recordChunks(drafts, 'journal', (d) => d.payloadBytes, 'trust.prod');
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.flatMap((c) => c.drafts)).toEqual(drafts);
    for (const c of chunks) expect(c.drafts.length * big.length).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
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
