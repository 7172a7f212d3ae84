/**
 * Reads a policy document from text: JSON, or YAML (core schema, no custom tags, bounded aliases,
 * duplicate keys refused). Structure is checked by validate.ts; this only turns text into data.
 */
import YAML from 'yaml';
import { validationMessage } from './i18n';
import type { Locale, PolicyProblem } from './types';
import { validatePolicy, type ValidationResult } from './validate';

export const MAX_POLICY_BYTES = 256 * 1024;

export function parsePolicyText(text: string, locale: Locale = 'en'): { raw?: unknown; problems: PolicyProblem[] } {
  const parseError = (format: string, detail: string) => ({
    problems: [{ path: '$', code: 'PARSE_ERROR', message: validationMessage('PARSE_ERROR', locale, { format, detail }) }],
  });
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) return parseError('YAML/JSON', `larger than ${MAX_POLICY_BYTES} bytes`);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { raw: JSON.parse(text), problems: [] };
    } catch (err) {
      return parseError('JSON', (err as Error).message);
    }
  }
  try {
    const doc = YAML.parseDocument(text, { schema: 'core', uniqueKeys: true, customTags: [], prettyErrors: false });
    if (doc.errors.length) return parseError('YAML', doc.errors[0].message);
    return { raw: doc.toJS({ maxAliasCount: 50 }), problems: [] };
  } catch (err) {
    return parseError('YAML', (err as Error).message);
  }
}

/** Text → validated policy, in one step. */
export function loadPolicyText(text: string, locale: Locale = 'en'): ValidationResult {
  const parsed = parsePolicyText(text, locale);
  if (parsed.problems.length) return { problems: parsed.problems };
  return validatePolicy(parsed.raw, locale);
}
