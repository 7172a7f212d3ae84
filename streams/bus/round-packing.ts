/**
 * A relay round's records packed into two transferable buffers, so the reader thread hands a whole
 * round to the producing thread without copying or cloning 2,000 message objects: `data` holds
 * each message's key, value and envelope header back to back; `lengths` holds their byte lengths.
 * Unpacking makes views into `data` (no copy) that the Kafka client copies once into librdkafka.
 */
import type { Message } from '../log/kafka/client';
import { ENVELOPE_HEADER } from '../log/kafka/headers';

export interface PackedRound {
  topics: string[];
  /** Messages per topic, in `topics` order. */
  counts: number[];
  /** Per message: key, value and header byte lengths. */
  lengths: Uint32Array;
  data: Buffer;
}

type TopicMessages = { topic: string; messages: Message[] };

const bytes = (v: unknown): Buffer | string => {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return v;
  throw new TypeError('a relayed record has a string or Buffer key, value and envelope header');
};
const sizeOf = (v: Buffer | string) => (typeof v === 'string' ? Buffer.byteLength(v) : v.length);

export function packRound(records: readonly TopicMessages[]): PackedRound {
  const total = records.reduce((n, r) => n + r.messages.length, 0);
  const lengths = new Uint32Array(total * 3);
  const parts: (Buffer | string)[] = new Array(total * 3);
  let size = 0;
  let i = 0;
  for (const { messages } of records) {
    for (const m of messages) {
      const fields = [bytes(m.key), bytes(m.value), bytes(m.headers?.[ENVELOPE_HEADER])];
      for (const f of fields) {
        const n = sizeOf(f);
        parts[i] = f;
        lengths[i++] = n;
        size += n;
      }
    }
  }
  // Its own ArrayBuffer (not a slice of Node's pool), so it can be transferred.
  const data = Buffer.from(new ArrayBuffer(size));
  let at = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    at += typeof p === 'string' ? data.write(p, at) : p.copy(data, at);
  }
  return { topics: records.map((r) => r.topic), counts: records.map((r) => r.messages.length), lengths, data };
}

export function unpackRound(p: PackedRound): TopicMessages[] {
  const out: TopicMessages[] = [];
  let i = 0;
  let at = 0;
  const next = () => {
    const n = p.lengths[i++];
    const view = p.data.subarray(at, at + n);
    at += n;
    return view;
  };
  for (let t = 0; t < p.topics.length; t++) {
    const messages: Message[] = new Array(p.counts[t]);
    for (let m = 0; m < messages.length; m++) {
      const key = next();
      const value = next();
      messages[m] = { key, value, headers: { [ENVELOPE_HEADER]: next() } };
    }
    out.push({ topic: p.topics[t], messages });
  }
  return out;
}
