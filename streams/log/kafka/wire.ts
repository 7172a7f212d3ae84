/**
 * Payloads on the catalog topics, in the Confluent wire format: magic byte 0, the 4-byte schema id
 * from the registry, then the Avro body. A topic's value schema is a union (topic-schema.ts), so the
 * body is the branch index (zigzag varint) followed by the record, which is exactly the bytes the
 * codec writes: the adapter reuses them, so the hash chain and the wire share one encoding.
 *
 * The registry is spoken to through its Confluent REST API directly: @kafkajs/confluent-schema-registry
 * refuses to register a top-level union (it requires a named record), and a union is what a topic
 * with several event types needs under TopicNameStrategy. Its wire format is the same: its decoder
 * reads the adapter's records (kafka-specific.test.ts).
 *
 * Without a registry (SCHEMA_REGISTRY_URL unset) the value is the bare Avro record and the
 * `trust.schemaVersion` header names the catalog version: the registry-less path.
 */
import * as avro from 'avsc';
import type { Catalog } from '../../../schemas/catalog';
import type { Codec } from '../../../schemas/codec';
import { PreconditionError, TransientError } from '../../../schemas/errors';
import { topicTypes, topicValueSchema } from './topic-schema';

/** A registry request that takes longer than this counts as an outage (retried), not as an answer. */
const REGISTRY_TIMEOUT_MS = 5000;

export interface WireRecord {
  type: string;
  /** The payload read with the newest catalog schema of its type. */
  payload: unknown;
}

