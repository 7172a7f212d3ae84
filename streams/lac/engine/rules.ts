/**
 * Rule conditions, interpreted and compiled.
 *
 * String matching follows the house rule (what restricts matches loosely, what grants exactly),
 * applied per condition so that every doubt makes the rule *less permissive*:
 *   - in a deny rule, `equals`/`in` fold both sides (more matches → more denies), `not in` is exact;
 *   - in an allow rule, `equals`/`in` are exact (fewer matches → fewer allows), `not in` folds.
 * Array paths (groups, field names, field tags) match when any element matches (`not in`: none).
 * Levels compare by rank (P0 < P1 < P2 < P3); counts numerically; a missing value satisfies only
 * `not in` and `exists: false`.
 *
 * The compiler generates one JavaScript function per policy with `new Function`. Nothing from the
 * document is ever spliced into the source: paths come from the closed table in paths.ts, operators
 * from a fixed switch, and every operand is passed in a constants array and referenced by index.
 */
import { fold } from '../model/fold';
import { REQUEST_PATHS } from '../model/paths';
import { rankOf, type AccessRequest, type Condition, type Effect, type Level, type Rule } from '../model/types';

const foldsFor = (op: Condition['op'], effect: Effect): boolean => (op === 'not in' ? effect === 'allow' : effect === 'deny');

// ---- interpreter ------------------------------------------------------------------------------

export function conditionHolds(c: Condition, effect: Effect, r: AccessRequest): boolean {
  const spec = REQUEST_PATHS[c.path];
  const value = spec.get(r);
  const loose = (spec.kind === 'string' || spec.kind === 'strings') && foldsFor(c.op, effect);
  const norm = (x: unknown) => (loose ? fold(x as string) : x);
  const values: unknown[] = spec.kind === 'strings' ? (value as unknown[]) : value === undefined ? [] : [value];
  const present = values.length > 0;
  switch (c.op) {
    case 'exists':
      return present === c.operand;
    case 'equals':
      return values.some((v) => norm(v) === norm(c.operand));
    case 'in':
      return values.some((v) => (c.operand as unknown[]).map(norm).includes(norm(v)));
    case 'not in':
      return !values.some((v) => (c.operand as unknown[]).map(norm).includes(norm(v)));
    default: {
      if (!present) return false;
      const key = (x: unknown) => (spec.kind === 'level' ? rankOf(x as Level) : (x as number));
      const a = key(values[0]);
      const b = key(c.operand);
      return c.op === '<' ? a < b : c.op === '<=' ? a <= b : c.op === '>' ? a > b : a >= b;
    }
  }
}

export function interpretRules(rules: readonly Rule[], r: AccessRequest): Rule[] {
  return rules.filter((rule) => rule.conditions.every((c) => conditionHolds(c, rule.effect, r)));
}

// ---- compiler ---------------------------------------------------------------------------------

/** Helpers the generated code may call (passed in, never looked up by name from a document). */
const HELPERS = Object.freeze({
  fold,
  someEq(arr: readonly string[], x: string, loose: boolean): boolean {
    for (let i = 0; i < arr.length; i++) if ((loose ? fold(arr[i]) : arr[i]) === x) return true;
    return false;
  },
  someIn(arr: readonly string[], set: ReadonlySet<string>, loose: boolean): boolean {
    for (let i = 0; i < arr.length; i++) if (set.has(loose ? fold(arr[i]) : arr[i])) return true;
    return false;
  },
  fieldNames: (r: AccessRequest) => r.resource.fields.map((f) => f.name),
  fieldTags: (r: AccessRequest) => r.resource.fields.flatMap((f) => f.tags),
});

const COMPARATORS: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

export type CompiledRules = (r: AccessRequest, matched: number[]) => void;

export function compileRules(rules: readonly Rule[]): CompiledRules {
  const k: unknown[] = [];
  const constant = (v: unknown): string => {
    k.push(v);
    return `k[${k.length - 1}]`;
  };
  const lines: string[] = [];
  rules.forEach((rule, index) => {
    const parts = rule.conditions.map((c) => conditionSource(c, rule.effect, constant));
    lines.push(`if (${parts.length ? parts.join(' && ') : 'true'}) m.push(${index});`);
  });
  // Field names and tags are gathered once per request, however many conditions read them.
  const source = `"use strict";\nreturn function rules(r, m) {\n  let fn, ft;\n  ${lines.join('\n  ')}\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('k', 'h', source)(Object.freeze(k), HELPERS) as CompiledRules;
}

function conditionSource(c: Condition, effect: Effect, constant: (v: unknown) => string): string {
  const spec = REQUEST_PATHS[c.path];
  const V = spec.source === 'h.fieldNames(r)' ? '(fn ??= h.fieldNames(r))' : spec.source === 'h.fieldTags(r)' ? '(ft ??= h.fieldTags(r))' : spec.source;
  const loose = (spec.kind === 'string' || spec.kind === 'strings') && foldsFor(c.op, effect);
  const prep = (x: unknown) => (loose ? fold(x as string) : x);
  const L = loose ? 'true' : 'false';
  switch (spec.kind) {
    case 'strings':
      switch (c.op) {
        case 'exists': return `((${V}).length > 0) === ${constant(c.operand)}`;
        case 'equals': return `h.someEq(${V}, ${constant(prep(c.operand))}, ${L})`;
        case 'in': return `h.someIn(${V}, ${constant(new Set((c.operand as string[]).map(prep)))}, ${L})`;
        case 'not in': return `!h.someIn(${V}, ${constant(new Set((c.operand as string[]).map(prep)))}, ${L})`;
      }
      break;
    case 'string': {
      const v = loose ? `h.fold(${V})` : V;
      switch (c.op) {
        case 'exists': return `((${V}) !== undefined) === ${constant(c.operand)}`;
        case 'equals': return `((${V}) !== undefined && ${v} === ${constant(prep(c.operand))})`;
        case 'in': return `((${V}) !== undefined && ${constant(new Set((c.operand as string[]).map(prep)))}.has(${v}))`;
        case 'not in': return `((${V}) === undefined || !${constant(new Set((c.operand as string[]).map(prep)))}.has(${v}))`;
      }
      break;
    }
    case 'level':
    case 'action':
    case 'count': {
      const optional = spec.kind === 'count';
      const present = optional ? `(${V}) !== undefined` : 'true';
      switch (c.op) {
        case 'exists': return `(${present}) === ${constant(c.operand)}`;
        case 'equals': return `(${V}) === ${constant(c.operand)}`;
        case 'in': return `(${present} && ${constant(new Set(c.operand as unknown[]))}.has(${V}))`;
        case 'not in': return `(!(${present}) || !${constant(new Set(c.operand as unknown[]))}.has(${V}))`;
        default: {
          const cmp = COMPARATORS[c.op];
          // Levels are validated P0..P3, whose string order is their rank order.
          return `(${present} && (${V}) ${cmp} ${constant(c.operand)})`;
        }
      }
    }
  }
  throw new Error(`no compiled form for ${c.op} on ${c.path}`);
}
