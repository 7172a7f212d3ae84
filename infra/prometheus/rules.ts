/**
 * Prometheus rules from infra/slo.yaml: one recording rule per SLO and window (the error ratio),
 * and per SLO a page alert (fast burn) and a ticket alert (slow burn), each the OR of its
 * (long AND short window) pairs — the multiwindow, multi-burn-rate alerts of the SRE workbook.
 * Pure: spec in, rule document out.
 */
import {
  alertName,
  alertWindows,
  errorBudget,
  round,
  SEVERITIES,
  type Severity,
  type Sli,
  type Slo,
  type SloSpec,
} from '../../projections/ops/slo-spec';

export const RECORDING_GROUP = 'trust-slo-sli';
export const ALERT_GROUP = 'trust-slo-burn-rate';

/** Name of the recorded error ratio over one window, labelled {slo, service}. */
export const errorRatioRecord = (window: string): string => `slo:sli_error:ratio_rate${window}`;

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface RuleFile {
  groups: { name: string; interval?: string; rules: (RecordingRule | AlertingRule)[] }[];
}

/** A regex alternative that matches each string literally (RE2, written inside a PromQL string). */
export function literalAlternatives(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
}

const httpSelector = (sli: { method: string; routes: string[] }): string =>
  `method="${sli.method}",route=~"${literalAlternatives(sli.routes)}"`;

/** PromQL for the SLI's error ratio (bad / total) over `w`. */
export function errorRatioExpr(sli: Sli, w: string): string {
  switch (sli.kind) {
    case 'http-availability': {
      const sel = httpSelector(sli);
      return `sum(rate(trust_http_requests_total{${sel},status=~"5.."}[${w}]))\n/\nsum(rate(trust_http_requests_total{${sel}}[${w}]))`;
    }
    case 'http-latency': {
      const sel = httpSelector(sli);
      const h = 'trust_http_request_duration_seconds';
      return `1 - (\n  sum(rate(${h}_bucket{${sel},le="${sli.thresholdSeconds}"}[${w}]))\n  /\n  sum(rate(${h}_count{${sel}}[${w}]))\n)`;
    }
    case 'counter-ratio': {
      const bad = `${sli.label}=~"${literalAlternatives(sli.bad)}"`;
      const total = `${sli.label}=~"${literalAlternatives([...sli.good, ...sli.bad])}"`;
      return `sum(rate(${sli.counter}{${bad}}[${w}]))\n/\nsum(rate(${sli.counter}{${total}}[${w}]))`;
    }
    case 'histogram-latency': {
      const h = sli.histogram;
      return `1 - (\n  sum(rate(${h}_bucket{le="${sli.thresholdSeconds}"}[${w}]))\n  /\n  sum(rate(${h}_count[${w}]))\n)`;
    }
  }
}

const sloLabels = (slo: Slo): Record<string, string> => ({ slo: slo.name, service: slo.service });

function alertExpr(spec: SloSpec, slo: Slo, severity: Severity): string {
  const budget = errorBudget(slo);
  const sel = `{slo="${slo.name}"}`;
  return spec.alerting[severity].windows
    .map((w) => {
      const threshold = round(w.burnRate * budget);
      return (
        `(\n  ${errorRatioRecord(w.long)}${sel} > ${threshold}\n  and\n  ${errorRatioRecord(w.short)}${sel} > ${threshold}\n)`
      );
    })
    .join('\nor\n');
}

export const runbookPath = (alert: string): string => `docs/runbooks/${alert}.md`;

function alertRule(spec: SloSpec, slo: Slo, severity: Severity): AlertingRule {
  const policy = spec.alerting[severity];
  const pairs = policy.windows.map((w) => `${w.burnRate}x over ${w.long} (and ${w.short})`).join(' or ');
  const name = alertName(slo, severity);
  return {
    alert: name,
    expr: alertExpr(spec, slo, severity),
    for: policy.for,
    labels: { severity, ...sloLabels(slo) },
    annotations: {
      summary: `${slo.name}: error budget burning ${severity === 'page' ? 'fast' : 'slowly'} (objective ${slo.objective}% over ${spec.window})`,
      description: `${slo.description} The error ratio is above ${pairs} the budget of ${round(errorBudget(slo) * 100)}%.`,
      runbook_url: runbookPath(name),
    },
  };
}

/** `interval`: the groups' evaluation interval (1m; the drill profile evaluates faster). `labels`: added to every alert. */
export function generateRules(spec: SloSpec, opts: { interval?: string; labels?: Record<string, string> } = {}): RuleFile {
  const interval = opts.interval ?? '1m';
  const recording: RecordingRule[] = [];
  for (const slo of spec.slos) {
    for (const w of alertWindows(spec)) {
      recording.push({ record: errorRatioRecord(w), expr: errorRatioExpr(slo.sli, w), labels: sloLabels(slo) });
    }
    recording.push({ record: 'slo:objective:ratio', expr: `vector(${round(slo.objective / 100)})`, labels: sloLabels(slo) });
  }
  const alerts: AlertingRule[] = [];
  for (const slo of spec.slos) for (const sev of SEVERITIES) {
    const rule = alertRule(spec, slo, sev);
    alerts.push(opts.labels ? { ...rule, labels: { ...rule.labels, ...opts.labels } } : rule);
  }
  return {
    groups: [
      { name: RECORDING_GROUP, interval, rules: recording },
      { name: ALERT_GROUP, interval, rules: alerts },
    ],
  };
}

export const allAlertNames = (spec: SloSpec): string[] => spec.slos.flatMap((slo) => SEVERITIES.map((sev) => alertName(slo, sev)));