function zigzag(n: number): Buffer {
  const bytes: number[] = [];
  let v = (n << 1) ^ (n >> 31);
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function readZigzag(buf: Buffer, at: number): { value: number; next: number } {
  let shift = 0;
  let v = 0;
  let i = at;
  for (;;) {
    const b = buf[i++];
    v |= (b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  return { value: (v >>> 1) ^ -(v & 1), next: i };
}

export class RegistryWire {
  private readonly ids = new Map<string, Promise<number>>();
  private readonly resolvedIds = new Map<string, number>();
  /** Magic byte, schema id and union branch per (topic, type): the same 5–6 bytes for every record. */
  private readonly prefixes = new Map<string, Buffer>();
  private readonly writers = new Map<number, Promise<{ union: boolean; types: avro.Type[] }>>();
  private readonly resolvers = new Map<string, { reader: avro.Type; resolver: avro.Resolver }>();

  constructor(
    readonly url: string,
    private readonly cat: Catalog,
    private readonly codec: Codec,
  ) {}

  /** Registers the topic's union schema under `<topic>-value` once; the registry enforces compatibility. */
  schemaId(topic: string): Promise<number> {
    let id = this.ids.get(topic);
    if (!id) {
      const subject = `${topic}-value`;
      id = this.register(subject, topicValueSchema(this.cat, topic)).then(
        (n) => (this.resolvedIds.set(topic, n), n),
        (e: unknown) => {
          this.ids.delete(topic);
          throw e;
        },
      );
      this.ids.set(topic, id);
    }
    return id;
  }

  private async register(subject: string, schema: unknown): Promise<number> {
    let res: Response;
    try {
      res = await fetch(`${this.base()}/subjects/${encodeURIComponent(subject)}/versions`, {
        signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schemaType: 'AVRO', schema: JSON.stringify(schema) }),
      });
    } catch (e) {
      throw new TransientError(`schema registry at ${this.url} unavailable: ${(e as Error).message}`, e);
    }
    const body = (await res.json().catch(() => ({}))) as { id?: number; message?: string };
    if (res.status === 409 || res.status === 422) {
      throw new PreconditionError(`schema registry refused the schema of ${subject} (BACKWARD compatibility): ${body.message ?? res.status}`, { subject });
    }
    if (!res.ok || typeof body.id !== 'number') throw new TransientError(`schema registry answered ${res.status} for ${subject}: ${body.message ?? ''}`);
    return body.id;
  }

  private base(): string {
    return this.url.replace(/\/$/, '');
  }

  /**
   * Wire bytes for records already encoded by the codec with the newest schema of their type, once
   * the topics' schema ids are known: `prepare` registers them (one round trip per topic, once per
   * process), then `encodeSync` runs per record on the hot path without awaiting anything.
   */
  async prepare(topics: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(topics)].map((t) => this.schemaId(t)));
  }

  encodeSync(topic: string, type: string, recordBytes: Buffer): Buffer {
    return Buffer.concat([this.prefixSync(topic, type), recordBytes]);
  }

  /** What precedes a record of `type` on `topic` in the wire format: magic byte, schema id, union branch. */
  prefixSync(topic: string, type: string): Buffer {
    const key = `${topic}\u0000${type}`;
    let prefix = this.prefixes.get(key);
    if (!prefix) {
      const id = this.resolvedIds.get(topic);
      if (id === undefined) throw new PreconditionError(`the schema id of ${topic} is not resolved yet (call prepare first)`);
      const header = Buffer.alloc(5);
      header.writeUInt32BE(id, 1);
      prefix = Buffer.concat([header, zigzag(topicTypes(this.cat, topic).indexOf(type))]);
      this.prefixes.set(key, prefix);
    }
    return prefix;
  }

  /**
   * Decodes a value written by anyone through the registry (this service, or a third-party client
   * such as confluent-kafka's AvroSerializer with the same subject): the writer's branch is resolved
   * to the newest catalog schema of its type.
   */
  async decode(value: Buffer): Promise<WireRecord> {
    if (value.length < 6 || value[0] !== 0) throw new PreconditionError('not in the Confluent wire format (magic byte 0 expected)');
    const id = value.readUInt32BE(1);
    const { union, types: branches } = await this.writerBranches(id);
    let at = 5;
    let writer: avro.Type;
    if (!union) {
      writer = branches[0];
    } else {
      const { value: index, next } = readZigzag(value, at);
      at = next;
      writer = branches[index];
      if (!writer) throw new PreconditionError(`union branch ${index} missing in schema ${id}`);
    }
    const type = (writer.name ?? '').split('.').pop() ?? '';
    if (!this.codec.has(type)) throw new PreconditionError(`schema ${id} writes '${writer.name}', which is not in the event catalog`);
    const key = `${id}/${writer.name}`;
    let r = this.resolvers.get(key);
    if (!r) {
      const reader = avro.Type.forSchema(this.codec.schema(type) as avro.Schema);
      r = { reader, resolver: reader.createResolver(writer) };
      this.resolvers.set(key, r);
    }
    const { reader, resolver } = r;
    return { type, payload: reader.fromBuffer(value.subarray(at), resolver, true) };
  }

  private writerBranches(id: number): Promise<{ union: boolean; types: avro.Type[] }> {
    let w = this.writers.get(id);
    if (!w) {
      w = fetch(`${this.base()}/schemas/ids/${id}`, { signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS) })
        .catch((e: unknown) => {
          // Unreachable or hung: an outage to wait out, never a reason to dead-letter a record.
          throw new TransientError(`schema registry at ${this.url} unavailable: ${(e as Error).message}`, e);
        })
        .then(async (res) => {
          if (res.status >= 500) throw new TransientError(`schema ${id}: registry answered ${res.status}`);
          if (!res.ok) throw new PreconditionError(`schema ${id} is not in the registry (answered ${res.status})`, { schemaId: id });
          const schema = JSON.parse(((await res.json()) as { schema: string }).schema) as avro.Schema;
          const t = avro.Type.forSchema(schema, { wrapUnions: true });
          const union = t.typeName.startsWith('union');
          return { union, types: union ? (t as unknown as { types: avro.Type[] }).types : [t] };
        })
        .catch((e) => {
          this.writers.delete(id);
          throw e;
        });
      this.writers.set(id, w);
    }
    return w;
  }
}

/** A catalog-topic value as type and payload: the Confluent wire format through the registry, or bare Avro named by its headers. */
export async function decodeCatalogValue(wire: RegistryWire | undefined, codec: Codec, type: string | undefined, schemaVersion: number | undefined, value: Buffer): Promise<WireRecord> {
  if (wire && value[0] === 0) return wire.decode(value);
  if (!type || schemaVersion === undefined) throw new PreconditionError('a bare Avro record needs its trust.type and trust.schemaVersion headers');
  return { type, payload: codec.decode(type, schemaVersion, value) };
}
