/**
 * The ten bundles of issue 6: name, versions, params schema with defaults, reason codes and their
 * messages in English and French. Their logic lives in evaluators.ts (an interpreted and a compiled
 * form of each); this file is what `GET /v1/lac/bundles` lists.
 */
import type { Locale } from '../model/types';

export type ParamType = 'strings' | 'levels' | 'integer' | 'string' | 'shareMap' | 'licenses';

export interface ParamSpec {
  type: ParamType;
  /** Absent = no default: the param is optional unless `required`. */
  default?: unknown;
  required?: boolean;
  min?: number;
  minItems?: number;
  doc: Record<Locale, string>;
}

export interface BundleDefinition {
  name: string;
  /** Published versions, ascending. A ref's semver range picks the highest that satisfies it. */
  versions: string[];
  summary: Record<Locale, string>;
  params: Record<string, ParamSpec>;
  /** Reason codes it can produce; `denies` false for informational codes. */
  codes: Record<string, { denies: boolean; message: Record<Locale, string> }>;
  /** Obligations it can add. */
  obligations: ('redactFields' | 'maxHops' | 'attribution')[];
}

const L = (en: string, fr: string) => ({ en, fr });

export const BUNDLES: readonly BundleDefinition[] = [
  {
    name: 'minimization.pii-redact',
    versions: ['1.0.0'],
    summary: L('Fields tagged as PII are redacted on query and export unless the purpose is allowed. Never denies.', "Les champs marqués PII sont masqués en requête et export sauf si la finalité est autorisée. Ne refuse jamais."),
    params: {
      piiTags: { type: 'strings', default: ['pii'], minItems: 1, doc: L('tags that mark a field as personal data (matched loosely)', 'étiquettes qui marquent un champ comme donnée personnelle (comparaison souple)') },
      allowPurposes: { type: 'strings', default: [], doc: L('purposes that may see PII unredacted (matched exactly)', 'finalités autorisées à voir les PII en clair (comparaison exacte)') },
    },
    codes: { PII_REDACTED: { denies: false, message: L('{count} PII field(s) redacted: {fields}', '{count} champ(s) PII masqué(s) : {fields}') } },
    obligations: ['redactFields'],
  },
  {
    name: 'minimization.aggregate-only',
    versions: ['1.0.0'],
    summary: L('On sensitive classes only aggregates with large enough groups are allowed.', 'Sur les classes sensibles, seuls les agrégats de groupes assez grands sont autorisés.'),
    params: {
      classifications: { type: 'levels', default: ['P0', 'P1'], doc: L('classes that only allow aggregates', "classes qui n'autorisent que des agrégats") },
      minGroupSize: { type: 'integer', default: 10, min: 1, doc: L('smallest group an aggregate may report (k-anonymity)', "plus petit groupe qu'un agrégat peut publier (k-anonymat)") },
    },
    codes: {
      AGGREGATE_ONLY: { denies: true, message: L('{classification} data only allows aggregates; row-level access is denied', 'les données {classification} ne permettent que des agrégats ; l’accès ligne à ligne est refusé') },
      K_ANONYMITY: { denies: true, message: L('aggregate group of {size} is below the minimum of {min}', 'le groupe agrégé de {size} est sous le minimum de {min}') },
    },
    obligations: [],
  },
  {
    name: 'graph.hop-cap',
    versions: ['1.0.0'],
    summary: L('Caps the depth of graph traversals.', 'Plafonne la profondeur des parcours de graphe.'),
    params: { maxHops: { type: 'integer', default: 3, min: 0, doc: L('deepest traversal allowed', 'parcours le plus profond autorisé') } },
    codes: { HOP_CAP: { denies: true, message: L('a traversal of {hops} hops exceeds the cap of {max}', 'un parcours de {hops} sauts dépasse le plafond de {max}') } },
    obligations: ['maxHops'],
  },
  {
    name: 'graph.fanout-cap',
    versions: ['1.0.0'],
    summary: L('Caps the rows a query or traversal may touch.', "Plafonne le nombre de lignes qu'une requête ou un parcours peut toucher."),
    params: { maxRows: { type: 'integer', default: 10000, min: 0, doc: L('most rows allowed', 'nombre maximal de lignes') } },
    codes: { FANOUT_CAP: { denies: true, message: L('{rows} rows exceed the cap of {max}', '{rows} lignes dépassent le plafond de {max}') } },
    obligations: [],
  },
  {
    name: 'residency.region-lock',
    versions: ['1.0.0'],
    summary: L('Data may only go to allowed regions.', 'Les données ne peuvent aller que vers des régions autorisées.'),
    params: { allowedRegions: { type: 'strings', required: true, minItems: 1, doc: L('regions data may go to (matched exactly)', 'régions où les données peuvent aller (comparaison exacte)') } },
    codes: { RESIDENCY: { denies: true, message: L("region '{region}' is not an allowed destination", "la région '{region}' n'est pas une destination autorisée") } },
    obligations: [],
  },
  {
    name: 'purpose.reason-required',
    versions: ['1.0.0'],
    summary: L('Sensitive classes need a written reason and an allowed purpose.', 'Les classes sensibles exigent une justification écrite et une finalité autorisée.'),
    params: {
      classifications: { type: 'levels', default: ['P0', 'P1'], doc: L('classes that need a reason', 'classes qui exigent une justification') },
      minReasonLength: { type: 'integer', default: 10, min: 1, doc: L('shortest reason accepted (visible characters)', 'justification la plus courte acceptée (caractères visibles)') },
      allowedPurposes: { type: 'strings', doc: L('purposes allowed on those classes (absent: any purpose)', 'finalités autorisées sur ces classes (absent : toute finalité)') },
    },
    codes: {
      REASON_REQUIRED: { denies: true, message: L('{classification} data needs a reason of at least {min} characters', 'les données {classification} exigent une justification d’au moins {min} caractères') },
      PURPOSE_NOT_ALLOWED: { denies: true, message: L("purpose '{purpose}' is not allowed on {classification} data", "la finalité '{purpose}' n'est pas autorisée sur les données {classification}") },
    },
    obligations: [],
  },
  {
    name: 'export.tier1-block',
    versions: ['1.0.0'],
    summary: L('Blocks exports of the most sensitive classes; gated classes need the exporter group.', "Bloque l'export des classes les plus sensibles ; les classes contrôlées exigent le groupe des exportateurs."),
    params: {
      blocked: { type: 'levels', default: ['P0'], doc: L('classes that may never be exported', 'classes jamais exportables') },
      gated: { type: 'levels', default: ['P1'], doc: L('classes only the exporter group may export', 'classes exportables par le seul groupe des exportateurs') },
      exporterGroup: { type: 'string', default: 'exporters', doc: L('group allowed to export gated classes (matched exactly)', 'groupe autorisé à exporter les classes contrôlées (comparaison exacte)') },
    },
    codes: {
      EXPORT_BLOCKED: { denies: true, message: L('{classification} data may not be exported', 'les données {classification} ne peuvent pas être exportées') },
      EXPORT_GROUP_REQUIRED: { denies: true, message: L("exporting {classification} data needs membership of '{group}'", "exporter des données {classification} exige d'appartenir à '{group}'") },
    },
    obligations: [],
  },
  {
    name: 'clearance.classification-gate',
    versions: ['1.0.0'],
    summary: L("The subject's clearance must reach the resource's classification.", 'L’habilitation du sujet doit atteindre la classification de la ressource.'),
    params: {},
    codes: { CLEARANCE: { denies: true, message: L('clearance {clearance} does not reach classification {classification}', "l'habilitation {clearance} n'atteint pas la classification {classification}") } },
    obligations: [],
  },
  {
    name: 'tenant.isolation',
    versions: ['1.0.0'],
    summary: L("Subjects only reach their own tenant's data unless it is shared with them.", 'Un sujet n’accède qu’aux données de son locataire, sauf partage.'),
    params: { sharedWith: { type: 'shareMap', default: {}, doc: L('resource tenant → tenants it shares with (matched exactly)', 'locataire de la ressource → locataires avec qui il partage (comparaison exacte)') } },
    codes: { TENANT_ISOLATION: { denies: true, message: L("tenant '{subject}' may not reach data of tenant '{resource}'", "le locataire '{subject}' ne peut pas accéder aux données du locataire '{resource}'") } },
    obligations: [],
  },
  {
    name: 'license.usage-terms',
    versions: ['1.0.0'],
    summary: L('Applies the usage terms of licensed data: denied purposes, allowed tenants, attribution.', "Applique les conditions d'usage des données sous licence : finalités interdites, locataires autorisés, attribution."),
    params: { licenses: { type: 'licenses', required: true, doc: L('licence id (matched loosely) → its terms', 'identifiant de licence (comparaison souple) → ses conditions') } },
    codes: {
      LICENSE_PURPOSE: { denies: true, message: L("licence '{license}' does not allow the purpose '{purpose}'", "la licence '{license}' n'autorise pas la finalité '{purpose}'") },
      LICENSE_TENANT: { denies: true, message: L("licence '{license}' does not cover tenant '{tenant}'", "la licence '{license}' ne couvre pas le locataire '{tenant}'") },
    },
    obligations: ['attribution'],
  },
];

