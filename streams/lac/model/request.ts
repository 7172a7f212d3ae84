/**
 * Normalises a raw decide request (untrusted JSON) into an AccessRequest: only the fields the issue
 * names are read, as own properties (an inherited or polluted `Object.prototype.clearance` is never
 * seen), with strict types and bounded sizes. Anything else is a list of field problems: the engine
 * denies such a request (`MALFORMED_REQUEST`, fail closed) whoever calls it (the corpus, the semantic
 * diff's counterexamples, the HTTP API). Over HTTP the spec's LacAccessRequest has already refused a
 * malformed body at the edge (sdk/conformance/patterns.test.ts keeps the bounds equal); here the
 * engine keeps its own guarantee. Extra fields are ignored: they can neither grant nor deny.
 */
import type { FieldProblem } from '../../../schemas/errors';
import { ACTIONS, LEVELS, type AccessRequest, type Action, type FieldRef, type Level } from './types';

export const REQUEST_LIMITS = {
  text: 256,
  reason: 2000,
  groups: 256,
  fields: 512,
  tagsPerField: 64,
  /** Counts (hops, rows, group sizes) are whole numbers up to this bound. */
  count: Number.MAX_SAFE_INTEGER,
} as const;

const CONTROL = /[\u0000-\u001f\u007f]/;
const own = (o: object, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined);
const isObject = (v: unknown): v is object => v !== null && typeof v === 'object' && !Array.isArray(v);

export type Normalised = { ok: true; request: AccessRequest } | { ok: false; problems: FieldProblem[] };

/** Where a request's problems are collected, each field named under the request's prefix. */
class Problems {
  readonly list: FieldProblem[] = [];
  constructor(private readonly prefix: string) {}
  add(field: string, problem: string): undefined {
    this.list.push({ field: `${this.prefix}.${field}`, problem });
    return undefined;
  }
}

function text(p: Problems, o: object, key: string, at: string, required: boolean, max: number = REQUEST_LIMITS.text): string | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return required ? p.add(at, 'is required') : undefined;
  if (typeof v !== 'string') return p.add(at, `must be a string, not ${typeOf(v)}`);
  if (v.length === 0) return p.add(at, 'must not be empty');
  if (v.length > max) return p.add(at, `is ${v.length} characters long; at most ${max}`);
  if (CONTROL.test(v)) return p.add(at, 'must not contain control characters');
  return v;
}

function level(p: Problems, o: object, key: string, at: string): Level | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return p.add(at, 'is required');
  if (typeof v !== 'string' || !(LEVELS as readonly string[]).includes(v)) return p.add(at, `must be one of ${LEVELS.join(', ')} (exactly, upper case)`);
  return v as Level;
}

function count(p: Problems, o: object, key: string, at: string): number | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return p.add(at, `must be a whole number between 0 and ${REQUEST_LIMITS.count}`);
  return v;
}

function list(p: Problems, o: object, key: string, at: string, max: number): string[] {
  const v = own(o, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return (p.add(at, 'must be an array of strings'), []);
  if (v.length > max) return (p.add(at, `holds ${v.length} items; at most ${max}`), []);
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0 || item.length > REQUEST_LIMITS.text || CONTROL.test(item)) {
      p.add(`${at}[${i}]`, `must be a non-empty printable string of at most ${REQUEST_LIMITS.text} characters`);
    } else out.push(item);
  });
  return out;
}

/** subject, resource (required) or context (optional: absent is {}). */
function section(p: Problems, raw: object, key: string, required: boolean): object | undefined {
  const v = own(raw, key);
  if (v === undefined || v === null) return required ? p.add(key, 'is required') : {};
  if (!isObject(v)) return p.add(key, 'must be an object');
  return v;
}

function action(p: Problems, raw: object): Action | undefined {
  const v = own(raw, 'action');
  if (v === undefined || v === null) return p.add('action', 'is required');
  if (typeof v !== 'string' || !(ACTIONS as readonly string[]).includes(v)) return p.add('action', `must be one of ${ACTIONS.join(', ')} (exactly, lower case)`);
  return v as Action;
}

function subject(p: Problems, s: object): AccessRequest['subject'] {
  return {
    id: text(p, s, 'id', 'subject.id', true)!,
    tenant: text(p, s, 'tenant', 'subject.tenant', true)!,
    groups: list(p, s, 'groups', 'subject.groups', REQUEST_LIMITS.groups),
    clearance: level(p, s, 'clearance', 'subject.clearance')!,
  };
}

function fields(p: Problems, r: object): FieldRef[] {
  const fv = own(r, 'fields');
  if (fv === undefined || fv === null) return [];
  if (!Array.isArray(fv)) return (p.add('resource.fields', 'must be an array of {name, tags}'), []);
  if (fv.length > REQUEST_LIMITS.fields) return (p.add('resource.fields', `holds ${fv.length} fields; at most ${REQUEST_LIMITS.fields}`), []);
  return fv.map((f, i) => {
    const at = `resource.fields[${i}]`;
    if (!isObject(f)) return (p.add(at, 'must be an object {name, tags}'), { name: '', tags: [] });
    return { name: text(p, f, 'name', `${at}.name`, true) ?? '', tags: list(p, f, 'tags', `${at}.tags`, REQUEST_LIMITS.tagsPerField) };
  });
}

function resource(p: Problems, r: object): AccessRequest['resource'] {
  const out: AccessRequest['resource'] = {
    dataset: text(p, r, 'dataset', 'resource.dataset', true)!,
    tenant: text(p, r, 'tenant', 'resource.tenant', true)!,
    classification: level(p, r, 'classification', 'resource.classification')!,
    region: text(p, r, 'region', 'resource.region', true)!,
    license: text(p, r, 'license', 'resource.license', false),
    fields: fields(p, r),
  };
  if (out.license === undefined) delete out.license;
  return out;
}

function context(p: Problems, c: object): AccessRequest['context'] {
  const out: AccessRequest['context'] = {
    purpose: text(p, c, 'purpose', 'context.purpose', false),
    reason: text(p, c, 'reason', 'context.reason', false, REQUEST_LIMITS.reason),
    hops: count(p, c, 'hops', 'context.hops'),
    rows: count(p, c, 'rows', 'context.rows'),
    aggregateGroupSize: count(p, c, 'aggregateGroupSize', 'context.aggregateGroupSize'),
    destinationRegion: text(p, c, 'destinationRegion', 'context.destinationRegion', false),
  };
  for (const k of Object.keys(out) as (keyof typeof out)[]) if (out[k] === undefined) delete out[k];
  return out;
}

export function normaliseRequest(raw: unknown, prefix = 'request'): Normalised {
  if (!isObject(raw)) return { ok: false, problems: [{ field: prefix, problem: 'must be an object {subject, action, resource, context}' }] };
  const p = new Problems(prefix);
  const s = section(p, raw, 'subject', true);
  const r = section(p, raw, 'resource', true);
  const c = section(p, raw, 'context', false);
  const a = action(p, raw);
  const request = { subject: s && subject(p, s), action: a, resource: r && resource(p, r), context: c && context(p, c) };
  if (p.list.length || !request.subject || !request.resource || !request.context || !request.action) return { ok: false, problems: p.list };
  return { ok: true, request: request as AccessRequest };
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
