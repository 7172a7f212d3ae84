/**
 * The logic of the ten bundles, twice: an interpreted form that reads the params as written on every
 * request (arrays, folding each time), and a compiled form specialised once per policy (Sets of
 * folded values, constants captured in closures). The red-team corpus holds them to the same answers.
 */
import { render } from '../model/i18n';
import { fold, visibleLength } from '../model/fold';
import { rankOf, type AccessRequest, type Level, type Locale, type Reason } from '../model/types';
import { BUNDLE_BY_NAME } from './catalog';

/** What bundles and rules add up while a request is evaluated. */
export interface Accumulator {
  locale: Locale;
  /** Skip rendering messages (blast-radius replays only need codes). */
  quiet?: boolean;
  denies: Reason[];
  infos: Reason[];
  redact: string[];
  maxHops?: number;
  attribution: string[];
}

export type BundleFn = (r: AccessRequest, a: Accumulator) => void;
type Params = Record<string, unknown>;

export interface Evaluator {
  interpret(p: Params, r: AccessRequest, a: Accumulator): void;
  compile(p: Params): BundleFn;
}

function reason(bundle: string, code: string, a: Accumulator, vars: Record<string, unknown>): Reason {
  if (a.quiet) return { code, bundle, message: '' };
  const def = BUNDLE_BY_NAME.get(bundle)!.codes[code];
  return { code, bundle, message: render(def.message[a.locale], vars) };
}
const deny = (bundle: string, code: string, a: Accumulator, vars: Record<string, unknown>) => a.denies.push(reason(bundle, code, a, vars));
const strs = (v: unknown) => v as string[];
const levels = (v: unknown) => v as Level[];
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

// ---- 1. minimization.pii-redact -------------------------------------------------------------
const PII = 'minimization.pii-redact';
function redactionDone(a: Accumulator, names: string[]) {
  if (names.length === 0) return;
  for (const n of names) if (!a.redact.includes(n)) a.redact.push(n);
  a.infos.push(reason(PII, 'PII_REDACTED', a, { count: names.length, fields: names.join(', ') }));
}
const piiRedact: Evaluator = {
  interpret(p, r, a) {
    if (r.action === 'traverse') return;
    if (r.context.purpose !== undefined && strs(p.allowPurposes).includes(r.context.purpose)) return;
    const tags = strs(p.piiTags).map(fold);
    redactionDone(a, r.resource.fields.filter((f) => f.tags.some((t) => tags.includes(fold(t)))).map((f) => f.name));
  },
  compile(p) {
    const tags = new Set(strs(p.piiTags).map(fold));
    const allowed = new Set(strs(p.allowPurposes));
    return (r, a) => {
      if (r.action === 'traverse') return;
      const purpose = r.context.purpose;
      if (purpose !== undefined && allowed.has(purpose)) return;
      const fields = r.resource.fields;
      let names: string[] | undefined;
      for (let i = 0; i < fields.length; i++) {
        const ts = fields[i].tags;
        for (let j = 0; j < ts.length; j++) {
          if (tags.has(fold(ts[j]))) {
            (names ??= []).push(fields[i].name);
            break;
          }
        }
      }
      if (names) redactionDone(a, names);
    };
  },
};

// ---- 2. minimization.aggregate-only ----------------------------------------------------------
const AGG = 'minimization.aggregate-only';
const aggregateOnly: Evaluator = {
  interpret(p, r, a) {
    if (!levels(p.classifications).includes(r.resource.classification)) return;
    const size = r.context.aggregateGroupSize;
    if (size === undefined) deny(AGG, 'AGGREGATE_ONLY', a, { classification: r.resource.classification });
    else if (size < (p.minGroupSize as number)) deny(AGG, 'K_ANONYMITY', a, { size, min: p.minGroupSize });
  },
  compile(p) {
    const classes = new Set(levels(p.classifications));
    const min = p.minGroupSize as number;
    return (r, a) => {
      if (!classes.has(r.resource.classification)) return;
      const size = r.context.aggregateGroupSize;
      if (size === undefined) deny(AGG, 'AGGREGATE_ONLY', a, { classification: r.resource.classification });
      else if (size < min) deny(AGG, 'K_ANONYMITY', a, { size, min });
    };
  },
};

