/**
 * The alert path's pure logic: an Alertmanager webhook delivery (payload version 4) checked and
 * turned into `AlertFired` / `AlertResolved` events, and the acknowledge command. One stream per
 * alert occurrence (`ops-alert-<alertId>`, alertId = fingerprint + start), event ids derived from
 * it, so a redelivery (Alertmanager repeats notifications) is recognised and recorded once.
 * No clocks, no I/O: the caller passes `receivedAt` and the stream's events.
 */
import type { AlertAcknowledged, AlertFired, AlertResolved } from '../../schemas/generated/payloads';
import { ValidationError, type FieldProblem } from '../../schemas/errors';

export const ALERT_FIRED = 'AlertFired';
export const ALERT_RESOLVED = 'AlertResolved';
export const ALERT_ACKNOWLEDGED = 'AlertAcknowledged';
export const ALERT_EVENT_TYPES = [ALERT_FIRED, ALERT_RESOLVED, ALERT_ACKNOWLEDGED] as const;

/** One alert as Alertmanager's webhook sends it. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}
export interface WebhookDelivery {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: WebhookAlert[];
}

export const alertStream = (alertId: string): string => `ops-alert-${alertId}`;
/** One occurrence of one alert: the label set's fingerprint and the moment it started firing. */
export const alertIdOf = (fingerprint: string, startsAt: string): string => `${fingerprint}-${Date.parse(startsAt)}`;
export const ALERT_ID = /^[0-9a-f]{1,64}-\d{1,16}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDate = (v: unknown): v is string => typeof v === 'string' && Number.isFinite(Date.parse(v));

