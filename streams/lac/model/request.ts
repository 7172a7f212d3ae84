/**
 * Normalises a raw decide request (untrusted JSON) into an AccessRequest: only the fields the issue
 * names are read, as own properties (an inherited or polluted `Object.prototype.clearance` is never
 * seen), with strict types and bounded sizes. Anything else is a list of field problems: the engine
 * denies such a request (`MALFORMED_REQUEST`, fail closed) and the API answers 400 naming the fields.
 * Extra fields are ignored: they can neither grant nor deny.
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

export function normaliseRequest(raw: unknown, prefix = 'request'): Normalised {
  const problems: FieldProblem[] = [];
  const bad = (field: string, problem: string) => problems.push({ field: `${prefix}.${field}`, problem });
  if (!isObject(raw)) return { ok: false, problems: [{ field: prefix, problem: 'must be an object {subject, action, resource, context}' }] };

  const text = (o: object, key: string, at: string, required: boolean, max: number = REQUEST_LIMITS.text): string | undefined => {
    const v = own(o, key);
    if (v === undefined || v === null) {
      if (required) bad(at, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') return void bad(at, `must be a string, not ${typeOf(v)}`);
    if (v.length === 0) return void bad(at, 'must not be empty');
    if (v.length > max) return void bad(at, `is ${v.length} characters long; at most ${max}`);
    if (CONTROL.test(v)) return void bad(at, 'must not contain control characters');
    return v;
  };
  const level = (o: object, key: string, at: string): Level | undefined => {
    const v = own(o, key);
    if (v === undefined || v === null) return void bad(at, 'is required');
    if (typeof v !== 'string' || !(LEVELS as readonly string[]).includes(v)) return void bad(at, `must be one of ${LEVELS.join(', ')} (exactly, upper case)`);
    return v as Level;
  };
  const count = (o: object, key: string, at: string): number | undefined => {
    const v = own(o, key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return void bad(at, `must be a whole number between 0 and ${REQUEST_LIMITS.count}`);
    return v;
  };
  const list = (o: object, key: string, at: string, max: number): string[] => {
    const v = own(o, key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return (bad(at, 'must be an array of strings'), []);
    if (v.length > max) return (bad(at, `holds ${v.length} items; at most ${max}`), []);
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string' || item.length === 0 || item.length > REQUEST_LIMITS.text || CONTROL.test(item)) {
        bad(`${at}[${i}]`, `must be a non-empty printable string of at most ${REQUEST_LIMITS.text} characters`);
      } else out.push(item);
    });
    return out;
  };
  const section = (key: string, required: boolean): object | undefined => {
    const v = own(raw, key);
    if (v === undefined || v === null) {
      if (required) bad(key, 'is required');
      return required ? undefined : {};
    }
    if (!isObject(v)) return void bad(key, 'must be an object');
    return v;
  };

  const s = section('subject', true);
  const r = section('resource', true);
  const c = section('context', false);
  const actionRaw = own(raw, 'action');
  let action: Action | undefined;
  if (actionRaw === undefined || actionRaw === null) bad('action', 'is required');
  else if (typeof actionRaw !== 'string' || !(ACTIONS as readonly string[]).includes(actionRaw)) bad('action', `must be one of ${ACTIONS.join(', ')} (exactly, lower case)`);
  else action = actionRaw as Action;

  const subject = s && {
    id: text(s, 'id', 'subject.id', true)!,
    tenant: text(s, 'tenant', 'subject.tenant', true)!,
    groups: list(s, 'groups', 'subject.groups', REQUEST_LIMITS.groups),
    clearance: level(s, 'clearance', 'subject.clearance')!,
  };
  let fields: FieldRef[] = [];
  if (r) {
    const fv = own(r, 'fields');
    if (fv !== undefined && fv !== null) {
      if (!Array.isArray(fv)) bad('resource.fields', 'must be an array of {name, tags}');
      else if (fv.length > REQUEST_LIMITS.fields) bad('resource.fields', `holds ${fv.length} fields; at most ${REQUEST_LIMITS.fields}`);
      else {
        fields = fv.map((f, i) => {
          const at = `resource.fields[${i}]`;
          if (!isObject(f)) return (bad(at, 'must be an object {name, tags}'), { name: '', tags: [] });
          return { name: text(f, 'name', `${at}.name`, true) ?? '', tags: list(f, 'tags', `${at}.tags`, REQUEST_LIMITS.tagsPerField) };
        });
      }
    }
  }
  const resource = r && {
    dataset: text(r, 'dataset', 'resource.dataset', true)!,
    tenant: text(r, 'tenant', 'resource.tenant', true)!,
    classification: level(r, 'classification', 'resource.classification')!,
    region: text(r, 'region', 'resource.region', true)!,
    license: text(r, 'license', 'resource.license', false),
    fields,
  };
  const context = c && {
    purpose: text(c, 'purpose', 'context.purpose', false),
    reason: text(c, 'reason', 'context.reason', false, REQUEST_LIMITS.reason),
    hops: count(c, 'hops', 'context.hops'),
    rows: count(c, 'rows', 'context.rows'),
    aggregateGroupSize: count(c, 'aggregateGroupSize', 'context.aggregateGroupSize'),
    destinationRegion: text(c, 'destinationRegion', 'context.destinationRegion', false),
  };
  if (problems.length || !subject || !resource || !context || !action) return { ok: false, problems };
  if (resource.license === undefined) delete resource.license;
  for (const k of Object.keys(context) as (keyof typeof context)[]) if (context[k] === undefined) delete context[k];
  return { ok: true, request: { subject, action, resource, context } };
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
