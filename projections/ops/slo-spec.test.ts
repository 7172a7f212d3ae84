import { ValidationError } from '../../schemas/errors';
import { alertName, alertWindows, durationSeconds, errorBudget, loadSloSpec, parseSloSpec } from './slo-spec';

const minimal = `
window: 30d
alerting:
  page: { for: 2m, windows: [{ long: 1h, short: 5m, burnRate: 14.4 }] }
  ticket: { for: 15m, windows: [{ long: 3d, short: 6h, burnRate: 1 }] }
slos:
  - name: decide-availability
    alert: DecideAvailability
    service: decide
    description: decisions answered
    objective: 99.95
    sli: { kind: http-availability, method: POST, routes: [/v1/lac/decide] }
`;

const problemsOf = (text: string): { field: string; problem: string }[] => {
  try {
    parseSloSpec(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
};

describe('SLO spec', () => {
  it('given the repository file, when loaded, then every SLO of ingest, decide and proof jobs is there', () => {
    const spec = loadSloSpec();
    expect(spec.slos.map((s) => s.service).sort()).toEqual(['decide', 'decide', 'ingest', 'ingest', 'proof-jobs', 'proof-jobs']);
    expect(spec.alerting.page.windows).toEqual([
      { long: '1h', short: '5m', burnRate: 14.4 },
      { long: '6h', short: '30m', burnRate: 6 },
    ]);
    expect(spec.alerting.ticket.windows.map((w) => w.burnRate)).toEqual([3, 1]);
    expect(alertWindows(spec)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
  });

  it('computes budgets and names without float noise', () => {
    const spec = parseSloSpec(minimal);
    expect(errorBudget(spec.slos[0])).toBe(0.0005);
    expect(alertName(spec.slos[0], 'page')).toBe('DecideAvailabilityFastBurn');
    expect(alertName(spec.slos[0], 'ticket')).toBe('DecideAvailabilitySlowBurn');
    expect(durationSeconds('3d')).toBe(259200);
  });

  it('names the field and the problem for bad input', () => {
    const bad = minimal.replace('objective: 99.95', 'objective: 100').replace('short: 5m', 'short: 2h').replace('kind: http-availability', 'kind: vibes');
    expect(problemsOf(bad)).toEqual([
      { field: 'alerting.page.windows[0].short', problem: 'must be shorter than the long window 1h' },
      { field: 'slos[0].objective', problem: 'must be a number above 0 and below 100' },
      { field: 'slos[0].sli.kind', problem: "'vibes' is not one of http-availability, http-latency, counter-ratio, histogram-latency" },
    ]);
  });

  it('refuses duplicate SLO names and malformed durations', () => {
    const slo = minimal.slice(minimal.indexOf('  - name'));
    const problems = problemsOf(minimal.replace('window: 30d', 'window: 30 days') + slo);
    expect(problems).toContainEqual({ field: '(root).window', problem: "'30 days' is not a duration like 5m, 1h, 3d" });
    expect(problems).toContainEqual({ field: 'slos[1].name', problem: "'decide-availability' is used twice" });
    expect(problems).toContainEqual({ field: 'slos[1].alert', problem: "'DecideAvailability' is used twice" });
  });
});
