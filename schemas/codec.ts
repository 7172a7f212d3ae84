/**
 * Avro codec over the catalog. Payloads are written with the newest schema of their type and
 * read with the newest too: older versions are resolved by Avro schema resolution, so an event
 * written years ago stays readable after compatible schema changes.
 */
import * as avro from 'avsc';
import { ValidationError, type FieldProblem } from './errors';
import { catalog, type Catalog, type CatalogEntry } from './catalog';

interface TypeCodec {
  entry: CatalogEntry;
  latest: number;
  reader: avro.Type;
  writers: Map<number, avro.Type>;
  resolvers: Map<number, avro.Resolver>;
}

export interface Encoded {
  schemaVersion: number;
  bytes: Buffer;
}

export class Codec {
  private readonly codecs = new Map<string, TypeCodec>();

  constructor(readonly cat: Catalog = catalog()) {
    for (const entry of cat.entries.values()) {
      const writers = new Map<number, avro.Type>();
      for (const v of entry.versions) writers.set(v, avro.Type.forSchema(entry.schemas.get(v) as avro.Schema));
      const latest = entry.versions[entry.versions.length - 1];
      const reader = writers.get(latest)!;
      const resolvers = new Map<number, avro.Resolver>();
      for (const [v, w] of writers) if (v !== latest) resolvers.set(v, reader.createResolver(w));
      this.codecs.set(entry.type, { entry, latest, reader, writers, resolvers });
    }
  }

  has(type: string): boolean {
    return this.codecs.has(type);
  }

  entry(type: string): CatalogEntry {
    return this.get(type, 'type').entry;
  }

  types(): string[] {
    return [...this.codecs.keys()].sort();
  }

  /** Field problems of a payload against its type's newest schema (empty = valid). */
  validate(type: string, payload: unknown, fieldPrefix = 'payload'): FieldProblem[] {
    const c = this.get(type, fieldPrefix.replace(/\.?payload$/, '.type').replace(/^\./, ''));
    return problemsOf(c.reader, payload, fieldPrefix);
  }

  encode(type: string, payload: unknown, fieldPrefix = 'payload'): Encoded {
    const c = this.get(type, 'type');
    const problems = problemsOf(c.reader, payload, fieldPrefix);
    if (problems.length) throw new ValidationError(problems, 'SCHEMA_VIOLATION');
    return { schemaVersion: c.latest, bytes: c.reader.toBuffer(payload) };
  }

  /** Encode without validation: for payloads already validated (hot path of processors). */
  encodeTrusted(type: string, payload: unknown): Encoded {
    const c = this.get(type, 'type');
    return { schemaVersion: c.latest, bytes: c.reader.toBuffer(payload) };
  }

  decode(type: string, schemaVersion: number, bytes: Buffer): unknown {
    const c = this.get(type, 'type');
    if (schemaVersion === c.latest) return c.reader.fromBuffer(bytes);
    const resolver = c.resolvers.get(schemaVersion);
    if (!resolver) throw new Error(`${type} has no schema version ${schemaVersion}`);
    return c.reader.fromBuffer(bytes, resolver as avro.Resolver);
  }

  /** The Avro schema a given version was written with (for registries and GET /v1/schemas). */
  schema(type: string, version?: number): object {
    const c = this.get(type, 'type');
    return c.entry.schemas.get(version ?? c.latest)!;
  }

  private get(type: string, field: string): TypeCodec {
    const c = this.codecs.get(type);
    if (!c) {
      throw new ValidationError(
        [{ field, problem: `unknown event type '${type}'; GET /v1/schemas lists the known types` }],
        'UNKNOWN_EVENT_TYPE',
      );
    }
    return c;
  }
}

function describe(t: avro.Type): string {
  const name = (t as { name?: string }).name;
  if (t.typeName === 'enum') return `one of ${(t as avro.types.EnumType).symbols.map((s) => JSON.stringify(s)).join(', ')}`;
  if (t.typeName === 'union') return (t as unknown as { types: avro.Type[] }).types.map(describe).join(' or ');
  if (t.typeName === 'record') return `an object (${name ?? 'record'})`;
  if (t.typeName === 'map') return 'an object of values';
  if (t.typeName === 'array') return 'an array';
  if (t.typeName === 'int' || t.typeName === 'long') return 'an integer';
  if (t.typeName === 'float' || t.typeName === 'double') return 'a number';
  return `a ${t.typeName}`;
}

function problemsOf(type: avro.Type, payload: unknown, prefix: string): FieldProblem[] {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return [{ field: prefix, problem: 'must be a JSON object' }];
  }
  const problems: FieldProblem[] = [];
  type.isValid(payload, {
    noUndeclaredFields: true,
    errorHook(path: string[], value: unknown, t: avro.Type) {
      const field = [prefix, ...path].join('.');
      if (t.typeName === 'record' && value && typeof value === 'object') {
        const known = new Set((t as avro.types.RecordType).fields.map((f) => f.name));
        const extra = Object.keys(value).filter((k) => !known.has(k));
        if (extra.length) {
          problems.push({ field, problem: `unknown field(s) ${extra.join(', ')}; allowed: ${[...known].join(', ')}` });
          return;
        }
      }
      problems.push({
        field,
        problem: value === undefined ? `is required (${describe(t)})` : `must be ${describe(t)}, got ${JSON.stringify(value)?.slice(0, 80)}`,
      });
    },
  });
  return problems;
}

let shared: Codec | undefined;
export function codec(): Codec {
  // A family added to the catalog (addCatalogRoot) makes the next codec know it.
  if (shared?.cat !== catalog()) shared = new Codec();
  return shared;
}
