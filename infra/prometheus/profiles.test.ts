import { loadSloSpec } from '../../projections/ops/slo-spec';
import { ValidationError } from '../../schemas/errors';
import { designedDetectSeconds, formatDuration, loadProfiles, parseProfiles, scaleDuration, scaleSpec } from './profiles';
import { generateRules } from './rules';

const spec = loadSloSpec();
const profiles = loadProfiles();

test('slo.yaml declares the live and drill profiles', () => {
  expect(profiles.live.scale).toBe(1);
  expect(profiles.drill.scale).toBe(60);
});

test('the drill spec divides every window and for: by the scale, keeping objectives and factors', () => {
  const drill = scaleSpec(spec, 60);
  expect(drill.alerting.page).toEqual({ for: '2s', windows: [{ long: '1m', short: '5s', burnRate: 14.4 }, { long: '6m', short: '30s', burnRate: 6 }] });
  expect(drill.alerting.ticket.for).toBe('15s');
  expect(drill.alerting.ticket.windows[1]).toEqual({ long: '72m', short: '6m', burnRate: 1 });
  expect(drill.slos).toEqual(spec.slos);
  const rules = generateRules(drill, { interval: '1s', labels: { profile: 'drill' } });
  expect(rules.groups.map((g) => g.interval)).toEqual(['1s', '1s']);
  const page = rules.groups[1].rules.find((r) => 'alert' in r && r.alert === 'IngestAvailabilityFastBurn');
  expect(page && 'alert' in page && page.labels).toMatchObject({ severity: 'page', profile: 'drill' });
  expect(page && page.expr).toContain('slo:sli_error:ratio_rate1m{slo="ingest-availability"} > 0.0144');
});

test('durations: shortest form, and a scale that leaves a fraction of a second is refused naming the field', () => {
  expect([formatDuration(4320), formatDuration(5), formatDuration(3600), formatDuration(90)]).toEqual(['72m', '5s', '1h', '90s']);
  expect(scaleDuration('1h', 60, 'x')).toBe('1m');
  expect(() => scaleDuration('5m', 7, 'alerting.page.windows[0].short')).toThrow(ValidationError);
});

test('designed time to page: long window crossing + for + scrape + evaluation + group wait', () => {
  // 5% errors, budget 0.1%: the 1m long window crosses 1.44% after 60 × 0.0144 / 0.05 = 17.28 s; + 2 s for + 1 + 1 + 1.
  expect(designedDetectSeconds(spec, profiles.drill, 99.9, 0.05)).toBe(22.28);
  // Under the 6x line nothing pages.
  expect(designedDetectSeconds(spec, profiles.drill, 99.9, 0.005)).toBeNull();
  // Live: 100% errors cross 1.44% of an hour after 51.84 s, + 2 min for + 15 s scrape + 1 min evaluation + 10 s group wait.
  expect(designedDetectSeconds(spec, profiles.live, 99.9, 1)).toBe(256.84);
});

test('bad profiles are refused naming the field', () => {
  try {
    parseProfiles({ observe: { live: { scale: 0, scrapeInterval: 'soon' } } });
    throw new Error('accepted');
  } catch (e) {
    expect((e as ValidationError).problems.map((p) => p.field)).toEqual([
      'observe.live.scale',
      'observe.live.scrapeInterval',
      'observe.live.evaluationInterval',
      'observe.live.groupWait',
      'observe.live.groupInterval',
      'observe.live.repeatInterval',
      'observe.drill',
    ]);
  }
});
