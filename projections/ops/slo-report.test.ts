import { SqliteReadModels } from '../store/sqlite-store';
import type { NewEvent, RecordedEvent } from '../../schemas/envelope';
import { prepareProjection } from '../projection-runner';
import { sloProjection } from './slo-projection';
import { firingAlerts, sloReport } from './slo-report';
import { startSloSampler } from './slo-sampler';
import { loadSloSpec } from './slo-spec';

const spec = loadSloSpec();
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const MIN = 60000;

let position = 0;
function sampled(toMs: number, slis: { slo: string; good: number; total: number }[]): RecordedEvent {
  position++;
  const iso = new Date(toMs).toISOString();
  return {
    position, id: `s${position}`, type: 'SloSampled', stream: 'ops-slo-test', streamVersion: position, tenant: 'system',
    occurredAt: iso, recordedAt: iso, correlationId: `s${position}`, causationId: null, schemaVersion: 1,
    payload: { instance: 'test', from: new Date(toMs - MIN).toISOString(), to: iso, slis }, prevHash: '', hash: '',
  };
}

async function fold(events: RecordedEvent[]): Promise<SqliteReadModels> {
  const db = new SqliteReadModels(':memory:');
  await prepareProjection(db, sloProjection);
  await db.transaction(async (tx) => {
    for (const e of events) await sloProjection.apply(tx, e);
  });
  return db;
}

/** `minutes` samples ending at NOW, one a minute, with the given error ratio on one SLO. */
const traffic = (slo: string, minutes: number, perMinute: number, errorRatio: number, endMs = NOW) =>
  Array.from({ length: minutes }, (_, i) => sampled(endMs - i * MIN, [{ slo, good: Math.round(perMinute * (1 - errorRatio)), total: perMinute }]));

const status = async (db: Promise<SqliteReadModels>, slo: string) => (await sloReport(await db, spec, NOW)).slos.find((s) => s.slo === slo)!;

describe('SLO projection and report', () => {
  it('given no samples, then every budget is whole and nothing fires', async () => {
    const report = await sloReport(await fold([]), spec, NOW);
    expect(report.slos.map((s) => s.budgetRemaining)).toEqual(spec.slos.map(() => 1));
    expect(firingAlerts(report)).toEqual([]);
    expect(report.slos[0].burnRates.every((b) => b.burnRate === null)).toBe(true);
  });

  it('given a day of 0.05% errors on ingest, then half the budget of that day is spent and nothing fires', async () => {
    const s = await status(fold(traffic('ingest-availability', 1440, 2000, 0.0005)), 'ingest-availability');
    expect(s.window.total).toBe(2000 * 1440);
    expect(s.budgetRemaining).toBeCloseTo(0.5, 6);
    expect(s.burnRates.find((b) => b.window === '1h')!.burnRate).toBeCloseTo(0.5, 6);
    expect(s.alerts.every((a) => !a.firing)).toBe(true);
  });

  it('given a 2% error burst in the last hour after a clean day, then the page fires through the 1h/5m pair only', async () => {
    const events = [...traffic('ingest-availability', 1380, 2000, 0, NOW - 60 * MIN), ...traffic('ingest-availability', 60, 2000, 0.02)];
    const s = await status(fold(events), 'ingest-availability');
    const page = s.alerts.find((a) => a.severity === 'page')!;
    expect(page).toMatchObject({ alert: 'IngestAvailabilityFastBurn', firing: true, because: [{ long: '1h', short: '5m', burnRate: 14.4 }] });
    expect(s.burnRates.find((b) => b.window === '5m')!.burnRate).toBeCloseTo(20, 6);
    expect(s.budgetRemaining).toBeLessThan(1);
  });

  it('given a burst that ended 40 minutes ago, then the page has resolved while the ticket still holds', async () => {
    const events = [...traffic('decide-latency', 60, 1000, 0.3, NOW - 40 * MIN), ...traffic('decide-latency', 40, 1000, 0)];
    const s = await status(fold(events), 'decide-latency');
    expect(s.alerts.map((a) => [a.alert, a.firing])).toEqual([
      ['DecideLatencyFastBurn', false],
      ['DecideLatencySlowBurn', true],
    ]);
  });

  it('samples of two instances in one minute add up; samples older than the window do not count', async () => {
    const events = [
      sampled(NOW, [{ slo: 'proof-jobs-availability', good: 9, total: 10 }]),
      sampled(NOW + 5000, [{ slo: 'proof-jobs-availability', good: 10, total: 10 }]),
      sampled(NOW - 31 * 1440 * MIN, [{ slo: 'proof-jobs-availability', good: 0, total: 1000 }]),
    ];
    const s = await status(fold(events), 'proof-jobs-availability');
    expect(s.window).toMatchObject({ good: 19, total: 20, errorRatio: 0.05 });
    expect(s.budgetRemaining).toBeCloseTo(1 - 0.05 / 0.005, 6); // overspent: -9
  });

  it('the trend has one point per day, the last one equal to the budget left', async () => {
    const s = await status(fold(traffic('ingest-latency', 3 * 1440, 100, 0.005)), 'ingest-latency');
    expect(s.trend).toHaveLength(30);
    expect(s.trend[29]).toEqual({ day: '2026-11-28', budgetRemaining: s.budgetRemaining });
    expect(s.trend[0].budgetRemaining).toBeNull();
  });
});

describe('SLO sampler', () => {
  it('given metric snapshots, when sampled, then it appends the deltas as SloSampled events and skips idle intervals', async () => {
    const appended: NewEvent[] = [];
    let clock = NOW;
    let cumulative = 0;
    const registry = {
      getMetricsAsJSON: async () => [
        { name: 'trust_http_requests_total', values: [{ labels: { method: 'POST', route: '/v1/lac/decide', status: '200' }, value: cumulative }] },
      ],
    };
    const sampler = startSloSampler({ append: async (es) => (appended.push(...es), []) }, spec, { instance: 'i1', registry: registry as never, now: () => clock, intervalMs: 3600000 });
    cumulative = 50;
    clock += MIN;
    const first = await sampler.sample();
    clock += MIN;
    expect(await sampler.sample()).toBeNull();
    cumulative = 80;
    clock += MIN;
    await sampler.stop();
    expect(appended).toHaveLength(2);
    expect(first).toBe(appended[0]);
    expect(appended[0]).toMatchObject({ id: `slo-sample:i1:${NOW + MIN}`, type: 'SloSampled', tenant: 'system', payload: { instance: 'i1', slis: [{ slo: 'decide-availability', good: 50, total: 50 }] } });
    expect((appended[1].payload as { from: string; slis: unknown[] }).slis).toEqual([{ slo: 'decide-availability', good: 30, total: 30 }]);
    expect((appended[1].payload as { from: string }).from).toBe(new Date(NOW + 2 * MIN).toISOString());
  });
});
