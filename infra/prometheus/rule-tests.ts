/**
 * promtool unit tests for the generated alerts, one test group per SLO and scenario:
 *   - fast burn (20x the budget, capped at 100% errors): the page and the ticket fire;
 *   - slow burn (4.5x: above the 3x ticket line, under the 6x page line): only the ticket fires;
 *   - normal traffic (0.5x): nothing fires, although a route/label outside the SLI errors heavily;
 *   - recovery (fast burn for 60 min, then 35 clean min): the page resolves (short windows are
 *     clean) while the ticket stays open.
 * Synthetic counters are written from the SLI's kind, independently of the PromQL in rules.ts.
 */
import { alertName, errorBudget, round, SEVERITIES, type Severity, type Slo, type SloSpec } from '../../projections/ops/slo-spec';
import { generateRules, type AlertingRule } from './rules';

const PER_MINUTE = 10000;
/** A route in no SLI: its traffic must never move an SLO. */
const OUTSIDE_ROUTE = '/v1/outside-every-slo';

interface Series {
  series: string;
  values: string;
}

/** A counter that grows by `perMin` for `minutes` samples, then by `thenPerMin` for `thenMinutes`. */
function counter(series: string, phases: { perMin: number; minutes: number }[]): Series {
  let value = 0;
  const parts: string[] = [];
  phases.forEach((p, i) => {
    const start = i === 0 ? 0 : value + p.perMin;
    const steps = i === 0 ? p.minutes : p.minutes - 1;
    parts.push(`${round(start)}+${round(p.perMin)}x${steps}`);
    value = start + p.perMin * steps;
  });
  return { series, values: parts.join(' ') };
}

interface Phase {
  errorRatio: number;
  minutes: number;
}

/** Good and bad series for the SLI, one pair of phases (e.g. burn then clean), plus a distractor. */
export function syntheticSeries(slo: Slo, phases: Phase[]): Series[] {
  const good = phases.map((p) => ({ perMin: PER_MINUTE * (1 - p.errorRatio), minutes: p.minutes }));
  const bad = phases.map((p) => ({ perMin: PER_MINUTE * p.errorRatio, minutes: p.minutes }));
  const total = phases.map((p) => ({ perMin: PER_MINUTE, minutes: p.minutes }));
  const all = phases.reduce((n, p) => n + p.minutes, 0);
  const sli = slo.sli;
  switch (sli.kind) {
    case 'http-availability': {
      const first = sli.routes[0];
      const last = sli.routes[sli.routes.length - 1];
      const half = good.map((g) => ({ ...g, perMin: g.perMin / 2 }));
      return [
        counter(`trust_http_requests_total{method="${sli.method}",route="${first}",status="202"}`, half),
        // A 4xx is the client's mistake, answered correctly: it counts as good.
        counter(`trust_http_requests_total{method="${sli.method}",route="${first}",status="422"}`, half),
        counter(`trust_http_requests_total{method="${sli.method}",route="${last}",status="500"}`, bad),
        // Outside the SLI (another route, another method): must not count, however bad they are.
        counter(`trust_http_requests_total{method="${sli.method}",route="${OUTSIDE_ROUTE}",status="500"}`, [{ perMin: PER_MINUTE, minutes: all }]),
        counter(`trust_http_requests_total{method="GET",route="${first}",status="503"}`, [{ perMin: PER_MINUTE, minutes: all }]),
      ];
    }
    case 'http-latency': {
      const h = 'trust_http_request_duration_seconds';
      const labels = `method="${sli.method}",route="${sli.routes[0]}",status="200"`;
      const outside = `method="${sli.method}",route="${OUTSIDE_ROUTE}",status="200"`;
      return [
        counter(`${h}_bucket{${labels},le="${sli.thresholdSeconds}"}`, good),
        counter(`${h}_bucket{${labels},le="+Inf"}`, total),
        counter(`${h}_count{${labels}}`, total),
        counter(`${h}_bucket{${outside},le="${sli.thresholdSeconds}"}`, [{ perMin: 0, minutes: all }]),
        counter(`${h}_count{${outside}}`, [{ perMin: PER_MINUTE, minutes: all }]),
      ];
    }
    case 'counter-ratio':
      return [
        counter(`${sli.counter}{${sli.label}="${sli.good[0]}"}`, good),
        counter(`${sli.counter}{${sli.label}="${sli.bad[0]}"}`, bad),
        counter(`${sli.counter}{${sli.label}="not-an-outcome-of-this-slo"}`, [{ perMin: PER_MINUTE, minutes: all }]),
      ];
    case 'histogram-latency':
      return [
        counter(`${sli.histogram}_bucket{le="${sli.thresholdSeconds}"}`, good),
        counter(`${sli.histogram}_bucket{le="+Inf"}`, total),
        counter(`${sli.histogram}_count`, total),
      ];
  }
}

