import { loadSloSpec } from '../../projections/ops/slo-spec';
import { alertVerdict, type Outcome } from './drill';

const spec = loadSloSpec();
/** `seconds` of outcomes at `rps`, failing during [downFrom, downTo) seconds. */
function outcomes(rps: number, seconds: number, downFrom: number, downTo: number): Outcome[] {
  return Array.from({ length: rps * seconds }, (_, n) => {
    const t = n / rps;
    const acked = !(t >= downFrom && t < downTo);
    return { n, sentAt: t * 1000, status: acked ? 202 : 0, acked, doneAt: t * 1000 + 5 };
  });
}

describe('chaos drill alert verdict (IngestAvailabilityFastBurn, 1h/5m at 14.4x)', () => {
  it('a 1-second restart is a blip: no page', () => {
    const v = alertVerdict(spec, outcomes(150, 12, 4, 5), 150, 4000);
    expect(v).toMatchObject({ alert: 'IngestAvailabilityFastBurn', wouldFire: false, factor: 14.4 });
    expect(v.longWindowBurn).toBeLessThan(14.4);
  });

  it('a two-minute outage pages, and the short window breaches within seconds of the fault', () => {
    const v = alertVerdict(spec, outcomes(150, 180, 30, 150), 150, 30000);
    expect(v.wouldFire).toBe(true);
    expect(v.longWindowBurn).toBeGreaterThan(14.4);
    expect(v.shortWindowBreachMs).not.toBeNull();
    expect(v.shortWindowBreachMs!).toBeLessThan(60000);
  });
});

describe('instance-down verdict (up == 0 for 1m, 15 s scrapes)', () => {
  it('a sub-second restart never pages; two minutes down always does', () => {
    const { instanceDownVerdict } = require('./drill') as typeof import('./drill');
    expect(instanceDownVerdict(350)).toMatchObject({ wouldFire: false, detectMs: null });
    expect(instanceDownVerdict(65000).wouldFire).toBe('maybe');
    expect(instanceDownVerdict(120000)).toMatchObject({ wouldFire: true, detectMs: 75000 });
  });
});
