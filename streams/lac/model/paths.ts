/**
 * The request paths a rule may test, with their value kind. This table is closed: a rule naming any
 * other path (`subject.__proto__`, `constructor`, a typo) is a validation error, so neither the
 * interpreter nor the generated code ever looks a document-chosen key up on a request.
 */
import type { AccessRequest } from './types';

export type PathKind = 'string' | 'strings' | 'level' | 'action' | 'count';

export interface PathSpec {
  kind: PathKind;
  /** Reads the value (undefined when absent); arrays for `strings`. */
  get: (r: AccessRequest) => unknown;
  /** The same read as JavaScript source over a parameter named `r`, for the compiler. Fixed text, never from a document. */
  source: string;
}

export const REQUEST_PATHS: Readonly<Record<string, PathSpec>> = Object.freeze({
  'subject.id': { kind: 'string', get: (r) => r.subject.id, source: 'r.subject.id' },
  'subject.tenant': { kind: 'string', get: (r) => r.subject.tenant, source: 'r.subject.tenant' },
  'subject.groups': { kind: 'strings', get: (r) => r.subject.groups, source: 'r.subject.groups' },
  'subject.clearance': { kind: 'level', get: (r) => r.subject.clearance, source: 'r.subject.clearance' },
  action: { kind: 'action', get: (r) => r.action, source: 'r.action' },
  'resource.dataset': { kind: 'string', get: (r) => r.resource.dataset, source: 'r.resource.dataset' },
  'resource.tenant': { kind: 'string', get: (r) => r.resource.tenant, source: 'r.resource.tenant' },
  'resource.classification': { kind: 'level', get: (r) => r.resource.classification, source: 'r.resource.classification' },
  'resource.region': { kind: 'string', get: (r) => r.resource.region, source: 'r.resource.region' },
  'resource.license': { kind: 'string', get: (r) => r.resource.license, source: 'r.resource.license' },
  'resource.fields.name': { kind: 'strings', get: (r) => r.resource.fields.map((f) => f.name), source: 'h.fieldNames(r)' },
  'resource.fields.tags': { kind: 'strings', get: (r) => r.resource.fields.flatMap((f) => f.tags), source: 'h.fieldTags(r)' },
  'context.purpose': { kind: 'string', get: (r) => r.context.purpose, source: 'r.context.purpose' },
  'context.reason': { kind: 'string', get: (r) => r.context.reason, source: 'r.context.reason' },
  'context.hops': { kind: 'count', get: (r) => r.context.hops, source: 'r.context.hops' },
  'context.rows': { kind: 'count', get: (r) => r.context.rows, source: 'r.context.rows' },
  'context.aggregateGroupSize': { kind: 'count', get: (r) => r.context.aggregateGroupSize, source: 'r.context.aggregateGroupSize' },
  'context.destinationRegion': { kind: 'string', get: (r) => r.context.destinationRegion, source: 'r.context.destinationRegion' },
});

export const PATH_NAMES = Object.keys(REQUEST_PATHS);

export const isRequestPath = (p: string): boolean => Object.prototype.hasOwnProperty.call(REQUEST_PATHS, p);

/** Prefixes of known paths, so a nested `when: {subject: {clearance: …}}` can be walked. */
export const PATH_PREFIXES = new Set(PATH_NAMES.flatMap((p) => p.split('.').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('.'))));
