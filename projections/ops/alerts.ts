/**
 * Alerts read model: one row per alert occurrence Alertmanager delivered (AlertFired), with its
 * acknowledgement and resolution, and the fault markers drills record (AnnotationAdded tagged
 * `fault-start` / `fault-end`). Time to detect, to acknowledge and to resolve are read from it.
 * Every time comes from event payloads or envelopes, never a clock, so a rebuild gives the same digest.
 */
import type { ReadModelQueries } from '../store/port';
import type { AlertAcknowledged, AlertFired, AlertResolved } from '../../schemas/generated/payloads';
import { ALERT_ACKNOWLEDGED, ALERT_FIRED, ALERT_RESOLVED } from '../../streams/ops/alerts';
import { defineProjection } from '../projection';

export const ALERTS_TABLE = 'ops_alerts';
export const FAULTS_TABLE = 'ops_faults';
export const FAULT_START_TAG = 'fault-start';
export const FAULT_END_TAG = 'fault-end';

export const alertsProjection = defineProjection({
  name: 'ops.alerts',
  version: 1,
  inputs: [ALERT_FIRED, ALERT_RESOLVED, ALERT_ACKNOWLEDGED, 'AnnotationAdded'],
  tables: [ALERTS_TABLE, FAULTS_TABLE],
  setup: `CREATE TABLE IF NOT EXISTS ${ALERTS_TABLE} (
    alert_id        TEXT PRIMARY KEY,
    alert           TEXT NOT NULL,
    severity        TEXT NOT NULL,
    slo             TEXT NOT NULL,
    summary         TEXT NOT NULL,
    runbook         TEXT NOT NULL,
    starts_at       TEXT NOT NULL,
    received_at     TEXT,     -- first delivery to the webhook
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    ends_at         TEXT,
    resolved_at     TEXT,     -- resolution delivered
    position        INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS ${FAULTS_TABLE} (
    position   INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,   -- start | end
    at         TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text       TEXT NOT NULL
  );`,
  async apply(tx, e) {
    if (e.type === 'AnnotationAdded') {
      const p = e.payload as { subject: string; text: string; tags?: string[] };
      const kind = p.tags?.includes(FAULT_START_TAG) ? 'start' : p.tags?.includes(FAULT_END_TAG) ? 'end' : null;
      if (kind) {
        await tx.run(`INSERT INTO ${FAULTS_TABLE} (position, kind, at, subject, text) VALUES (?, ?, ?, ?, ?) ON CONFLICT (position) DO NOTHING`, [e.position, kind, e.occurredAt, p.subject, p.text]);
      }
      return;
    }
    if (e.type === ALERT_FIRED || e.type === ALERT_RESOLVED) {
      const p = e.payload as AlertFired | AlertResolved;
      const fired = e.type === ALERT_FIRED ? (p as AlertFired) : undefined;
      await tx.run(
        `INSERT INTO ${ALERTS_TABLE} (alert_id, alert, severity, slo, summary, runbook, starts_at, received_at, position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id) DO NOTHING`,
        [p.alertId, p.alert, p.severity, fired?.labels.slo ?? '', fired?.annotations.summary ?? '', fired?.runbook ?? '', p.startsAt, fired?.receivedAt ?? null, e.position],
      );
      if (e.type === ALERT_RESOLVED) {
        const r = p as AlertResolved;
        await tx.run(`UPDATE ${ALERTS_TABLE} SET ends_at = ?, resolved_at = ? WHERE alert_id = ?`, [r.endsAt, r.receivedAt, r.alertId]);
      }
      return;
    }
    const a = e.payload as AlertAcknowledged;
    await tx.run(`UPDATE ${ALERTS_TABLE} SET acknowledged_at = ?, acknowledged_by = ? WHERE alert_id = ? AND acknowledged_at IS NULL`, [a.acknowledgedAt, a.by, a.alertId]);
  },
});

export type AlertState = 'firing' | 'acknowledged' | 'resolved';