function stringMap(v: unknown, at: string, problems: FieldProblem[]): Record<string, string> {
  if (v === undefined) return {};
  if (!isObj(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    problems.push({ field: at, problem: 'must be an object of string values' });
    return {};
  }
  return v as Record<string, string>;
}

/** Checks a webhook body; every problem names its field (`alerts[0].fingerprint`). */
export function parseWebhook(body: unknown): WebhookDelivery {
  const problems: FieldProblem[] = [];
  if (!isObj(body)) throw new ValidationError([{ field: 'body', problem: "must be Alertmanager's webhook JSON {receiver, status, alerts}" }]);
  if (body.version !== undefined && body.version !== '4') problems.push({ field: 'version', problem: `webhook payload version '${String(body.version)}' is not supported (expected '4')` });
  const receiver = typeof body.receiver === 'string' ? body.receiver : (problems.push({ field: 'receiver', problem: 'is required and must be a string' }), '');
  const status = body.status === 'firing' || body.status === 'resolved' ? body.status : (problems.push({ field: 'status', problem: "must be 'firing' or 'resolved'" }), 'firing');
  const alerts: WebhookAlert[] = [];
  if (!Array.isArray(body.alerts) || body.alerts.length === 0) problems.push({ field: 'alerts', problem: 'must be a non-empty list' });
  else if (body.alerts.length > 1000) problems.push({ field: 'alerts', problem: `has ${body.alerts.length} alerts; at most 1000 per delivery` });
  else
    body.alerts.forEach((a: unknown, i) => {
      const at = `alerts[${i}]`;
      if (!isObj(a)) return void problems.push({ field: at, problem: 'must be an object' });
      const st = a.status === 'firing' || a.status === 'resolved' ? a.status : (problems.push({ field: `${at}.status`, problem: "must be 'firing' or 'resolved'" }), 'firing');
      const fingerprint = typeof a.fingerprint === 'string' && /^[0-9a-f]{1,64}$/.test(a.fingerprint) ? a.fingerprint : (problems.push({ field: `${at}.fingerprint`, problem: 'must be a hex string (Alertmanager fingerprint)' }), '');
      const startsAt = isDate(a.startsAt) ? new Date(a.startsAt).toISOString() : (problems.push({ field: `${at}.startsAt`, problem: 'must be an RFC 3339 date' }), '');
      let endsAt = '';
      if (isDate(a.endsAt)) endsAt = new Date(a.endsAt).toISOString();
      else if (st === 'resolved') problems.push({ field: `${at}.endsAt`, problem: 'must be an RFC 3339 date on a resolved alert' });
      const labels = stringMap(a.labels, `${at}.labels`, problems);
      if (!labels.alertname) problems.push({ field: `${at}.labels.alertname`, problem: 'is required' });
      alerts.push({ status: st, fingerprint, startsAt, endsAt, labels, annotations: stringMap(a.annotations, `${at}.annotations`, problems) });
    });
  if (problems.length) throw new ValidationError(problems);
  return { receiver, status, alerts };
}

export interface AlertEmit {
  id: string;
  type: typeof ALERT_FIRED | typeof ALERT_RESOLVED;
  alertId: string;
  payload: AlertFired | AlertResolved;
}

/** What the stream of one occurrence already holds. */
export interface OccurrenceState {
  version: number;
  fired: boolean;
  resolved: boolean;
  acknowledged: AlertAcknowledged | null;
  alert: string | null;
}

export function foldOccurrence(events: readonly { type: string; payload: unknown }[]): OccurrenceState {
  const s: OccurrenceState = { version: events.length, fired: false, resolved: false, acknowledged: null, alert: null };
  for (const e of events) {
    if (e.type === ALERT_FIRED) {
      s.fired = true;
      s.alert = (e.payload as AlertFired).alert;
    } else if (e.type === ALERT_RESOLVED) {
      s.resolved = true;
      s.alert ??= (e.payload as AlertResolved).alert;
    } else if (e.type === ALERT_ACKNOWLEDGED) s.acknowledged = e.payload as AlertAcknowledged;
  }
  return s;
}

/**
 * The events one alert of a delivery adds to its occurrence's stream: AlertFired the first time it
 * is seen (a resolution delivered first records both), AlertResolved once. A repeat adds nothing.
 */
export function decideDelivery(state: OccurrenceState, a: WebhookAlert, receiver: string, receivedAt: string): AlertEmit[] {
  const alertId = alertIdOf(a.fingerprint, a.startsAt);
  const out: AlertEmit[] = [];
  const common = { alertId, alert: a.labels.alertname, severity: a.labels.severity ?? '', fingerprint: a.fingerprint, startsAt: a.startsAt };
  if (!state.fired) {
    const fired: AlertFired = { ...common, receivedAt, labels: a.labels, annotations: a.annotations, runbook: a.annotations.runbook_url ?? '', receiver };
    out.push({ id: `alert-fired:${alertId}`, type: ALERT_FIRED, alertId, payload: fired });
  }
  if (a.status === 'resolved' && !state.resolved) {
    const resolved: AlertResolved = { ...common, endsAt: a.endsAt, receivedAt };
    out.push({ id: `alert-resolved:${alertId}`, type: ALERT_RESOLVED, alertId, payload: resolved });
  }
  return out;
}

export interface AckInput {
  by?: string;
  note?: string;
}

/** Checks an acknowledge body: `{}` or `{by?, note?}`. */
export function parseAck(body: unknown): AckInput {
  if (body === undefined || body === null || (isObj(body) && Object.keys(body).length === 0)) return {};
  if (!isObj(body)) throw new ValidationError([{ field: 'body', problem: 'must be empty or {by, note}' }]);
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(body)) if (k !== 'by' && k !== 'note') problems.push({ field: k, problem: 'is not a field of an acknowledgement (by, note)' });
  if (body.by !== undefined && (typeof body.by !== 'string' || body.by.trim() === '' || body.by.length > 200)) problems.push({ field: 'by', problem: 'must be a non-empty string of at most 200 characters' });
  if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 2000)) problems.push({ field: 'note', problem: 'must be a string of at most 2000 characters' });
  if (problems.length) throw new ValidationError(problems);
  return { by: (body.by as string | undefined)?.trim(), note: body.note as string | undefined };
}

export type AckDecision = { kind: 'unknown' } | { kind: 'already'; ack: AlertAcknowledged } | { kind: 'ack'; id: string; payload: AlertAcknowledged };

/** Acknowledge an occurrence once: unknown ids are not found, a second acknowledgement changes nothing. */
export function decideAck(state: OccurrenceState, alertId: string, by: string, note: string, at: string): AckDecision {
  if (!state.fired || !state.alert) return { kind: 'unknown' };
  if (state.acknowledged) return { kind: 'already', ack: state.acknowledged };
  return { kind: 'ack', id: `alert-ack:${alertId}`, payload: { alertId, alert: state.alert, by, note, acknowledgedAt: at } };
}
