/**
 * Checks a bundle's params against its params schema and fills in the defaults. Returns fresh plain
 * data (never the author's objects), so nothing the document carried besides the declared params
 * reaches an evaluator.
 */
import { EXPECTED, typeName, validationMessage, type ValidationCode } from '../model/i18n';
import { LEVELS, type Locale, type PolicyProblem } from '../model/types';
import type { BundleDefinition, ParamSpec } from './catalog';

const MAX_ITEMS = 1000;
const MAX_TEXT = 256;
const CONTROL = /[\u0000-\u001f\u007f]/;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function checkParams(def: BundleDefinition, raw: unknown, at: string, locale: Locale, problems: PolicyProblem[]): Record<string, unknown> {
  const problem = (path: string, code: ValidationCode, vars: Record<string, unknown> = {}) => problems.push({ path, code, message: validationMessage(code, locale, vars) });
  const out: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null && !isObject(raw)) {
    problem(at, 'WRONG_TYPE', { expected: EXPECTED.object[locale], actual: typeName(raw, locale) });
    raw = {};
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(def.params, key)) problem(`${at}.${key}`, 'UNKNOWN_PARAM', { bundle: def.name, allowed: Object.keys(def.params).join(', ') || '—' });
  }
  for (const [name, spec] of Object.entries(def.params)) {
    const path = `${at}.${name}`;
    const v = Object.prototype.hasOwnProperty.call(given, name) ? given[name] : undefined;
    if (v === undefined || v === null) {
      if (spec.required) problem(path, 'REQUIRED');
      else if (spec.default !== undefined) out[name] = structuredClone(spec.default);
      continue;
    }
    const checked = checkValue(spec, v, path, locale, problem);
    if (checked !== undefined) out[name] = checked;
  }
  return out;
}

type Report = (path: string, code: ValidationCode, vars?: Record<string, unknown>) => void;

function checkStrings(v: unknown, path: string, locale: Locale, problem: Report, minItems = 0): string[] | undefined {
  if (!Array.isArray(v)) return void problem(path, 'WRONG_TYPE', { expected: EXPECTED.strings[locale], actual: typeName(v, locale) });
  if (v.length > MAX_ITEMS) return void problem(path, 'TOO_LONG', { actual: v.length, max: MAX_ITEMS });
  if (v.length < minItems) return void problem(path, 'EMPTY');
  let ok = true;
  v.forEach((s, i) => {
    if (typeof s !== 'string' || s.length === 0 || s.length > MAX_TEXT || CONTROL.test(s)) {
      ok = false;
      problem(`${path}[${i}]`, 'WRONG_TYPE', { expected: EXPECTED.string[locale], actual: typeof s === 'string' ? JSON.stringify(s.slice(0, 20)) : typeName(s, locale) });
    }
  });
  return ok ? [...(v as string[])] : undefined;
}

function checkValue(spec: ParamSpec, v: unknown, path: string, locale: Locale, problem: Report): unknown {
  switch (spec.type) {
    case 'strings':
      return checkStrings(v, path, locale, problem, spec.minItems);
    case 'levels': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !(LEVELS as readonly string[]).includes(x))) {
        return void problem(path, 'WRONG_TYPE', { expected: EXPECTED.levels[locale], actual: JSON.stringify(v).slice(0, 60) });
      }
      return [...new Set(v as string[])];
    }
    case 'integer': {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return void problem(path, 'WRONG_TYPE', { expected: EXPECTED.integer[locale], actual: typeName(v, locale) });
      if (v < (spec.min ?? 0)) return void problem(path, 'TOO_SMALL', { min: spec.min ?? 0 });
      return v;
    }
    case 'string': {
      if (typeof v !== 'string') return void problem(path, 'WRONG_TYPE', { expected: EXPECTED.string[locale], actual: typeName(v, locale) });
      if (v.length === 0) return void problem(path, 'EMPTY');
      if (v.length > MAX_TEXT || CONTROL.test(v)) return void problem(path, 'TOO_LONG', { actual: v.length, max: MAX_TEXT });
      return v;
    }
    case 'shareMap': {
      if (!isObject(v)) return void problem(path, 'WRONG_TYPE', { expected: EXPECTED.shareMap[locale], actual: typeName(v, locale) });
      const out: Record<string, string[]> = {};
      for (const [k, with_] of Object.entries(v)) {
        const list = checkStrings(with_, `${path}.${k}`, locale, problem);
        if (list) out[k] = list;
      }
      return out;
    }
    case 'licenses': {
      if (!isObject(v)) return void problem(path, 'WRONG_TYPE', { expected: EXPECTED.licenses[locale], actual: typeName(v, locale) });
      const out: Record<string, { deniedPurposes?: string[]; allowedTenants?: string[]; attribution?: string }> = {};
      for (const [license, terms] of Object.entries(v)) {
        const at = `${path}.${license}`;
        if (!isObject(terms)) {
          problem(at, 'WRONG_TYPE', { expected: EXPECTED.object[locale], actual: typeName(terms, locale) });
          continue;
        }
        const t: (typeof out)[string] = {};
        for (const key of Object.keys(terms)) {
          if (!['deniedPurposes', 'allowedTenants', 'attribution'].includes(key)) problem(`${at}.${key}`, 'UNKNOWN_FIELD', { allowed: 'deniedPurposes, allowedTenants, attribution' });
        }
        if (terms.deniedPurposes !== undefined) t.deniedPurposes = checkStrings(terms.deniedPurposes, `${at}.deniedPurposes`, locale, problem);
        if (terms.allowedTenants !== undefined) t.allowedTenants = checkStrings(terms.allowedTenants, `${at}.allowedTenants`, locale, problem);
        if (terms.attribution !== undefined) {
          if (typeof terms.attribution !== 'string' || terms.attribution.length === 0) problem(`${at}.attribution`, 'WRONG_TYPE', { expected: EXPECTED.string[locale], actual: typeName(terms.attribution, locale) });
          else t.attribution = terms.attribution;
        }
        out[license] = t;
      }
      return out;
    }
  }
}
