/**
 * Every kind of server-rendered page, given a hostile string wherever the log or a request can put
 * text: the page holds it escaped, never as markup (they all render through projections/html.ts).
 */
import { renderPromotionPage } from '../../../projections/lac/pages/promotion-page';
import { renderWeeklyHtml, type WeeklyReport } from '../../../projections/lac/report/weekly';
import { renderTimeline } from '../../../projections/pcq/timeline/render';
import type { Timeline } from '../../../projections/pcq/timeline/data';
import { renderSloDashboard } from '../../../projections/ops/slo-dashboard';
import type { SloReport } from '../../../projections/ops/slo-report';
import type { SloSpec } from '../../../projections/ops/slo-spec';
import type { AlertView } from '../../../projections/ops/alerts';
import type { BlastRadiusPayload } from '../../../streams/lac/events/types';
import { renderLoginPage } from '../page-session';
import { renderRunbook } from './runbook-pages';

const X = `<script>alert("x")</script>`;
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

const preview = {
  policyId: X, version: X, activeVersion: X, previewId: X, windowFrom: X, windowTo: X, status: X, riskLevel: 'high', riskScore: 80,
  riskFactors: JSON.stringify({ [X]: 1 }), currency: X, costDelta: 1, costActive: 0, costCandidate: 1, durationMs: 1, distinctRequests: 1,
  decisionsReplayed: 1, allowToDeny: 0, denyToAllow: 1, widenedSensitive: 0, impactedUserCount: 1, impactedDatasetCount: 1, impactedGroupCount: 1,
  impactedDatasets: [{ name: X, allowToDeny: 0, denyToAllow: 1 }], impactedGroups: [{ name: X, allowToDeny: 0, denyToAllow: 1 }], impactedUsers: [{ name: X, allowToDeny: 0, denyToAllow: 1 }],
  samples: [{ subjectId: X, dataset: X, action: X, classification: X, from: 'deny', to: 'allow', count: 1, codes: [X] }],
  semantic: { fromVersion: X, widenings: 1, narrowings: 0, widenedClassifications: [X], narrowedClassifications: [], method: X, atoms: 1, queries: 1, durationMs: 1, complete: false,
    counterexamples: [{ direction: 'widening', kind: X, classification: X, action: X, responsible: [X], detail: X, request: { x: X } }] },
} as unknown as BlastRadiusPayload;

const weekly = {
  week: X, tenant: X, from: X, to: '2026-11-30T00:00:00Z', generatedAt: X,
  authoring: { sessions: 1, medianMinutesToValid: null, medianMinutesToPromotion: null, errorsPerSession: null, previewsPerPromotion: null, bundleShare: null, newPoliciesFromBundles: 0, newPolicies: 0, bundleShareTarget: 0.6, errorsByCode: { [X]: 1 } },
  decisions: { total: 1, allowed: 1, denied: 0, byPolicy: [{ policyId: X, total: 1, allowed: 1, denied: 0 }] },
  promotions: [{ policyId: X, version: X, riskLevel: X, at: X }],
  coverage: { share: 1, covered: 1, total: 1, target: 1 },
} as unknown as WeeklyReport;

const timeline = {
  tenant: X, releases: [{ release: X, taggedAt: null }], missing: 0,
  rows: [{ anchor: X, fixtureId: X, metric: X, runtime: X, drift: true, tolerance: { rel: 0.01, abs: 0, source: X }, steps: [{ value: 1, absDelta: null, relDelta: null, drift: true, present: true }] }],
  agreement: { share: 1, agreeing: 1, fixtures: 1, target: 0.95, meetsTarget: true },
  anomalies: [{ label: X, count: 1, needsReview: 0 }],
} as unknown as Timeline;

const burn = { window: X, good: 1, total: 1, errorRatio: 0, burnRate: 0 };
const slo = { asOf: X, window: X, slos: [{ slo: X, service: X, description: X, objective: 99, errorBudget: 0.01, window: burn, budgetRemaining: 1, burnRates: [burn], alerts: [{ severity: X, alert: X, firing: true, because: [] }], trend: [{ day: X, budgetRemaining: 1 }] }] } as unknown as SloReport;
const spec = { window: X, alerting: { page: { windows: [{ burnRate: 14.4 }] }, ticket: { windows: [{ burnRate: 1 }] } } } as unknown as SloSpec;
const alert = { id: X, alert: X, summary: X, severity: X, state: 'firing', receivedAt: X, startsAt: X, runbook: X, acknowledgedAt: null, acknowledgedBy: null } as unknown as AlertView;

test.each([
  ['LAC promotion preview', () => renderPromotionPage(preview)],
  ['LAC weekly report', () => renderWeeklyHtml(weekly)],
  ['PCQ release timeline', () => renderTimeline(timeline, { generatedAt: new Date(0) })],
  ['SLO dashboard with an alert', () => renderSloDashboard(slo, spec, { alerts: [alert], canAck: true })],
  ['sign-in page', () => renderLoginPage(X, X)],
  ['runbook page', () => renderRunbook(X, `# ${X}\n${X}`)],
])('%s: the hostile string is escaped wherever it lands', (_kind, render) => {
  const page = render();
  expect(page).not.toContain('<script>');
  expect(page).toContain(ESCAPED);
  expect(page.startsWith('<!doctype html>')).toBe(true);
});