// ---- 3. graph.hop-cap ------------------------------------------------------------------------
const HOP = 'graph.hop-cap';
const capHops = (a: Accumulator, max: number) => {
  a.maxHops = a.maxHops === undefined ? max : Math.min(a.maxHops, max);
};
const hopCap: Evaluator = {
  interpret(p, r, a) {
    if (r.action !== 'traverse') return;
    const max = p.maxHops as number;
    // Every traversal carries the cap (monitor mode lets a deep one through, still capped).
    capHops(a, max);
    if (r.context.hops !== undefined && r.context.hops > max) deny(HOP, 'HOP_CAP', a, { hops: r.context.hops, max });
  },
  compile(p) {
    const max = p.maxHops as number;
    return (r, a) => {
      if (r.action !== 'traverse') return;
      capHops(a, max);
      const hops = r.context.hops;
      if (hops !== undefined && hops > max) deny(HOP, 'HOP_CAP', a, { hops, max });
    };
  },
};

// ---- 4. graph.fanout-cap ---------------------------------------------------------------------
const FAN = 'graph.fanout-cap';
const fanoutCap: Evaluator = {
  interpret(p, r, a) {
    if (r.action === 'export') return;
    if (r.context.rows !== undefined && r.context.rows > (p.maxRows as number)) deny(FAN, 'FANOUT_CAP', a, { rows: r.context.rows, max: p.maxRows });
  },
  compile(p) {
    const max = p.maxRows as number;
    return (r, a) => {
      if (r.action === 'export') return;
      const rows = r.context.rows;
      if (rows !== undefined && rows > max) deny(FAN, 'FANOUT_CAP', a, { rows, max });
    };
  },
};

// ---- 5. residency.region-lock ----------------------------------------------------------------
const RES = 'residency.region-lock';
const regionLock: Evaluator = {
  interpret(p, r, a) {
    const region = r.context.destinationRegion ?? r.resource.region;
    if (!strs(p.allowedRegions).includes(region)) deny(RES, 'RESIDENCY', a, { region });
  },
  compile(p) {
    const allowed = new Set(strs(p.allowedRegions));
    return (r, a) => {
      const region = r.context.destinationRegion ?? r.resource.region;
      if (!allowed.has(region)) deny(RES, 'RESIDENCY', a, { region });
    };
  },
};

// ---- 6. purpose.reason-required --------------------------------------------------------------
const PUR = 'purpose.reason-required';
const reasonRequired: Evaluator = {
  interpret(p, r, a) {
    const classification = r.resource.classification;
    if (!levels(p.classifications).includes(classification)) return;
    const min = p.minReasonLength as number;
    if (r.context.reason === undefined || visibleLength(r.context.reason) < min) deny(PUR, 'REASON_REQUIRED', a, { classification, min });
    if (p.allowedPurposes !== undefined && (r.context.purpose === undefined || !strs(p.allowedPurposes).includes(r.context.purpose))) {
      deny(PUR, 'PURPOSE_NOT_ALLOWED', a, { purpose: r.context.purpose ?? '', classification });
    }
  },
  compile(p) {
    const classes = new Set(levels(p.classifications));
    const min = p.minReasonLength as number;
    const purposes = p.allowedPurposes === undefined ? undefined : new Set(strs(p.allowedPurposes));
    return (r, a) => {
      const classification = r.resource.classification;
      if (!classes.has(classification)) return;
      const why = r.context.reason;
      if (why === undefined || visibleLength(why) < min) {
        deny(PUR, 'REASON_REQUIRED', a, { classification, min });
      }
      const purpose = r.context.purpose;
      if (purposes !== undefined && (purpose === undefined || !purposes.has(purpose))) deny(PUR, 'PURPOSE_NOT_ALLOWED', a, { purpose: purpose ?? '', classification });
    };
  },
};

// ---- 7. export.tier1-block -------------------------------------------------------------------
const EXP = 'export.tier1-block';
const tier1Block: Evaluator = {
  interpret(p, r, a) {
    if (r.action !== 'export') return;
    const classification = r.resource.classification;
    if (levels(p.blocked).includes(classification)) deny(EXP, 'EXPORT_BLOCKED', a, { classification });
    else if (levels(p.gated).includes(classification) && !r.subject.groups.includes(p.exporterGroup as string)) {
      deny(EXP, 'EXPORT_GROUP_REQUIRED', a, { classification, group: p.exporterGroup });
    }
  },
  compile(p) {
    const blocked = new Set(levels(p.blocked));
    const gated = new Set(levels(p.gated));
    const group = p.exporterGroup as string;
    return (r, a) => {
      if (r.action !== 'export') return;
      const classification = r.resource.classification;
      if (blocked.has(classification)) deny(EXP, 'EXPORT_BLOCKED', a, { classification });
      else if (gated.has(classification) && r.subject.groups.indexOf(group) < 0) deny(EXP, 'EXPORT_GROUP_REQUIRED', a, { classification, group });
    };
  },
};

