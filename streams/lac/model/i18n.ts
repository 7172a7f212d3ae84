/**
 * Messages of the policy validator, in the author's locale (English and French). Each problem has a
 * stable code (for analytics: "validation errors by code") and a message rendered from a template.
 */
import type { Locale } from './types';

type Templates = Record<Locale, string>;

export const VALIDATION_MESSAGES = {
  PARSE_ERROR: { en: 'the document is not valid {format}: {detail}', fr: "le document n'est pas du {format} valide : {detail}" },
  NOT_AN_OBJECT: { en: 'must be an object', fr: 'doit être un objet' },
  REQUIRED: { en: 'is required', fr: 'est obligatoire' },
  UNKNOWN_FIELD: { en: 'is not a known field; expected one of {allowed}', fr: "n'est pas un champ connu ; attendu : {allowed}" },
  RESERVED_KEY: { en: "the key '{key}' is reserved and may not appear in a policy", fr: "la clé '{key}' est réservée et ne peut pas figurer dans une politique" },
  WRONG_TYPE: { en: 'must be {expected}, not {actual}', fr: 'doit être {expected}, et non {actual}' },
  BAD_ENUM: { en: 'must be one of {allowed}, not {actual}', fr: "doit valoir l'une des valeurs {allowed}, et non {actual}" },
  BAD_ID: { en: 'must be 1 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit', fr: 'doit comporter 1 à 64 minuscules, chiffres, points, tirets ou soulignés, et commencer par une lettre ou un chiffre' },
  BAD_SEMVER: { en: "'{value}' is not a semantic version (e.g. 1.2.0)", fr: "'{value}' n'est pas une version sémantique (par ex. 1.2.0)" },
  BAD_REF: { en: "'{value}' is not a bundle reference of the form <bundle>@<semver range>, e.g. graph.hop-cap@^1", fr: "'{value}' n'est pas une référence de bundle de la forme <bundle>@<plage semver>, par ex. graph.hop-cap@^1" },
  BAD_RANGE: { en: "'{value}' is not a semver range", fr: "'{value}' n'est pas une plage semver" },
  UNKNOWN_BUNDLE: { en: "no bundle is named '{value}'; known bundles: {allowed}", fr: "aucun bundle ne s'appelle '{value}' ; bundles connus : {allowed}" },
  NO_MATCHING_VERSION: { en: "no version of {bundle} satisfies '{range}'; available: {allowed}", fr: "aucune version de {bundle} ne satisfait '{range}' ; disponibles : {allowed}" },
  DUPLICATE_BUNDLE: { en: '{bundle} is already used at {other}; use it once with all its params', fr: '{bundle} est déjà utilisé en {other} ; utilisez-le une seule fois avec tous ses paramètres' },
  UNKNOWN_PARAM: { en: '{bundle} has no param of this name; its params are {allowed}', fr: "{bundle} n'a pas de paramètre de ce nom ; ses paramètres sont {allowed}" },
  TOO_SMALL: { en: 'must be at least {min}', fr: 'doit valoir au moins {min}' },
  TOO_LARGE: { en: 'must be at most {max}', fr: 'doit valoir au plus {max}' },
  BAD_FORMAT: { en: "'{value}' does not have the expected form ({pattern})", fr: "'{value}' n'a pas la forme attendue ({pattern})" },
  TOO_LONG: { en: 'holds {actual} items or characters; at most {max}', fr: 'contient {actual} éléments ou caractères ; au plus {max}' },
  EMPTY: { en: 'must not be empty', fr: 'ne doit pas être vide' },
  UNKNOWN_PATH: { en: "'{value}' is not a request path; known paths: {allowed}", fr: "'{value}' n'est pas un chemin de requête ; chemins connus : {allowed}" },
  UNKNOWN_OPERATOR: { en: "'{value}' is not a matcher; use one of {allowed}", fr: "'{value}' n'est pas un opérateur ; utilisez l'un de {allowed}" },
  BAD_OPERAND: { en: '{op} on {path} needs {expected}', fr: '{op} sur {path} attend {expected}' },
  BAD_CODE: { en: 'must be an upper-case code such as NO_WEEKEND_EXPORT (A-Z, 0-9, _; at most 64)', fr: 'doit être un code en majuscules comme NO_WEEKEND_EXPORT (A-Z, 0-9, _ ; au plus 64)' },
  BAD_MESSAGE: { en: 'must be a string or an object of messages per locale (en, fr)', fr: 'doit être une chaîne ou un objet de messages par langue (en, fr)' },
} satisfies Record<string, Templates>;

export type ValidationCode = keyof typeof VALIDATION_MESSAGES;

export function render(template: string, vars: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m));
}

export function validationMessage(code: ValidationCode, locale: Locale, vars: Record<string, unknown> = {}): string {
  return render(VALIDATION_MESSAGES[code][locale], vars);
}

/** The author's locale from an Accept-Language header or a `?locale=` value; English by default. */
export function localeOf(value: string | undefined | null): Locale {
  if (!value) return 'en';
  for (const part of String(value).split(',')) {
    const tag = part.trim().toLowerCase();
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Type names in messages, per locale. */
export function typeName(v: unknown, locale: Locale): string {
  const en = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
  if (locale === 'en') return en;
  const fr: Record<string, string> = { null: 'null', 'an array': 'un tableau', 'an object': 'un objet', 'a string': 'une chaîne', 'a number': 'un nombre', 'a boolean': 'un booléen' };
  return fr[en] ?? en;
}

export const EXPECTED: Record<string, Templates> = {
  string: { en: 'a string', fr: 'une chaîne' },
  object: { en: 'an object', fr: 'un objet' },
  array: { en: 'an array', fr: 'un tableau' },
  strings: { en: 'an array of non-empty strings', fr: 'un tableau de chaînes non vides' },
  levels: { en: 'an array of P0, P1, P2, P3', fr: 'un tableau de P0, P1, P2, P3' },
  integer: { en: 'a whole number', fr: 'un nombre entier' },
  number: { en: 'a number', fr: 'un nombre' },
  boolean: { en: 'true or false', fr: 'true ou false' },
  level: { en: 'one of P0, P1, P2, P3', fr: "l'une des valeurs P0, P1, P2, P3" },
  action: { en: 'one of query, traverse, export', fr: "l'une des valeurs query, traverse, export" },
  shareMap: { en: 'an object of tenant → array of tenants', fr: 'un objet locataire → tableau de locataires' },
  licenses: { en: 'an object of licence → {deniedPurposes?, allowedTenants?, attribution?}', fr: 'un objet licence → {deniedPurposes?, allowedTenants?, attribution?}' },
};
