import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalog, loadCatalog } from './catalog';
import { Codec } from './codec';
import { checkBackwardCompatibility } from './compat';

/** A throwaway catalog with one event type in the given versions. */
function catalogWith(versions: Record<number, object>): string {
  const root = mkdtempSync(join(tmpdir(), 'tf-schemas-'));
  mkdirSync(join(root, 'catalog'));
  mkdirSync(join(root, 'events', 'demo'), { recursive: true });
  writeFileSync(
    join(root, 'catalog', 'demo.json'),
    JSON.stringify({ family: 'demo', topics: {}, events: { MetricSeen: { topic: 'trust.demo.metrics' } } }),
  );
  for (const [v, schema] of Object.entries(versions)) writeFileSync(join(root, 'events', 'demo', `MetricSeen.v${v}.avsc`), JSON.stringify(schema));
  return root;
}

const v1 = { type: 'record', name: 'MetricSeen', fields: [{ name: 'name', type: 'string' }, { name: 'value', type: 'double' }] };

describe('schema evolution', () => {
  test('every schema in the shipped catalog can read all its earlier versions', () => {
    expect(checkBackwardCompatibility(catalog())).toEqual([]);
  });

  test('an event written with v1 is read with v2, the new field taking its default', () => {
    const v2 = { ...v1, fields: [...v1.fields, { name: 'unit', type: 'string', default: 'ms' }] };
    const cat = loadCatalog(catalogWith({ 1: v1, 2: v2 }));
    expect(checkBackwardCompatibility(cat)).toEqual([]);
    const writtenWithV1 = new Codec(loadCatalog(catalogWith({ 1: v1 }))).encode('MetricSeen', { name: 'p95', value: 12.5 });
    expect(writtenWithV1.schemaVersion).toBe(1);
    const read = new Codec(cat).decode('MetricSeen', 1, writtenWithV1.bytes);
    expect(read).toEqual({ name: 'p95', value: 12.5, unit: 'ms' });
  });

  test('a new field without a default is an incompatible change and is rejected', () => {
    const bad = { ...v1, fields: [...v1.fields, { name: 'unit', type: 'string' }] };
    const problems = checkBackwardCompatibility(loadCatalog(catalogWith({ 1: v1, 2: bad })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ type: 'MetricSeen', reader: 2, writer: 1 });
    expect(problems[0].problem).toMatch(/unit/);
  });

  test('changing a field to an unrelated type is rejected', () => {
    const bad = { ...v1, fields: [{ name: 'name', type: 'string' }, { name: 'value', type: 'string' }] };
    expect(checkBackwardCompatibility(loadCatalog(catalogWith({ 1: v1, 2: bad })))).toHaveLength(1);
  });

  test('the codec names the field and the problem for an invalid payload', () => {
    const c = new Codec(loadCatalog(catalogWith({ 1: v1 })));
    expect(c.validate('MetricSeen', { name: 'p95', value: 'fast', extra: 1 }, 'events[3].payload')).toEqual([
      { field: 'events[3].payload', problem: expect.stringContaining('unknown field(s) extra') },
    ]);
    expect(c.validate('MetricSeen', { name: 'p95', value: 'fast' })).toEqual([
      { field: 'payload.value', problem: 'must be a number, got "fast"' },
    ]);
    expect(c.validate('MetricSeen', { value: 1 })).toEqual([{ field: 'payload.name', problem: 'is required (a string)' }]);
    expect(() => c.encode('Nope', {})).toThrow(/unknown event type 'Nope'/);
  });

  test('every catalog entry has a topic and a schema whose record name is its type', () => {
    for (const e of catalog().entries.values()) {
      expect(e.topic).toMatch(/^trust\.[a-z]+\.[a-z0-9.-]+$/);
      for (const v of e.versions) expect((e.schemas.get(v) as { name: string }).name).toBe(e.type);
    }
  });
});
