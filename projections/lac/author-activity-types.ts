/**
 * Counters of author activity as GET /v1/lac/analytics answers them, with no imports: the console
 * type-checks against this same declaration (an `import type`, erased from its bundle).
 */
export interface Activity {
  opened: number;
  sessions: number;
  newPolicies: number;
  newPoliciesFromBundles: number;
  bundleShare: number | null;
  drafts: number;
  validationErrors: number;
  previews: number;
  blocked: number;
  acknowledged: number;
  promotions: number;
  /** Sessions with a valid draft, and the median minutes from their opening to it. */
  authored: number;
  medianMinutesToAuthor: number | null;
  medianMinutesToPromotion: number | null;
}
