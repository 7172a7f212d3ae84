/**
 * Validates a parsed policy document and turns it into a Policy: every problem names its path in the
 * document (`rules[2].when.subject.clearance`) and says what is wrong in the author's locale.
 * Bundle refs resolve through semver to the highest published version in range.
 */
import * as semver from 'semver';
import { BUNDLE_BY_NAME, BUNDLES } from '../bundles/catalog';
import { checkParams } from '../bundles/params';
import { EXPECTED, typeName, validationMessage, type ValidationCode } from './i18n';
import { isRequestPath, PATH_NAMES, PATH_PREFIXES, REQUEST_PATHS } from './paths';
import { ACTIONS, LEVELS, OPERATORS, type Condition, type Locale, type Localized, type Operator, type Policy, type PolicyProblem, type ResolvedBundleUse, type Rule } from './types';

export const POLICY_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const REF = /^([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+)@(.+)$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
const TOP_LEVEL = ['id', 'version', 'mode', 'default', 'description', 'bundles', 'rules'];
const MAX_RULES = 200;
const MAX_LIST = 1000;

export interface ValidationResult {
  policy?: Policy;
  problems: PolicyProblem[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const keyPath = (base: string, key: string) => (/^[A-Za-z_][\w.-]*$/.test(key) && !/\.\./.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`);

export function validatePolicy(raw: unknown, locale: Locale = 'en'): ValidationResult {
  const problems: PolicyProblem[] = [];
  const problem = (path: string, code: ValidationCode, vars: Record<string, unknown> = {}) => problems.push({ path, code, message: validationMessage(code, locale, vars) });
  if (!isObject(raw)) {
    problem('$', 'NOT_AN_OBJECT');
    return { problems };
  }
  // Reserved keys anywhere in the document are refused before anything reads it.
  findReservedKeys(raw, '', (path, key) => problem(path || '$', 'RESERVED_KEY', { key }));
  if (problems.length) return { problems };

  for (const k of Object.keys(raw)) if (!TOP_LEVEL.includes(k)) problem(k, 'UNKNOWN_FIELD', { allowed: TOP_LEVEL.join(', ') });

  const id = raw.id;
  if (id === undefined) problem('id', 'REQUIRED');
  else if (typeof id !== 'string' || !POLICY_ID.test(id)) problem('id', 'BAD_ID');

  const version = raw.version;
  if (version === undefined) problem('version', 'REQUIRED');
  else if (typeof version !== 'string' || semver.valid(version) !== version) problem('version', 'BAD_SEMVER', { value: String(version) });

  const mode = enumOf(raw.mode, 'mode', ['monitor', 'enforce'], problem, locale);
  const def = enumOf(raw.default, 'default', ['allow', 'deny'], problem, locale);
  if (raw.description !== undefined && (typeof raw.description !== 'string' || raw.description.length > 2000)) {
    problem('description', 'WRONG_TYPE', { expected: EXPECTED.string[locale], actual: typeName(raw.description, locale) });
  }

  const bundles = bundlesOf(raw.bundles, locale, problems, problem);
  const rules = rulesOf(raw.rules, locale, problem);
  if (problems.length) return { problems };
  return {
    problems,
    policy: {
      id: id as string,
      version: version as string,
      mode: mode as Policy['mode'],
      default: def as Policy['default'],
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      bundles,
      rules,
    },
  };
}

type Report = (path: string, code: ValidationCode, vars?: Record<string, unknown>) => void;

function findReservedKeys(v: unknown, path: string, report: (path: string, key: string) => void, depth = 0): void {
  if (depth > 32 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) return v.forEach((x, i) => findReservedKeys(x, `${path}[${i}]`, report, depth + 1));
  for (const k of Object.keys(v)) {
    const at = path ? keyPath(path, k) : k;
    if (RESERVED.has(k)) report(at, k);
    else findReservedKeys((v as Record<string, unknown>)[k], at, report, depth + 1);
  }
}

function enumOf(v: unknown, path: string, allowed: string[], problem: Report, _locale: Locale): string | undefined {
  if (v === undefined) return void problem(path, 'REQUIRED');
  if (typeof v !== 'string' || !allowed.includes(v)) return void problem(path, 'BAD_ENUM', { allowed: allowed.join(', '), actual: JSON.stringify(v) });
  return v;
}

function bundlesOf(v: unknown, locale: Locale, problems: PolicyProblem[], problem: Report): ResolvedBundleUse[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return (problem('bundles', 'WRONG_TYPE', { expected: EXPECTED.array[locale], actual: typeName(v, locale) }), []);
  if (v.length > BUNDLES.length * 2) return (problem('bundles', 'TOO_LONG', { actual: v.length, max: BUNDLES.length * 2 }), []);
  const out: ResolvedBundleUse[] = [];
  const seen = new Map<string, string>();
  v.forEach((use, i) => {
    const at = `bundles[${i}]`;
    if (!isObject(use)) return problem(at, 'WRONG_TYPE', { expected: EXPECTED.object[locale], actual: typeName(use, locale) });
    for (const k of Object.keys(use)) if (k !== 'ref' && k !== 'params') problem(`${at}.${k}`, 'UNKNOWN_FIELD', { allowed: 'ref, params' });
    const ref = use.ref;
    if (ref === undefined) return problem(`${at}.ref`, 'REQUIRED');
    const m = typeof ref === 'string' ? REF.exec(ref) : null;
    if (!m) return problem(`${at}.ref`, 'BAD_REF', { value: String(ref) });
    const [, name, range] = m;
    const def = BUNDLE_BY_NAME.get(name);
    if (!def) return problem(`${at}.ref`, 'UNKNOWN_BUNDLE', { value: name, allowed: BUNDLES.map((b) => b.name).join(', ') });
    if (semver.validRange(range) === null) return problem(`${at}.ref`, 'BAD_RANGE', { value: range });
    const version = semver.maxSatisfying(def.versions, range);
    if (!version) return problem(`${at}.ref`, 'NO_MATCHING_VERSION', { bundle: name, range, allowed: def.versions.join(', ') });
    if (seen.has(name)) return problem(`${at}.ref`, 'DUPLICATE_BUNDLE', { bundle: name, other: seen.get(name) });
    seen.set(name, at);
    const params = checkParams(def, use.params, `${at}.params`, locale, problems);
    out.push({ ref: ref as string, name, version, params });
  });
  return out;
}

function rulesOf(v: unknown, locale: Locale, problem: Report): Rule[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return (problem('rules', 'WRONG_TYPE', { expected: EXPECTED.array[locale], actual: typeName(v, locale) }), []);
  if (v.length > MAX_RULES) return (problem('rules', 'TOO_LONG', { actual: v.length, max: MAX_RULES }), []);
  return v.map((rule, i): Rule => {
    const at = `rules[${i}]`;
    const fallback: Rule = { effect: 'deny', conditions: [], code: 'RULE_DENY' };
    if (!isObject(rule)) return (problem(at, 'WRONG_TYPE', { expected: EXPECTED.object[locale], actual: typeName(rule, locale) }), fallback);
    for (const k of Object.keys(rule)) if (!['effect', 'when', 'code', 'message'].includes(k)) problem(`${at}.${k}`, 'UNKNOWN_FIELD', { allowed: 'effect, when, code, message' });
    const effect = enumOf(rule.effect, `${at}.effect`, ['allow', 'deny'], problem, locale) as Rule['effect'] | undefined;
    const conditions: Condition[] = [];
    if (rule.when !== undefined && rule.when !== null) {
      if (!isObject(rule.when)) problem(`${at}.when`, 'WRONG_TYPE', { expected: EXPECTED.object[locale], actual: typeName(rule.when, locale) });
      else walkWhen(rule.when, '', `${at}.when`, conditions, locale, problem);
    }
    let code = effect === 'allow' ? 'RULE_ALLOW' : 'RULE_DENY';
    if (rule.code !== undefined) {
      if (typeof rule.code !== 'string' || !CODE.test(rule.code)) problem(`${at}.code`, 'BAD_CODE');
      else code = rule.code;
    }
    const message = messageOf(rule.message, `${at}.message`, problem);
    return { effect: effect ?? 'deny', conditions, code, ...(message !== undefined ? { message } : {}) };
  });
}

function messageOf(v: unknown, at: string, problem: Report): Localized | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && v.length <= 500) return v;
  if (isObject(v) && Object.keys(v).length > 0 && Object.entries(v).every(([k, m]) => (k === 'en' || k === 'fr') && typeof m === 'string' && m.length <= 500)) {
    return { ...(v as Record<string, string>) };
  }
  return void problem(at, 'BAD_MESSAGE');
}

const isMatcher = (o: Record<string, unknown>) => Object.keys(o).length > 0 && Object.keys(o).every((k) => (OPERATORS as readonly string[]).includes(k));

/** Flattens `when` (nested objects or dotted keys, matchers or shorthands) into conditions. */
function walkWhen(node: Record<string, unknown>, prefix: string, at: string, out: Condition[], locale: Locale, problem: Report): void {
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const here = keyPath(at, key);
    if (isRequestPath(path)) {
      if (isObject(value) && isMatcher(value)) {
        for (const [op, operand] of Object.entries(value)) addCondition(path, op as Operator, operand, keyPath(here, op), out, locale, problem);
      } else if (isObject(value)) {
        const bad = Object.keys(value).find((k) => !(OPERATORS as readonly string[]).includes(k))!;
        problem(keyPath(here, bad), 'UNKNOWN_OPERATOR', { value: bad, allowed: OPERATORS.join(', ') });
      } else {
        addCondition(path, Array.isArray(value) ? 'in' : 'equals', value, here, out, locale, problem);
      }
    } else if (PATH_PREFIXES.has(path) && isObject(value)) {
      walkWhen(value, path, here, out, locale, problem);
    } else {
      problem(here, 'UNKNOWN_PATH', { value: path, allowed: PATH_NAMES.join(', ') });
    }
  }
}

function addCondition(path: string, op: Operator, operand: unknown, at: string, out: Condition[], locale: Locale, problem: Report): void {
  const kind = REQUEST_PATHS[path].kind;
  const scalarOk = (x: unknown): boolean => {
    switch (kind) {
      case 'string':
      case 'strings':
        return typeof x === 'string' && x.length > 0 && x.length <= 256;
      case 'level':
        return typeof x === 'string' && (LEVELS as readonly string[]).includes(x);
      case 'action':
        return typeof x === 'string' && (ACTIONS as readonly string[]).includes(x);
      case 'count':
        return typeof x === 'number' && Number.isFinite(x);
    }
  };
  const scalarName = kind === 'strings' ? 'string' : kind === 'count' ? 'number' : kind;
  const need = (expected: string) => problem(at, 'BAD_OPERAND', { op, path, expected });
  switch (op) {
    case 'exists':
      if (typeof operand !== 'boolean') return need(EXPECTED.boolean[locale]);
      break;
    case 'equals':
      if (!scalarOk(operand)) return need(EXPECTED[scalarName][locale]);
      break;
    case 'in':
    case 'not in':
      if (!Array.isArray(operand) || operand.length === 0 || operand.length > MAX_LIST || !operand.every(scalarOk)) {
        return need(`${EXPECTED.array[locale]} (${EXPECTED[scalarName][locale]})`);
      }
      break;
    default:
      if (kind !== 'count' && kind !== 'level') return need(`${EXPECTED.number[locale]} / ${EXPECTED.level[locale]}`);
      if (!scalarOk(operand)) return need(EXPECTED[scalarName][locale]);
  }
  out.push({ path, op, operand: Array.isArray(operand) ? [...operand] : operand, at });
}
