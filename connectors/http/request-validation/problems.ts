/**
 * ajv's errors as field problems a person can act on: the field as a path (`replays[0].runtime.os`),
 * what is wrong as a kind with its values (rendered into words by a phrasebook, English or a
 * domain's localized one). Where a value may take one of several forms (`oneOf`), the problems are
 * those of the form the value was most likely meant to be, not every form's.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Json, OpenApi } from './openapi';

export type ProblemKind =
  | { kind: 'required'; description?: string }
  | { kind: 'unknownField'; allowed: string[] }
  | { kind: 'type'; expected: string[]; actual: unknown }
  | { kind: 'enum'; allowed: unknown[]; actual: unknown }
  | { kind: 'pattern'; pattern: string; actual: unknown; description?: string }
  | { kind: 'format'; format: string; actual: unknown }
  | { kind: 'tooShort'; min: number }
  | { kind: 'tooLong'; max: number; actual: number }
  | { kind: 'range'; min?: number; max?: number; integer: boolean; actual: unknown }
  | { kind: 'tooFewItems'; min: number }
  | { kind: 'tooManyItems'; max: number; actual: number }
  | { kind: 'tooFewEntries'; min: number }
  /** A scalar that is none of a `oneOf`'s forms: each form, a type or a list of values. */
  | { kind: 'forms'; forms: ({ type: string } | { values: unknown[] })[]; actual: unknown }
  | { kind: 'other'; message: string };

export interface LocatedProblem {
  field: string;
  what: ProblemKind;
}

/** `/replays/0/runtime` + `os` → `replays[0].runtime.os`; the root is `body`. */
export function fieldPath(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  const path = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return path === '' ? 'body' : path;
}

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function describe(e: ErrorObject, spec: OpenApi): LocatedProblem {
  const p = e.params as Json;
  const parent = (e.parentSchema ?? {}) as Json;
  switch (e.keyword) {
    case 'required': {
      const declared = spec.resolve(parent.properties?.[p.missingProperty] ?? {});
      const description = parent.properties?.[p.missingProperty]?.description ?? declared?.description;
      return { field: fieldPath(e.instancePath, p.missingProperty), what: { kind: 'required', description } };
    }
    case 'additionalProperties':
      return { field: fieldPath(e.instancePath, p.additionalProperty), what: { kind: 'unknownField', allowed: Object.keys(parent.properties ?? {}) } };
    case 'type':
      return { field: fieldPath(e.instancePath), what: { kind: 'type', expected: [].concat(p.type), actual: e.data } };
    case 'enum':
      return { field: fieldPath(e.instancePath), what: { kind: 'enum', allowed: p.allowedValues, actual: e.data } };
    case 'const':
      return { field: fieldPath(e.instancePath), what: { kind: 'enum', allowed: [p.allowedValue], actual: e.data } };
    case 'pattern':
      return { field: fieldPath(e.instancePath), what: { kind: 'pattern', pattern: p.pattern, actual: e.data, description: parent.description } };
    case 'format':
      return { field: fieldPath(e.instancePath), what: { kind: 'format', format: p.format, actual: e.data } };
    case 'minLength':
      return { field: fieldPath(e.instancePath), what: { kind: 'tooShort', min: p.limit } };
    case 'maxLength':
      return { field: fieldPath(e.instancePath), what: { kind: 'tooLong', max: p.limit, actual: String(e.data).length } };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: fieldPath(e.instancePath), what: { kind: 'range', min: parent.minimum, max: parent.maximum, integer: [].concat(parent.type ?? []).includes('integer' as never), actual: e.data } };
    case 'minItems':
      return { field: fieldPath(e.instancePath), what: { kind: 'tooFewItems', min: p.limit } };
    case 'maxItems':
      return { field: fieldPath(e.instancePath), what: { kind: 'tooManyItems', max: p.limit, actual: (e.data as unknown[]).length } };
    case 'minProperties':
      return { field: fieldPath(e.instancePath), what: { kind: 'tooFewEntries', min: p.limit } };
    default:
      return { field: fieldPath(e.instancePath), what: { kind: 'other', message: e.message ?? `fails ${e.keyword}` } };
  }
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + '/');

/**
 * How well a value fits one form of a `oneOf`: its type first (a string is not meant to be an
 * object form), then how many of its keys the form names, then how few problems it has there.
 */
function fit(spec: OpenApi, branch: Json, data: unknown, problems: number): [number, number, number] {
  const form = spec.resolve(branch);
  const types: string[] = [].concat(form?.type ?? []);
  const t = jsonType(data);
  const typeFits = types.length === 0 || types.includes(t) || (t === 'number' && Number.isInteger(data) && types.includes('integer'));
  const keys = t === 'object' ? Object.keys(data as object) : [];
  const named = keys.filter((k) => form?.properties && Object.prototype.hasOwnProperty.call(form.properties, k)).length;
  return [typeFits ? 1 : 0, named, -problems];
}

const better = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
};

export class ProblemFinder {
  private readonly branches = new WeakMap<object, ValidateFunction>();
  constructor(private readonly spec: OpenApi) {}

  /** The located problems of a failed validation (ajv compiled with allErrors and verbose). */
  find(errors: ErrorObject[], at = ''): LocatedProblem[] {
    const forks = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').sort((a, b) => a.instancePath.length - b.instancePath.length);
    if (forks.length === 0) return errors.map((e) => describe({ ...e, instancePath: at + e.instancePath }, this.spec));
    const fork = forks[0];
    const rest = errors.filter((e) => !under(e.instancePath, fork.instancePath));
    return [...this.find(rest, at), ...this.findInForm(fork, at + fork.instancePath)];
  }

  private findInForm(fork: ErrorObject, at: string): LocatedProblem[] {
    let best: { score: [number, number, number]; errors: ErrorObject[] } | undefined;
    for (const branch of fork.schema as Json[]) {
      const validate = this.compiled(branch);
      const errors = validate(fork.data) ? [] : [...(validate.errors ?? [])];
      const score = fit(this.spec, branch, fork.data, errors.length);
      if (!best || better(score, best.score)) best = { score, errors };
    }
    if (!best || best.errors.length === 0) return [{ field: fieldPath(at), what: { kind: 'other', message: 'matches more than one of the forms the API describes' } }];
    const wrongKindOfScalar = best.errors.every((e) => e.instancePath === '' && ['type', 'enum', 'const'].includes(e.keyword));
    if (jsonType(fork.data) !== 'object' && jsonType(fork.data) !== 'array' && wrongKindOfScalar) {
      return [{ field: fieldPath(at), what: { kind: 'forms', forms: (fork.schema as Json[]).flatMap((b) => this.formsOf(b)), actual: fork.data } }];
    }
    return this.find(best.errors, at);
  }

  private formsOf(branch: Json): ({ type: string } | { values: unknown[] })[] {
    const form = this.spec.resolve(branch);
    if (Array.isArray(form?.enum)) return [{ values: form.enum }];
    if (form && 'const' in form) return [{ values: [form.const] }];
    return ([] as string[]).concat(form?.type ?? 'value').map((type) => ({ type }));
  }

  private compiled(branch: Json): ValidateFunction {
    let v = this.branches.get(branch);
    if (!v) this.branches.set(branch, (v = this.spec.compile(branch)));
    return v;
  }
}
