import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePayloadTypes } from './generate-types';

test('schemas/generated/payloads.ts is what the Avro schemas generate (run `make schema-types` after a schema change)', () => {
  expect(readFileSync(join(__dirname, 'generated', 'payloads.ts'), 'utf8')).toBe(generatePayloadTypes());
});

test('the generated types map Avro to TypeScript: unions with null, enums, arrays, maps', () => {
  const src = generatePayloadTypes();
  expect(src).toContain('export type Role = "producer" | "auditor" | "admin";');
  expect(src).toMatch(/export interface TenantKeyRevoked \{\n  tenant: string;\n  keyId: string;\n  reason: null \| string;\n\}/);
  expect(src).toContain('tags: Array<string>;');
  expect(src).toContain('  AnnotationAdded: AnnotationAdded;');
});
