/**
 * The SLO report the API and the dashboard show: per SLO, the error budget left over the SLO
 * window, the burn rate over each alert window, whether a page or ticket condition holds (the same
 * rule as the Prometheus alerts: long AND short window above the factor), and a daily trend.
 */
import type { ReadModelQueries } from '../store/port';
import { alertName, alertWindows, durationSeconds, errorBudget, round, SEVERITIES, type Severity, type Slo, type SloSpec } from './slo-spec';
import { SLO_MINUTES_TABLE } from './slo-projection';

export interface WindowBurn {
  window: string;
  good: number;
  total: number;
  /** bad / total; null without traffic. */
  errorRatio: number | null;
  /** errorRatio / budget: 1 spends the budget exactly over the SLO window. */
  burnRate: number | null;
}

export interface AlertState {
  severity: Severity;
  alert: string;
  firing: boolean;
  /** The window pairs whose long and short windows both burn above their factor. */
  because: { long: string; short: string; burnRate: number }[];
}

export interface TrendPoint {
  /** ISO date (UTC) the point ends. */
  day: string;
  /** Budget left over the SLO window ending that day; null without traffic. */
  budgetRemaining: number | null;
}

export interface SloStatus {
  slo: string;
  service: string;
  description: string;
  objective: number;
  errorBudget: number;
  window: WindowBurn;
  /** 1 = untouched, 0 = spent, below 0 = overspent. */
  budgetRemaining: number;
  burnRates: WindowBurn[];
  alerts: AlertState[];
  trend: TrendPoint[];
}

export interface SloReport {
  asOf: string;
  window: string;
  slos: SloStatus[];
}

const MINUTE = 60;
const DAY_MINUTES = 1440;

async function windowBurn(db: ReadModelQueries, slo: Slo, window: string, nowMinute: number): Promise<WindowBurn> {
  const from = nowMinute - durationSeconds(window) / MINUTE;
  const row = (await db.get<{ good: number; total: number }>(
    `SELECT coalesce(sum(good), 0) AS good, coalesce(sum(total), 0) AS total FROM ${SLO_MINUTES_TABLE} WHERE slo = ? AND minute > ? AND minute <= ?`,
    [slo.name, from, nowMinute],
  ))!;
  const errorRatio = row.total > 0 ? round((row.total - row.good) / row.total) : null;
  return { window, good: row.good, total: row.total, errorRatio, burnRate: errorRatio === null ? null : round(errorRatio / errorBudget(slo), 6) };
}

async function trend(db: ReadModelQueries, slo: Slo, windowMinutes: number, nowMinute: number, days: number): Promise<TrendPoint[]> {
  const windowDays = Math.ceil(windowMinutes / DAY_MINUTES);
  const firstDayEnd = nowMinute - (days - 1) * DAY_MINUTES;
  const rows = await db.all<{ age: number; good: number; total: number }>(
    `SELECT (? - minute) / ${DAY_MINUTES} AS age, sum(good) AS good, sum(total) AS total FROM ${SLO_MINUTES_TABLE}
     WHERE slo = ? AND minute > ? AND minute <= ? GROUP BY age`,
    [nowMinute, slo.name, firstDayEnd - windowDays * DAY_MINUTES, nowMinute],
  );
  // Day buckets counted back from now (age 0 = the last 24 h), so each point covers whole days.
  const byAge = new Map(rows.map((r) => [r.age, r]));
  const points: TrendPoint[] = [];
  for (let i = days - 1; i >= 0; i--) {
    let good = 0;
    let total = 0;
    for (let age = i; age < i + windowDays; age++) {
      const r = byAge.get(age);
      if (r) {
        good += r.good;
        total += r.total;
      }
    }
    const end = (nowMinute - i * DAY_MINUTES) * MINUTE * 1000;
    points.push({
      day: new Date(end).toISOString().slice(0, 10),
      budgetRemaining: total > 0 ? round(1 - (total - good) / total / errorBudget(slo), 6) : null,
    });
  }
  return points;
}

export async function sloStatus(db: ReadModelQueries, spec: SloSpec, slo: Slo, nowMs: number, trendDays = 30): Promise<SloStatus> {
  const nowMinute = Math.floor(nowMs / 60000);
  const window = await windowBurn(db, slo, spec.window, nowMinute);
  const burnRates = await Promise.all(alertWindows(spec).map((w) => windowBurn(db, slo, w, nowMinute)));
  const byWindow = new Map(burnRates.map((b) => [b.window, b]));
  const above = (w: string, factor: number) => {
    const b = byWindow.get(w);
    return b?.burnRate != null && b.burnRate > factor;
  };
  const alerts = SEVERITIES.map((severity) => {
    const because = spec.alerting[severity].windows.filter((w) => above(w.long, w.burnRate) && above(w.short, w.burnRate));
    return { severity, alert: alertName(slo, severity), firing: because.length > 0, because };
  });
  return {
    slo: slo.name,
    service: slo.service,
    description: slo.description,
    objective: slo.objective,
    errorBudget: errorBudget(slo),
    window,
    budgetRemaining: window.burnRate === null ? 1 : round(1 - window.burnRate, 6),
    burnRates,
    alerts,
    trend: await trend(db, slo, durationSeconds(spec.window) / MINUTE, nowMinute, trendDays),
  };
}

export async function sloReport(db: ReadModelQueries, spec: SloSpec, nowMs: number): Promise<SloReport> {
  return { asOf: new Date(nowMs).toISOString(), window: spec.window, slos: await Promise.all(spec.slos.map((slo) => sloStatus(db, spec, slo, nowMs))) };
}

/** Alerts whose condition holds now, e.g. ['IngestAvailabilityFastBurn']. */
export const firingAlerts = (report: SloReport): string[] => report.slos.flatMap((s) => s.alerts.filter((a) => a.firing).map((a) => a.alert));
