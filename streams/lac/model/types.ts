/**
 * The LAC vocabulary: policy documents, access requests and decisions, exactly as issue 6 names them.
 * Types only; the parser, validator and engines live next to this file.
 */

export type Level = 'P0' | 'P1' | 'P2' | 'P3';
export type Action = 'query' | 'traverse' | 'export';
export type Effect = 'allow' | 'deny';
export type Mode = 'monitor' | 'enforce';
export type Locale = 'en' | 'fr';

export const LEVELS: readonly Level[] = ['P0', 'P1', 'P2', 'P3'];
export const ACTIONS: readonly Action[] = ['query', 'traverse', 'export'];
export const LOCALES: readonly Locale[] = ['en', 'fr'];

/** P0 is the most sensitive class: rank 0. A lower rank is more sensitive. */
export const rankOf = (level: Level): number => level.charCodeAt(1) - 48;

export type Operator = 'equals' | 'in' | 'not in' | '<' | '<=' | '>' | '>=' | 'exists';
export const OPERATORS: readonly Operator[] = ['equals', 'in', 'not in', '<', '<=', '>', '>=', 'exists'];

export type Localized = string | Partial<Record<Locale, string>>;

export interface BundleUse {
  /** `<bundle>@<semver range>` as written by the author. */
  ref: string;
  params?: Record<string, unknown>;
}

export interface Condition {
  /** A known request path, e.g. `subject.clearance` or `resource.fields.tags`. */
  path: string;
  op: Operator;
  operand: unknown;
  /** Where the condition sits in the document, for messages. */
  at: string;
}

export interface Rule {
  effect: Effect;
  conditions: Condition[];
  code: string;
  message?: Localized;
}

/** A policy document after validation: bundle refs resolved, `when` flattened to conditions. */
export interface Policy {
  id: string;
  version: string;
  mode: Mode;
  default: Effect;
  description?: string;
  bundles: ResolvedBundleUse[];
  rules: Rule[];
}

export interface ResolvedBundleUse {
  ref: string;
  name: string;
  /** The concrete bundle version the range resolved to. */
  version: string;
  /** Params with the bundle's defaults filled in. */
  params: Record<string, unknown>;
}

export interface FieldRef {
  name: string;
  tags: string[];
}

/** A decide request after normalisation: only known fields, right types, bounded sizes. */
export interface AccessRequest {
  subject: { id: string; tenant: string; groups: string[]; clearance: Level };
  action: Action;
  resource: {
    dataset: string;
    tenant: string;
    classification: Level;
    region: string;
    license?: string;
    fields: FieldRef[];
  };
  context: {
    purpose?: string;
    reason?: string;
    hops?: number;
    rows?: number;
    aggregateGroupSize?: number;
    destinationRegion?: string;
  };
}

export interface Reason {
  code: string;
  bundle?: string;
  message: string;
}

export interface Obligations {
  redactFields: string[];
  maxHops?: number;
  attribution?: string;
}

/** The response of POST /v1/lac/decide, exactly as the issue names it. */
export interface DecideResponse {
  decision: Effect;
  reasons: Reason[];
  obligations: Obligations;
  policy: { id: string; version: string };
}

/** A validation problem of a policy document: its path in the document, a stable code and a message in the author's locale. */
export interface PolicyProblem {
  path: string;
  code: string;
  message: string;
}
