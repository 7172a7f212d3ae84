import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';
import { loadSloSpec, parseSloSpec } from '../../projections/ops/slo-spec';
import { staleFiles } from './generate';
import { allAlertNames, errorRatioExpr, generateRules, literalAlternatives, runbookPath } from './rules';
import { generateRuleTests } from './rule-tests';

const repo = join(__dirname, '..', '..');

describe('Prometheus rules generated from infra/slo.yaml', () => {
  const spec = loadSloSpec();

  it('are up to date with slo.yaml (run `make slo-rules` after editing it)', () => {
    expect(staleFiles(__dirname, spec)).toEqual([]);
  });

  it('page and ticket for every SLO, each with a runbook that exists', () => {
    const alerts = generateRules(spec).groups[1].rules.filter((r) => 'alert' in r);
    expect(alerts).toHaveLength(spec.slos.length * 2);
    const missing = allAlertNames(spec).filter((name) => !existsSync(join(repo, runbookPath(name))));
    expect(missing).toEqual([]);
  });

  it('every alert in every rule file names a runbook that exists', () => {
    const files = readdirSync(__dirname).filter((f) => f.endsWith('-rules.yml'));
    expect(files.sort()).toEqual(['instance-rules.yml', 'slo-rules.yml']);
    const alerts = files.flatMap((f) => (parse(readFileSync(join(__dirname, f), 'utf8')) as { groups: { rules: { alert?: string; annotations?: { runbook_url?: string } }[] }[] }).groups.flatMap((g) => g.rules.filter((r) => r.alert)));
    // The SLOs' page and ticket each, and the hand-written four: instance down, all down, a component failing, a job stalled.
    expect(alerts.length).toBe(spec.slos.length * 2 + 4);
    const missing = alerts.filter((a) => !a.annotations?.runbook_url || !existsSync(join(repo, a.annotations.runbook_url)));
    expect(missing.map((a) => a.alert)).toEqual([]);
  });

  it('the page alert is the OR of (long AND short) pairs at 14.4x and 6x the budget', () => {
    const page = generateRules(spec).groups[1].rules.find((r) => 'alert' in r && r.alert === 'IngestAvailabilityFastBurn');
    expect(page && 'alert' in page && page.expr).toBe(
      [
        '(\n  slo:sli_error:ratio_rate1h{slo="ingest-availability"} > 0.0144\n  and\n  slo:sli_error:ratio_rate5m{slo="ingest-availability"} > 0.0144\n)',
        '(\n  slo:sli_error:ratio_rate6h{slo="ingest-availability"} > 0.006\n  and\n  slo:sli_error:ratio_rate30m{slo="ingest-availability"} > 0.006\n)',
      ].join('\nor\n'),
    );
  });

  it('escapes route patterns so they match literally', () => {
    expect(literalAlternatives(['/v1/a.b', '/v1/c'])).toBe('/v1/a\\\\.b|/v1/c');
    expect(errorRatioExpr({ kind: 'counter-ratio', counter: 'jobs_total', label: 'outcome', good: ['done'], bad: ['failed', 'timeout'] }, '5m')).toBe(
      'sum(rate(jobs_total{outcome=~"failed|timeout"}[5m]))\n/\nsum(rate(jobs_total{outcome=~"done|failed|timeout"}[5m]))',
    );
  });

  it('writes six alert scenarios per SLO and checks both alerts in each', () => {
    const tests = generateRuleTests(spec, '../slo-rules.yml').tests;
    expect(tests).toHaveLength(spec.slos.length * 6);
    for (const t of tests) expect(t.alert_rule_test.map((a) => a.alertname).sort()).toHaveLength(2);
    const quiet = tests.filter((t) => t.name.endsWith('normal traffic is quiet'));
    expect(quiet.every((t) => t.alert_rule_test.every((a) => a.exp_alerts.length === 0))).toBe(true);
  });

  it('a spec edit makes the committed files stale', () => {
    const edited = parseSloSpec(
      `window: 30d
alerting:
  page: { for: 2m, windows: [{ long: 1h, short: 5m, burnRate: 14.4 }] }
  ticket: { for: 15m, windows: [{ long: 3d, short: 6h, burnRate: 1 }] }
slos:
  - { name: only, alert: Only, service: s, description: d, objective: 99, sli: { kind: histogram-latency, histogram: h, thresholdSeconds: 1 } }
`,
    );
    expect(staleFiles(__dirname, edited).sort()).toEqual(['drill/slo-rules.yml', 'slo-rules.yml', 'tests/slo-burn.test.yml']);
  });
});
