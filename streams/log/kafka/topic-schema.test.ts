import * as avro from 'avsc';
import type { Catalog } from '../../../schemas/catalog';
import { catalog } from '../../../schemas/catalog';
import { topicTypes, topicValueSchema } from './topic-schema';

const record = (name: string, fields: object[]) => ({ type: 'record', name, namespace: 'trust.t', fields });

/** A catalog of two types on one topic that both define the same nested record. */
function twoTypeCatalog(): Catalog {
  const shared = record('Runtime', [{ name: 'os', type: 'string' }]);
  const a = record('BEvent', [{ name: 'rt', type: shared }]);
  const b = record('AEvent', [{ name: 'rt', type: structuredClone(shared) }, { name: 'n', type: 'int', default: 0 }]);
  const entry = (type: string, schema: object) => ({ type, family: 't', topic: 'trust.t.x', key: 'stream', source: 'producer' as const, versions: [1], schemas: new Map([[1, schema]]) });
  return {
    entries: new Map([
      ['BEvent', entry('BEvent', a)],
      ['AEvent', entry('AEvent', b)],
    ]),
    topics: new Map([['trust.t.x', { partitions: 3, cleanup: 'delete' as const }]]),
  };
}

describe('topic value schema (TopicNameStrategy union)', () => {
  test('given two types on one topic, then the union lists them in type-name order', () => {
    const cat = twoTypeCatalog();
    expect(topicTypes(cat, 'trust.t.x')).toEqual(['AEvent', 'BEvent']);
    const union = topicValueSchema(cat, 'trust.t.x') as { name: string }[];
    expect(union.map((s) => s.name)).toEqual(['AEvent', 'BEvent']);
  });

  test('a nested record defined by both types is defined once and referenced after: the union parses', () => {
    const union = topicValueSchema(twoTypeCatalog(), 'trust.t.x');
    const t = avro.Type.forSchema(union as avro.Schema, { wrapUnions: true });
    const bytes = t.toBuffer({ 'trust.t.BEvent': { rt: { os: 'linux' } } });
    expect(bytes[0]).toBe(2); // zigzag(1): the second branch
    const second = (union[1] as { fields: { type: unknown }[] }).fields[0].type;
    expect(second).toBe('trust.t.Runtime');
  });

  test('every topic of the shipped catalog yields a schema avsc accepts', () => {
    const cat = catalog();
    for (const topic of cat.topics.keys()) {
      if (topicTypes(cat, topic).length === 0) continue;
      expect(() => avro.Type.forSchema(topicValueSchema(cat, topic) as avro.Schema, { wrapUnions: true })).not.toThrow();
    }
  });
});
