/**
 * Schema evolution rule (BACKWARD, as a schema registry enforces it): each version of an event
 * type must be able to read every earlier version. A new field needs a default; a removed
 * field must have had one; a type may only widen as Avro resolution allows.
 */
import * as avro from 'avsc';
import type { Catalog } from './catalog';

export interface CompatProblem {
  type: string;
  reader: number;
  writer: number;
  problem: string;
}

export function checkBackwardCompatibility(cat: Catalog): CompatProblem[] {
  const problems: CompatProblem[] = [];
  for (const entry of cat.entries.values()) {
    const types = new Map(entry.versions.map((v) => [v, avro.Type.forSchema(entry.schemas.get(v) as avro.Schema)]));
    for (const reader of entry.versions) {
      for (const writer of entry.versions.filter((w) => w < reader)) {
        try {
          types.get(reader)!.createResolver(types.get(writer)!);
        } catch (err) {
          problems.push({ type: entry.type, reader, writer, problem: (err as Error).message });
        }
      }
    }
  }
  return problems;
}