export const BUNDLE_BY_NAME: ReadonlyMap<string, BundleDefinition> = new Map(BUNDLES.map((b) => [b.name, b]));

/** Engine-level codes that belong to no bundle. */
export const ENGINE_CODES: Record<string, Record<Locale, string>> = {
  DEFAULT_ALLOW: L('allowed by the policy default', 'autorisé par le défaut de la politique'),
  DEFAULT_DENY: L('no rule allows this request and the policy default is deny', "aucune règle n'autorise cette requête et le défaut de la politique est refuser"),
  RULE_ALLOW: L('allowed by a policy rule', 'autorisé par une règle de la politique'),
  RULE_DENY: L('denied by a policy rule', 'refusé par une règle de la politique'),
  MONITOR_ONLY: L('monitor mode: this request would be denied in enforce mode; it is allowed and recorded', 'mode observation : cette requête serait refusée en mode application ; elle est autorisée et enregistrée'),
  MALFORMED_REQUEST: L('the request is malformed and is denied: {problems}', 'la requête est mal formée et refusée : {problems}'),
};

/** JSON Schema (2020-12) of a bundle's params, for the catalog listing and the OpenAPI parts. */
export function paramsJsonSchema(b: BundleDefinition): object {
  const strings = { type: 'array', items: { type: 'string', minLength: 1 } };
  const levels = { type: 'array', items: { enum: ['P0', 'P1', 'P2', 'P3'] } };
  const of = (p: ParamSpec): Record<string, unknown> => {
    switch (p.type) {
      case 'strings': return { ...strings, ...(p.minItems ? { minItems: p.minItems } : {}) };
      case 'levels': return levels;
      case 'integer': return { type: 'integer', minimum: p.min ?? 0 };
      case 'string': return { type: 'string', minLength: 1 };
      case 'shareMap': return { type: 'object', additionalProperties: strings };
      case 'licenses':
        return {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: { deniedPurposes: strings, allowedTenants: strings, attribution: { type: 'string', minLength: 1 } },
          },
        };
    }
  };
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(b.params).map(([k, p]) => [k, { ...of(p), description: p.doc.en, ...(p.default !== undefined ? { default: p.default } : {}) }])),
    required: Object.entries(b.params).filter(([, p]) => p.required).map(([k]) => k),
  };
}