interface AlertCase {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}

export interface RuleTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: { name: string; interval: string; input_series: Series[]; alert_rule_test: AlertCase[] }[];
}

export function generateRuleTests(spec: SloSpec, ruleFile: string): RuleTestFile {
  const rules = new Map<string, AlertingRule>();
  for (const g of generateRules(spec).groups) for (const r of g.rules) if ('alert' in r) rules.set(r.alert, r);
  const expect = (slo: Slo, evalTime: string, firing: Severity[]): AlertCase[] =>
    SEVERITIES.map((sev) => {
      const rule = rules.get(alertName(slo, sev))!;
      return {
        eval_time: evalTime,
        alertname: rule.alert,
        exp_alerts: firing.includes(sev) ? [{ exp_labels: rule.labels, exp_annotations: rule.annotations }] : [],
      };
    });
  const tests: RuleTestFile['tests'] = [];
  for (const slo of spec.slos) {
    const budget = errorBudget(slo);
    const fast = Math.min(1, round(20 * budget));
    const scenarios: { name: string; phases: Phase[]; evalTime: string; firing: Severity[] }[] = [
      { name: 'fast burn pages (and tickets)', phases: [{ errorRatio: fast, minutes: 90 }], evalTime: '90m', firing: ['page', 'ticket'] },
      { name: 'slow burn tickets, does not page', phases: [{ errorRatio: round(4.5 * budget), minutes: 90 }], evalTime: '90m', firing: ['ticket'] },
      { name: 'normal traffic is quiet', phases: [{ errorRatio: round(0.5 * budget), minutes: 90 }], evalTime: '90m', firing: [] },
      {
        // 5 clean hours first, so only the 1h/5m pair (14.4x) can page: the 6h window sits near 3.3x.
        name: 'a one-hour burn after quiet hours pages through the 1h/5m pair',
        phases: [
          { errorRatio: 0, minutes: 300 },
          { errorRatio: fast, minutes: 60 },
        ],
        evalTime: '360m',
        firing: ['page', 'ticket'],
      },
      {
        // 1.5x: under the 3x of the 1d/2h pair, so only the 3d/6h pair (1x) can file the ticket.
        name: 'a 1.5x burn for 6 hours tickets through the 3d/6h pair',
        phases: [{ errorRatio: round(1.5 * budget), minutes: 360 }],
        evalTime: '360m',
        firing: ['ticket'],
      },
      {
        name: 'page resolves once the short windows are clean; the ticket stays open',
        phases: [
          { errorRatio: fast, minutes: 60 },
          { errorRatio: 0, minutes: 35 },
        ],
        evalTime: '95m',
        firing: ['ticket'],
      },
    ];
    for (const s of scenarios) {
      tests.push({
        name: `${slo.name}: ${s.name}`,
        interval: '1m',
        input_series: syntheticSeries(slo, s.phases),
        alert_rule_test: expect(slo, s.evalTime, s.firing),
      });
    }
  }
  return { rule_files: [ruleFile], evaluation_interval: '1m', tests };
}
