/**
 * One Avro schema per topic, for the Confluent TopicNameStrategy (subject `<topic>-value`): a topic
 * may carry several event types (e.g. TenantKeyIssued and TenantKeyRevoked), so its value schema
 * is the union of the newest schema of each type, in type-name order. Avro resolves unions by
 * record name, so adding a type or a defaulted field keeps the subject BACKWARD compatible.
 */
import type { Catalog } from '../../../schemas/catalog';

type Json = unknown;

/** Type names of a topic, sorted: the union's branch order. */
export function topicTypes(cat: Catalog, topic: string): string[] {
  return [...cat.entries.values()].filter((e) => e.topic === topic).map((e) => e.type).sort();
}

/** The union value schema of a topic. Named types defined twice (shared nested records) become references. */
export function topicValueSchema(cat: Catalog, topic: string): Json[] {
  const defined = new Set<string>();
  return topicTypes(cat, topic).map((type) => {
    const entry = cat.entries.get(type)!;
    const latest = entry.schemas.get(entry.versions[entry.versions.length - 1]);
    return dedupeNamed(structuredClone(latest), undefined, defined);
  });
}

const NAMED = new Set(['record', 'enum', 'fixed', 'error']);

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

/** Replace a second definition of a named type by its full name, so the union parses. */
function dedupeNamed(schema: Json, namespace: string | undefined, defined: Set<string>): Json {
  if (Array.isArray(schema)) return schema.map((s) => dedupeNamed(s, namespace, defined));
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Record<string, unknown>;
  if (typeof s.type === 'string' && NAMED.has(s.type) && typeof s.name === 'string') {
    const ns = (s.namespace as string | undefined) ?? namespace;
    const name = fullName(s.name, ns);
    if (defined.has(name)) return name;
    defined.add(name);
    const inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : ns;
    if (Array.isArray(s.fields)) {
      s.fields = (s.fields as Record<string, unknown>[]).map((f) => ({ ...f, type: dedupeNamed(f.type, inner, defined) }));
    }
    return s;
  }
  if (s.type === 'array') return { ...s, items: dedupeNamed(s.items, namespace, defined) };
  if (s.type === 'map') return { ...s, values: dedupeNamed(s.values, namespace, defined) };
  if (typeof s.type === 'object') return { ...s, type: dedupeNamed(s.type, namespace, defined) };
  return s;
}
