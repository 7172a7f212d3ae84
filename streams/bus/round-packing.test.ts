import { ENVELOPE_HEADER } from '../log/kafka/headers';
import { packRound, unpackRound } from './round-packing';

const msg = (key: string, value: Buffer, header: string) => ({ key, value, headers: { [ENVELOPE_HEADER]: header } });

test('a packed round unpacks to the same topics, keys, values and headers, in order (multi-byte text, empty values)', () => {
  const records = [
    { topic: 'pcq.replays', messages: [msg('fixture-ä', Buffer.from([0, 0, 0, 0, 7, 1, 2]), '{"id":"e1","stream":"fixture-ä"}'), msg('s2', Buffer.alloc(0), '{}')] },
    { topic: 'lac.policies', messages: [msg('policy:🙂', Buffer.from('value bytes'), '{"id":"e3","tenant":"t\\"1"}')] },
  ];
  const packed = packRound(records);
  expect(packed.topics).toEqual(['pcq.replays', 'lac.policies']);
  expect(packed.counts).toEqual([2, 1]);
  // Transferable: the bytes own their whole ArrayBuffer (not a slice of Node's shared pool).
  expect(packed.data.byteOffset).toBe(0);
  expect(packed.data.buffer.byteLength).toBe(packed.data.length);
  const back = unpackRound(packed);
  expect(back.map((t) => t.topic)).toEqual(['pcq.replays', 'lac.policies']);
  back.forEach((t, i) =>
    t.messages.forEach((m, j) => {
      const want = records[i].messages[j];
      expect(Buffer.from(m.key as Buffer).toString()).toBe(want.key);
      expect(Buffer.compare(m.value as Buffer, want.value)).toBe(0);
      expect(Buffer.from(m.headers![ENVELOPE_HEADER] as Buffer).toString()).toBe(want.headers[ENVELOPE_HEADER]);
    }),
  );
});

test('a record without a key, value or envelope header is refused', () => {
  expect(() => packRound([{ topic: 't', messages: [{ key: 'k', value: null }] }])).toThrow(/string or Buffer/);
});