// ---- 8. clearance.classification-gate --------------------------------------------------------
const CLR = 'clearance.classification-gate';
const clearanceGate: Evaluator = {
  interpret(_p, r, a) {
    if (rankOf(r.subject.clearance) > rankOf(r.resource.classification)) {
      deny(CLR, 'CLEARANCE', a, { clearance: r.subject.clearance, classification: r.resource.classification });
    }
  },
  compile() {
    // Levels are validated P0..P3, so string order is rank order.
    return (r, a) => {
      if (r.subject.clearance > r.resource.classification) deny(CLR, 'CLEARANCE', a, { clearance: r.subject.clearance, classification: r.resource.classification });
    };
  },
};

// ---- 9. tenant.isolation ---------------------------------------------------------------------
const TEN = 'tenant.isolation';
const tenantIsolation: Evaluator = {
  interpret(p, r, a) {
    const subject = r.subject.tenant;
    const resource = r.resource.tenant;
    if (subject === resource) return;
    const shared = p.sharedWith as Record<string, string[]>;
    if (own(shared, resource) && shared[resource].includes(subject)) return;
    deny(TEN, 'TENANT_ISOLATION', a, { subject, resource });
  },
  compile(p) {
    const shares = new Map<string, Set<string>>();
    for (const [owner, with_] of Object.entries(p.sharedWith as Record<string, string[]>)) shares.set(owner, new Set(with_));
    return (r, a) => {
      const subject = r.subject.tenant;
      const resource = r.resource.tenant;
      if (subject === resource || shares.get(resource)?.has(subject)) return;
      deny(TEN, 'TENANT_ISOLATION', a, { subject, resource });
    };
  },
};

// ---- 10. license.usage-terms -----------------------------------------------------------------
const LIC = 'license.usage-terms';
interface Terms { deniedPurposes?: string[]; allowedTenants?: string[]; attribution?: string }
function applyTerms(license: string, terms: Terms, deniedFolded: Set<string> | string[] | undefined, r: AccessRequest, a: Accumulator) {
  if (deniedFolded !== undefined) {
    const purpose = r.context.purpose;
    // A licence with denied purposes cannot be checked without a purpose: fail closed.
    const hit = purpose === undefined || (Array.isArray(deniedFolded) ? deniedFolded.includes(fold(purpose)) : deniedFolded.has(fold(purpose)));
    if (hit) deny(LIC, 'LICENSE_PURPOSE', a, { license, purpose: purpose ?? '' });
  }
  if (terms.allowedTenants !== undefined && !terms.allowedTenants.includes(r.subject.tenant)) deny(LIC, 'LICENSE_TENANT', a, { license, tenant: r.subject.tenant });
  if (terms.attribution !== undefined && !a.attribution.includes(terms.attribution)) a.attribution.push(terms.attribution);
}
const usageTerms: Evaluator = {
  interpret(p, r, a) {
    const license = r.resource.license;
    if (license === undefined) return;
    const licenses = p.licenses as Record<string, Terms>;
    // Every licence id that folds to the request's applies (two ids may fold alike: both sets of terms hold).
    for (const key of Object.keys(licenses)) {
      if (fold(key) !== fold(license)) continue;
      const terms = licenses[key];
      applyTerms(license, terms, terms.deniedPurposes?.map(fold), r, a);
    }
  },
  compile(p) {
    const byFolded = new Map<string, { terms: Terms; denied?: Set<string> }[]>();
    for (const [k, terms] of Object.entries(p.licenses as Record<string, Terms>)) {
      const list = byFolded.get(fold(k)) ?? [];
      list.push({ terms, denied: terms.deniedPurposes && new Set(terms.deniedPurposes.map(fold)) });
      byFolded.set(fold(k), list);
    }
    return (r, a) => {
      const license = r.resource.license;
      if (license === undefined) return;
      const hits = byFolded.get(fold(license));
      if (hits) for (const hit of hits) applyTerms(license, hit.terms, hit.denied, r, a);
    };
  },
};

export const EVALUATORS: Record<string, Evaluator> = {
  'minimization.pii-redact': piiRedact,
  'minimization.aggregate-only': aggregateOnly,
  'graph.hop-cap': hopCap,
  'graph.fanout-cap': fanoutCap,
  'residency.region-lock': regionLock,
  'purpose.reason-required': reasonRequired,
  'export.tier1-block': tier1Block,
  'clearance.classification-gate': clearanceGate,
  'tenant.isolation': tenantIsolation,
  'license.usage-terms': usageTerms,
};
