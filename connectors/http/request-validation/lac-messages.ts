/**
 * LAC's callers (policy authors, the console's Studio) read problems in their locale with a stable
 * code, as the policy validator gives them: the schema problems at the edge speak the same way.
 */
import type { Locale } from '../../../streams/lac/model/types';
import { EXPECTED, typeName, validationMessage, type ValidationCode } from '../../../streams/lac/model/i18n';
import { english, formsText, type Phrase, type Phrasebook } from './messages';

export function lacPhrasebook(locale: Locale): Phrasebook {
  const say = (code: ValidationCode, vars: Record<string, unknown> = {}): Phrase => ({ problem: validationMessage(code, locale, vars), code });
  return (w) => {
    switch (w.kind) {
      case 'required':
        return say('REQUIRED');
      case 'unknownField':
        return say('UNKNOWN_FIELD', { allowed: w.allowed.join(', ') });
      case 'type':
        return say('WRONG_TYPE', { expected: w.expected.map((t) => EXPECTED[t]?.[locale] ?? t).join(' | '), actual: typeName(w.actual, locale) });
      case 'forms':
        return say('WRONG_TYPE', { expected: formsText(w.forms), actual: typeName(w.actual, locale) });
      case 'enum':
        return say('BAD_ENUM', { allowed: w.allowed.join(', '), actual: JSON.stringify(w.actual) });
      case 'pattern':
        return say('BAD_FORMAT', { value: w.actual, pattern: w.pattern });
      case 'format':
        return say('BAD_FORMAT', { value: w.actual, pattern: w.format });
      case 'tooShort':
      case 'tooFewItems':
      case 'tooFewEntries':
        return w.min === 1 ? say('EMPTY') : say('TOO_SMALL', { min: w.min });
      case 'tooLong':
      case 'tooManyItems':
        return say('TOO_LONG', { actual: w.actual, max: w.max });
      case 'range':
        return w.min !== undefined && typeof w.actual === 'number' && w.actual < w.min ? say('TOO_SMALL', { min: w.min }) : say('TOO_LARGE', { max: w.max });
      default:
        return english(w);
    }
  };
}
