/**
 * Decision engines over a validated Policy: `compilePolicy` (specialised closures + generated rule
 * code, built once) and `interpretPolicy` (walks the document on every request). Both share only
 * the final combination, which is the evaluation semantics of issue 6 written once:
 *
 *   any deny wins; otherwise allow if a rule allows or the default is allow; otherwise deny.
 *   In monitor mode the decision is recorded but the request is allowed.
 */
import { BUNDLE_BY_NAME, ENGINE_CODES } from '../bundles/catalog';
import { EVALUATORS, type Accumulator, type BundleFn } from '../bundles/evaluators';
import { render } from '../model/i18n';
import { normaliseRequest } from '../model/request';
import type { AccessRequest, DecideResponse, Locale, Localized, Policy, Reason, Rule } from '../model/types';
import { compileRules, interpretRules } from './rules';

export interface DecisionEngine {
  readonly kind: 'compiled' | 'interpreted';
  readonly policy: Policy;
  decide(r: AccessRequest, locale?: Locale): DecideResponse;
  /** The effective decision only (allow = true), without messages: what blast-radius replays need. */
  allows(r: AccessRequest): boolean;
}

const engineReason = (code: string, locale: Locale, vars: Record<string, unknown> = {}): Reason => ({ code, message: render(ENGINE_CODES[code][locale], vars) });

function ruleReason(rule: Rule, locale: Locale, quiet: boolean): Reason {
  if (quiet) return { code: rule.code, message: '' };
  return { code: rule.code, message: localized(rule.message, locale) ?? ENGINE_CODES[rule.effect === 'allow' ? 'RULE_ALLOW' : 'RULE_DENY'][locale] };
}

function localized(m: Localized | undefined, locale: Locale): string | undefined {
  if (m === undefined) return undefined;
  if (typeof m === 'string') return m;
  return m[locale] ?? m.en ?? m.fr;
}

const newAccumulator = (locale: Locale, quiet = false): Accumulator => ({ locale, quiet, denies: [], infos: [], redact: [], attribution: [] });

/** The one combination step, shared by both engines. */
export function combine(policy: Policy, a: Accumulator, matched: readonly Rule[]): DecideResponse {
  const locale = a.locale;
  const quiet = a.quiet === true;
  const denyReasons = a.denies.slice();
  let allowed = 0;
  for (const rule of matched) {
    if (rule.effect === 'deny') denyReasons.push(ruleReason(rule, locale, quiet));
    else allowed++;
  }
  const wouldDeny = denyReasons.length > 0 || (allowed === 0 && policy.default === 'deny');
  const ref = { id: policy.id, version: policy.version };
  const obligations: DecideResponse['obligations'] = { redactFields: a.redact };
  if (a.maxHops !== undefined) obligations.maxHops = a.maxHops;
  if (a.attribution.length) obligations.attribution = a.attribution.join('; ');
  if (wouldDeny) {
    const reasons = denyReasons.length ? denyReasons : [engineReason('DEFAULT_DENY', locale)];
    if (policy.mode === 'enforce') return { decision: 'deny', reasons, obligations: { redactFields: [] }, policy: ref };
    return { decision: 'allow', reasons: [...reasons, engineReason('MONITOR_ONLY', locale), ...a.infos], obligations, policy: ref };
  }
  const reasons: Reason[] = [];
  for (const rule of matched) if (rule.effect === 'allow') reasons.push(ruleReason(rule, locale, quiet));
  if (reasons.length === 0) reasons.push(engineReason('DEFAULT_ALLOW', locale));
  return { decision: 'allow', reasons: reasons.concat(a.infos), obligations, policy: ref };
}

export function compilePolicy(policy: Policy): DecisionEngine {
  const bundleFns: BundleFn[] = policy.bundles.map((b) => EVALUATORS[b.name].compile(b.params));
  // `allows` (what previews replay a million times) skips bundles that can never deny (PII redaction).
  const denyingFns: BundleFn[] = policy.bundles.map((b, i) => [b, bundleFns[i]] as const).filter(([b]) => Object.values(BUNDLE_BY_NAME.get(b.name)!.codes).some((c) => c.denies)).map(([, fn]) => fn);
  const rules = compileRules(policy.rules);
  const ruleList = policy.rules;
  const run = (r: AccessRequest, a: Accumulator): Rule[] => {
    for (let i = 0; i < bundleFns.length; i++) bundleFns[i](r, a);
    const hits: number[] = [];
    rules(r, hits);
    return hits.map((i) => ruleList[i]);
  };
  return {
    kind: 'compiled',
    policy,
    decide: (r, locale = 'en') => {
      const a = newAccumulator(locale);
      return combine(policy, a, run(r, a));
    },
    allows(r) {
      if (policy.mode === 'monitor') return true;
      const a = newAccumulator('en', true);
      for (let i = 0; i < denyingFns.length; i++) denyingFns[i](r, a);
      if (a.denies.length) return false;
      const hits: number[] = [];
      rules(r, hits);
      let allowRule = false;
      for (const i of hits) {
        if (ruleList[i].effect === 'deny') return false;
        allowRule = true;
      }
      return allowRule || policy.default === 'allow';
    },
  };
}

export function interpretPolicy(policy: Policy): DecisionEngine {
  const run = (r: AccessRequest, a: Accumulator): Rule[] => {
    for (const use of policy.bundles) EVALUATORS[use.name].interpret(use.params, r, a);
    return interpretRules(policy.rules, r);
  };
  return {
    kind: 'interpreted',
    policy,
    decide: (r, locale = 'en') => {
      const a = newAccumulator(locale);
      return combine(policy, a, run(r, a));
    },
    allows(r) {
      const a = newAccumulator('en', true);
      return combine(policy, a, run(r, a)).decision === 'allow';
    },
  };
}

/**
 * Decide on raw (untrusted) request JSON: a request that does not normalise is denied in every
 * mode (`MALFORMED_REQUEST`, fail closed), naming the fields that are wrong.
 */
export function decideRaw(engine: DecisionEngine, raw: unknown, locale: Locale = 'en'): DecideResponse {
  const n = normaliseRequest(raw);
  if (n.ok) return engine.decide(n.request, locale);
  const problems = n.problems.map((p) => `${p.field} ${p.problem}`).join('; ');
  return {
    decision: 'deny',
    reasons: [engineReason('MALFORMED_REQUEST', locale, { problems })],
    obligations: { redactFields: [] },
    policy: { id: engine.policy.id, version: engine.policy.version },
  };
}
