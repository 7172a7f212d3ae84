/**
 * The use-case catalog: Tier-1 (must serve) and Tier-2 (should serve) access-control use cases of an
 * analytics platform, each mapped to the bundles that serve it. A use case with a `gap` needs
 * something no bundle does yet; it is listed honestly and counts as not covered.
 */
export interface UseCase {
  id: string;
  tier: 1 | 2;
  title: string;
  bundles: string[];
  /** What no bundle provides yet (empty = fully served by the bundles). */
  gaps: string[];
}

const uc = (id: string, tier: 1 | 2, title: string, bundles: string[], gaps: string[] = []): UseCase => ({ id, tier, title, bundles, gaps });

export const USE_CASES: readonly UseCase[] = [
  uc('UC01', 1, 'Analysts query customer tables with e-mail and phone redacted', ['minimization.pii-redact']),
  uc('UC02', 1, 'Fraud investigators see PII unredacted for an investigation purpose', ['minimization.pii-redact', 'purpose.reason-required']),
  uc('UC03', 1, 'Health and payroll data (P0/P1) only as aggregates', ['minimization.aggregate-only']),
  uc('UC04', 1, 'Aggregates over small cohorts are refused (k-anonymity)', ['minimization.aggregate-only']),
  uc('UC05', 1, 'Graph exploration limited to three hops from a seed account', ['graph.hop-cap']),
  uc('UC06', 1, 'No query may scan more than 10k rows of a sensitive table interactively', ['graph.fanout-cap']),
  uc('UC07', 1, 'EU customer data stays in EU regions (GDPR residency)', ['residency.region-lock']),
  uc('UC08', 1, 'Access to P0/P1 data needs a written justification', ['purpose.reason-required']),
  uc('UC09', 1, 'Only declared purposes (audit, fraud) may touch P0/P1 data', ['purpose.reason-required']),
  uc('UC10', 1, 'Tier-1 (P0) data is never exported', ['export.tier1-block']),
  uc('UC11', 1, 'P1 exports only by the data-export group', ['export.tier1-block']),
  uc('UC12', 1, "A person's clearance must reach the data's classification", ['clearance.classification-gate']),
  uc('UC13', 1, "Tenants never read each other's data", ['tenant.isolation']),
  uc('UC14', 1, 'A parent company reads a subsidiary tenant it is shared with', ['tenant.isolation']),
  uc('UC15', 1, 'Licensed third-party data is not used for marketing', ['license.usage-terms']),
  uc('UC16', 1, 'Partner-only licensed data reaches only the covered tenants', ['license.usage-terms']),
  uc('UC17', 2, 'Open data exports carry the attribution the licence requires', ['license.usage-terms']),
  uc('UC18', 2, 'Customer-support agents look up one customer at a time (rows = 1)', ['graph.fanout-cap', 'minimization.pii-redact']),
  uc('UC19', 2, 'Auditors replay decisions with a recorded reason and the audit purpose', ['purpose.reason-required', 'clearance.classification-gate']),
  uc('UC20', 2, 'Data science sandboxes get aggregates of P1 data, never raw rows', ['minimization.aggregate-only', 'export.tier1-block']),
  uc('UC21', 2, 'Cross-border transfer only to adequacy regions', ['residency.region-lock']),
  uc('UC22', 2, 'Money-laundering graph analysis: deep traversals only for investigators with a reason', ['graph.hop-cap', 'purpose.reason-required']),
  uc('UC23', 2, 'Contractors (lower clearance) see only P2/P3 data', ['clearance.classification-gate']),
  uc('UC24', 2, 'Bulk exports of P2 data capped in size for non-exporters', ['graph.fanout-cap'], ['the fan-out cap does not apply to exports and has no per-group cap']),
  uc('UC25', 2, 'Shared research tenant reads de-identified aggregates of a partner', ['tenant.isolation', 'minimization.aggregate-only']),
  uc('UC26', 2, 'Marketing may use first-party data with consent only', ['license.usage-terms'], ['per-subject consent records are not a request field']),
  uc('UC27', 2, 'Access only during business hours for on-call staff', [], ['no time-of-day or schedule bundle']),
  uc('UC28', 2, 'Break-glass access for incident response with after-the-fact review', ['purpose.reason-required'], ['no break-glass flag or review workflow']),
  uc('UC29', 2, 'Row-level filtering by the customer’s country inside a dataset', [], ['row filters are not an obligation the bundles emit']),
  uc('UC30', 1, 'Monitor a new policy on live traffic before enforcing it', ['clearance.classification-gate']),
];
