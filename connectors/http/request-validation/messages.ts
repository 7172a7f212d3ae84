/**
 * The words of a schema problem. `english` serves every operation; a domain whose callers read
 * localized messages (LAC) brings its own phrasebook (lac-messages.ts).
 */
import type { ProblemKind } from './problems';

export interface Phrase {
  problem: string;
  /** A stable code of the problem, where the domain's callers count problems by code (LAC). */
  code?: string;
}

export type Phrasebook = (what: ProblemKind) => Phrase;

const withArticle = (type: string) => ({ object: 'an object', array: 'an array', integer: 'an integer', null: 'null' })[type] ?? `a ${type}`;
export const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : withArticle(typeof v));
const list = (values: unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const FORMATS: Record<string, string> = {
  'date-time': 'an ISO-8601 date-time, e.g. 2026-11-28T12:00:00Z',
  date: 'an ISO-8601 date, e.g. 2026-11-28',
};

export function rangeText(min: number | undefined, max: number | undefined, integer: boolean): string {
  const what = integer ? 'an integer' : 'a number';
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  if (min !== undefined) return `${what} ≥ ${min}`;
  return `${what} ≤ ${max}`;
}

/** `a number, null, or one of NaN, Infinity, -Infinity` */
export function formsText(forms: ({ type: string } | { values: unknown[] })[]): string {
  const words = forms.map((f) => ('type' in f ? withArticle(f.type) : `one of ${list(f.values)}`));
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')}, or ${words[words.length - 1]}`;
}

export const english: Phrasebook = (w) => {
  switch (w.kind) {
    case 'required':
      return { problem: w.description ? `is required: ${w.description}` : 'is required' };
    case 'unknownField':
      return { problem: w.allowed.length ? `is not a field here; allowed: ${w.allowed.join(', ')}` : 'is not a field here' };
    case 'type':
      return { problem: `must be ${w.expected.map(withArticle).join(' or ')}, not ${typeOf(w.actual)}` };
    case 'enum':
      return { problem: `must be one of ${list(w.allowed)}, not ${JSON.stringify(w.actual)}` };
    case 'pattern':
      return { problem: `${JSON.stringify(w.actual)} does not match ${w.pattern}${w.description ? ` (${w.description})` : ''}` };
    case 'format':
      return { problem: `must be ${FORMATS[w.format] ?? `a ${w.format}`}` };
    case 'tooShort':
      return { problem: w.min === 1 ? 'must not be empty' : `must be at least ${plural(w.min, 'character', 'characters')} long` };
    case 'tooLong':
      return { problem: `is ${plural(w.actual, 'character', 'characters')} long; at most ${w.max}` };
    case 'range':
      return { problem: `must be ${rangeText(w.min, w.max, w.integer)}` };
    case 'tooFewItems':
      return { problem: `must hold at least ${plural(w.min, 'item', 'items')}` };
    case 'tooManyItems':
      return { problem: `holds ${w.actual} items; at most ${w.max}` };
    case 'tooFewEntries':
      return { problem: `must hold at least ${plural(w.min, 'entry', 'entries')}` };
    case 'forms':
      return { problem: `must be ${formsText(w.forms)}, not ${JSON.stringify(w.actual)}` };
    case 'other':
      return { problem: w.message };
  }
};