export interface AlertView {
  id: string;
  alert: string;
  severity: string;
  slo: string;
  summary: string;
  runbook: string;
  state: AlertState;
  startsAt: string;
  receivedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  /** The drill's fault start before this alert (AnnotationAdded tagged fault-start), if any. */
  faultStartedAt: string | null;
  /** Fault start → first delivery; null without a fault marker. */
  detectSeconds: number | null;
  /** First delivery → acknowledgement. */
  ackSeconds: number | null;
  /** First delivery → resolution delivered. */
  resolveSeconds: number | null;
}

interface Row {
  alert_id: string;
  alert: string;
  severity: string;
  slo: string;
  summary: string;
  runbook: string;
  starts_at: string;
  received_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  fault_at: string | null;
}

const seconds = (from: string | null, to: string | null): number | null =>
  from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 10) / 100 : null;

/** A fault start counts for an alert when it is the last one recorded before the alert's first delivery (within 6 h). */
const FAULT_LOOKBACK_MS = 6 * 3600 * 1000;

function view(r: Row): AlertView {
  const state: AlertState = r.resolved_at ? 'resolved' : r.acknowledged_at ? 'acknowledged' : 'firing';
  const fault = r.fault_at && r.received_at && Date.parse(r.received_at) - Date.parse(r.fault_at) <= FAULT_LOOKBACK_MS ? r.fault_at : null;
  return {
    id: r.alert_id,
    alert: r.alert,
    severity: r.severity,
    slo: r.slo,
    summary: r.summary,
    runbook: r.runbook,
    state,
    startsAt: r.starts_at,
    receivedAt: r.received_at,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    resolvedAt: r.resolved_at,
    faultStartedAt: fault,
    detectSeconds: seconds(fault, r.received_at),
    ackSeconds: seconds(r.received_at, r.acknowledged_at),
    resolveSeconds: seconds(r.received_at, r.resolved_at),
  };
}

const SELECT = `SELECT a.*, (SELECT f.at FROM ${FAULTS_TABLE} f WHERE f.kind = 'start' AND f.position < a.position ORDER BY f.position DESC LIMIT 1) AS fault_at FROM ${ALERTS_TABLE} a`;

export async function listAlerts(db: ReadModelQueries, filter: { state?: AlertState | 'open' | 'all'; limit?: number } = {}): Promise<AlertView[]> {
  const rows = await db.all<Row>(`${SELECT} ORDER BY a.position DESC LIMIT ?`, [filter.limit ?? 100]);
  const all = rows.map(view);
  const s = filter.state ?? 'all';
  if (s === 'all') return all;
  if (s === 'open') return all.filter((a) => a.state !== 'resolved');
  return all.filter((a) => a.state === s);
}

export async function getAlert(db: ReadModelQueries, id: string): Promise<AlertView | undefined> {
  const r = await db.get<Row>(`${SELECT} WHERE a.alert_id = ?`, [id]);
  return r && view(r);
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : Math.round(((s[m - 1] + s[m]) / 2) * 100) / 100;
};
const mean = (xs: number[]): number | null => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);

export interface AlertTimings {
  alerts: number;
  pages: number;
  acknowledged: number;
  /** Mean time to acknowledge (pages), seconds. */
  mttaSeconds: number | null;
  medianAckSeconds: number | null;
  /** Mean time to detect (pages with a fault marker), seconds. */
  mttdSeconds: number | null;
  meanResolveSeconds: number | null;
}

/** Time to detect / acknowledge / resolve over the pages recorded (the MTTA of KR4.1). */
export async function alertTimings(db: ReadModelQueries, limit = 1000): Promise<AlertTimings> {
  const all = await listAlerts(db, { limit });
  const pages = all.filter((a) => a.severity === 'page');
  const num = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
  return {
    alerts: all.length,
    pages: pages.length,
    acknowledged: pages.filter((a) => a.acknowledgedAt).length,
    mttaSeconds: mean(num(pages.map((a) => a.ackSeconds))),
    medianAckSeconds: median(num(pages.map((a) => a.ackSeconds))),
    mttdSeconds: mean(num(pages.map((a) => a.detectSeconds))),
    meanResolveSeconds: mean(num(pages.map((a) => a.resolveSeconds))),
  };
}
