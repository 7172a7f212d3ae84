/**
 * Generates TypeScript payload types from the Avro schemas (the one source of truth):
 *   node dist/schemas/generate-types.js  → schemas/generated/payloads.ts
 * A test fails when the committed file is not what the schemas generate.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog, type Catalog } from './catalog';

type Avro = string | Avro[] | { type: string | Avro; name?: string; fields?: { name: string; type: Avro; doc?: string }[]; symbols?: string[]; items?: Avro; values?: Avro; doc?: string };

const PRIMITIVES: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  string: 'string',
  bytes: 'Buffer',
};

function shortName(name: string): string {
  return name.split('.').pop()!;
}

/** Renders a type; named records and enums are hoisted into `decls` once. */
function render(t: Avro, decls: Map<string, string>, known: Set<string>): string {
  if (typeof t === 'string') return PRIMITIVES[t] ?? (known.has(shortName(t)) ? shortName(t) : 'unknown');
  if (Array.isArray(t)) return t.map((u) => render(u, decls, known)).join(' | ');
  if (typeof t.type !== 'string') return render(t.type, decls, known);
  switch (t.type) {
    case 'record': {
      const name = shortName(t.name!);
      if (!decls.has(name)) {
        known.add(name);
        decls.set(name, ''); // reserve: recursive references
        const fields = (t.fields ?? []).map((f) => `${f.doc ? `  /** ${f.doc} */\n` : ''}  ${f.name}: ${render(f.type, decls, known)};`);
        decls.set(name, `${t.doc ? `/** ${t.doc} */\n` : ''}export interface ${name} {\n${fields.join('\n')}\n}`);
      }
      return name;
    }
    case 'enum': {
      const name = shortName(t.name!);
      if (!decls.has(name)) (known.add(name), decls.set(name, `export type ${name} = ${t.symbols!.map((s) => JSON.stringify(s)).join(' | ')};`));
      return name;
    }
    case 'array':
      return `Array<${render(t.items!, decls, known)}>`;
    case 'map':
      return `Record<string, ${render(t.values!, decls, known)}>`;
    default:
      return PRIMITIVES[t.type] ?? 'unknown';
  }
}

export function generatePayloadTypes(cat: Catalog = catalog()): string {
  const decls = new Map<string, string>();
  const known = new Set<string>();
  const types = [...cat.entries.values()].sort((a, b) => a.type.localeCompare(b.type));
  for (const e of types) render(e.schemas.get(e.versions[e.versions.length - 1]) as Avro, decls, known);
  const map = types.map((e) => `  ${e.type}: ${e.type};`).join('\n');
  return [
    '// Generated from schemas/events/**/*.avsc by schemas/generate-types.ts. Do not edit: change the schema and run `make schema-types`.',
    '/* eslint-disable */',
    '',
    ...[...decls.values()].map((d) => d + '\n'),
    '/** Payload type of every event type, by name. */',
    `export interface EventPayloads {\n${map}\n}`,
    '',
    'export type EventType = keyof EventPayloads;',
    '',
  ].join('\n');
}


if (require.main === module) {
  const out = join(process.cwd(), 'schemas', 'generated', 'payloads.ts');
  writeFileSync(out, generatePayloadTypes());
  console.log(`wrote ${out}`);
}
