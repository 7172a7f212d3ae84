/**
 * The decision history read model, shaped for blast-radius previews over millions of decisions:
 *
 *   lac_requests        one row per *distinct* request (compact text columns, no JSON), keyed by a
 *                       sha256 of its canonical encoding: real traffic repeats itself heavily;
 *   lac_decision_days   (tenant, policy, request, UTC day) → count and how many were allowed: a
 *                       30-day window is a range over days, summed per request in index order
 *                       (the primary key), so the preview reads counts, never individual decisions;
 *   lac_decision_heads  per policy: position of its newest recorded decision (preview staleness).
 *
 * Arrays are joined with ASCII separators (US/RS/GS), which normalised requests cannot contain
 * (control characters are refused), so decoding is a split, not a parse.
 */
import { createHash } from 'node:crypto';
import type { AccessRequest, Level, Action } from '../../streams/lac/model/types';
import type { RecordedRequest } from '../../streams/lac/events/types';
import type { HistoryGroup } from '../../streams/lac/preview/blast-radius';
import type { ReadModelQueries, ReadModelTx } from '../store/port';

export const HISTORY_DDL = `
CREATE TABLE IF NOT EXISTS lac_requests (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  subject_id TEXT NOT NULL, subject_tenant TEXT NOT NULL, groups TEXT NOT NULL, clearance TEXT NOT NULL,
  action TEXT NOT NULL,
  dataset TEXT NOT NULL, resource_tenant TEXT NOT NULL, classification TEXT NOT NULL, region TEXT NOT NULL, license TEXT,
  fields TEXT NOT NULL,
  purpose TEXT, reason TEXT, hops INTEGER, rows INTEGER, agg INTEGER, destination TEXT
);
CREATE TABLE IF NOT EXISTS lac_decision_days (
  tenant TEXT NOT NULL, policy_id TEXT NOT NULL, request_id INTEGER NOT NULL, day INTEGER NOT NULL,
  count INTEGER NOT NULL, allowed INTEGER NOT NULL,
  PRIMARY KEY (tenant, policy_id, request_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lac_decision_heads (
  tenant TEXT NOT NULL, policy_id TEXT NOT NULL, last_position INTEGER NOT NULL, total INTEGER NOT NULL,
  PRIMARY KEY (tenant, policy_id)
);`;

export const HISTORY_TABLES = ['lac_requests', 'lac_decision_days', 'lac_decision_heads'] as const;

const US = '\u001f';
const RS = '\u001e';
const GS = '\u001d';
export const DAY_MS = 86_400_000;

/** The request as recorded on AccessDecided (nulls for absent optionals). */
export function toRecorded(r: AccessRequest): RecordedRequest {
  return {
    subject: { id: r.subject.id, tenant: r.subject.tenant, groups: r.subject.groups, clearance: r.subject.clearance },
    action: r.action,
    resource: {
      dataset: r.resource.dataset,
      tenant: r.resource.tenant,
      classification: r.resource.classification,
      region: r.resource.region,
      license: r.resource.license ?? null,
      fields: r.resource.fields.map((f) => ({ name: f.name, tags: f.tags })),
    },
    context: {
      purpose: r.context.purpose ?? null,
      reason: r.context.reason ?? null,
      hops: r.context.hops ?? null,
      rows: r.context.rows ?? null,
      aggregateGroupSize: r.context.aggregateGroupSize ?? null,
      destinationRegion: r.context.destinationRegion ?? null,
    },
  };
}

type Row = [string, string, string, string, string, string, string, string, string, string | null, string, string | null, string | null, number | null, number | null, number | null, string | null];

export function encodeRequest(r: RecordedRequest): { key: string; row: Row } {
  const row: Row = [
    r.subject.id, r.subject.tenant, r.subject.groups.join(US), r.subject.clearance, r.action,
    r.resource.dataset, r.resource.tenant, r.resource.classification, r.resource.region, r.resource.license,
    r.resource.fields.map((f) => f.name + RS + f.tags.join(US)).join(GS),
    r.context.purpose, r.context.reason, r.context.hops, r.context.rows, r.context.aggregateGroupSize, r.context.destinationRegion,
  ];
  const key = createHash('sha256').update(row.map((v) => (v === null ? '\u0000' : String(v))).join('\u001c')).digest('hex');
  return { key, row };
}

/** Column order of lac_requests after id and key. */
const COLS = 'subject_id, subject_tenant, groups, clearance, action, dataset, resource_tenant, classification, region, license, fields, purpose, reason, hops, rows, agg, destination';

export function decodeRow(row: unknown[], offset = 0): AccessRequest {
  const s = (i: number) => row[offset + i] as string;
  const n = (i: number) => row[offset + i] as number | null;
  const groups = s(2);
  const fields = s(10);
  const context: AccessRequest['context'] = {};
  if (row[offset + 11] !== null) context.purpose = s(11);
  if (row[offset + 12] !== null) context.reason = s(12);
  if (n(13) !== null) context.hops = n(13)!;
  if (n(14) !== null) context.rows = n(14)!;
  if (n(15) !== null) context.aggregateGroupSize = n(15)!;
  if (row[offset + 16] !== null) context.destinationRegion = s(16);
  const resource: AccessRequest['resource'] = {
    dataset: s(5),
    tenant: s(6),
    classification: s(7) as Level,
    region: s(8),
    fields: fields === '' ? [] : fields.split(GS).map((f) => {
      const [name, tags] = f.split(RS);
      return { name, tags: tags === '' ? [] : tags.split(US) };
    }),
  };
  if (row[offset + 9] !== null) resource.license = s(9);
  return {
    subject: { id: s(0), tenant: s(1), groups: groups === '' ? [] : groups.split(US), clearance: s(3) as Level },
    action: s(4) as Action,
    resource,
    context,
  };
}

// The id is the next one in the table, in the transaction: never a sequence, whose values a rolled-back
// batch would skip on PostgreSQL, so the ids (and the digest) are those of a rebuild on any store.
const INSERT_REQUEST = `INSERT INTO lac_requests (id, key, ${COLS})
  VALUES ((SELECT coalesce(max(id), 0) + 1 FROM lac_requests), ?, ${COLS.split(',').map(() => '?').join(', ')}) RETURNING id`;
const BUMP_DAY = `INSERT INTO lac_decision_days (tenant, policy_id, request_id, day, count, allowed) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT(tenant, policy_id, request_id, day) DO UPDATE SET count = lac_decision_days.count + excluded.count, allowed = lac_decision_days.allowed + excluded.allowed`;
const BUMP_HEAD = `INSERT INTO lac_decision_heads (tenant, policy_id, last_position, total) VALUES (?, ?, ?, ?)
  ON CONFLICT(tenant, policy_id) DO UPDATE SET
    last_position = CASE WHEN excluded.last_position > lac_decision_heads.last_position THEN excluded.last_position ELSE lac_decision_heads.last_position END,
    total = lac_decision_heads.total + excluded.total`;

export interface Decision {
  tenant: string;
  policyId: string;
  position: number;
  atMs: number;
  allowed: boolean;
  request: RecordedRequest;
  /** Identical decisions at once (the bench loader); default 1. */
  count?: number;
}

/**
 * Fold recorded decisions (in log order) into the history. Decisions that bump the same rows are
 * summed first, so a batch costs one upsert per (request, day) and per policy head, not per decision;
 * new requests get their ids in order of first appearance, as one decision at a time would.
 */
export async function recordDecisions(tx: ReadModelTx, decisions: readonly Decision[]): Promise<void> {
  const requests = new Map<string, Row>();
  const days = new Map<string, { tenant: string; policyId: string; key: string; day: number; count: number; allowed: number }>();
  const heads = new Map<string, { tenant: string; policyId: string; position: number; total: number }>();
  for (const d of decisions) {
    const { key, row } = encodeRequest(d.request);
    if (!requests.has(key)) requests.set(key, row);
    const count = d.count ?? 1;
    const day = Math.floor(d.atMs / DAY_MS);
    const dk = `${d.tenant}\u0000${d.policyId}\u0000${key}\u0000${day}`;
    const bucket = days.get(dk) ?? { tenant: d.tenant, policyId: d.policyId, key, day, count: 0, allowed: 0 };
    bucket.count += count;
    bucket.allowed += d.allowed ? count : 0;
    days.set(dk, bucket);
    const hk = `${d.tenant}\u0000${d.policyId}`;
    const head = heads.get(hk) ?? { tenant: d.tenant, policyId: d.policyId, position: d.position, total: 0 };
    head.position = Math.max(head.position, d.position);
    head.total += count;
    heads.set(hk, head);
  }
  // Real traffic repeats itself: a request is usually known already (one lookup, no write).
  const ids = new Map<string, number>();
  for (const [key, row] of requests) {
    const known = await tx.get<{ id: number }>('SELECT id FROM lac_requests WHERE key = ?', [key]);
    ids.set(key, known?.id ?? (await tx.get<{ id: number }>(INSERT_REQUEST, [key, ...row]))!.id);
  }
  for (const b of days.values()) await tx.run(BUMP_DAY, [b.tenant, b.policyId, ids.get(b.key)!, b.day, b.count, b.allowed]);
  for (const h of heads.values()) await tx.run(BUMP_HEAD, [h.tenant, h.policyId, h.position, h.total]);
}

/** Fold one recorded decision (or `count` identical ones). */
export const recordDecision = (tx: ReadModelTx, d: Decision): Promise<void> => recordDecisions(tx, [d]);

export async function lastDecisionPosition(db: ReadModelQueries, tenant: string, policyId: string): Promise<number> {
  return (await db.get<{ last_position: number }>('SELECT last_position FROM lac_decision_heads WHERE tenant = ? AND policy_id = ?', [tenant, policyId]))?.last_position ?? 0;
}

/** Requests per page of `historySince`: memory stays flat whatever the history's size. */
const PAGE = 5000;

/**
 * Distinct requests of a policy's decisions since `fromMs`, with their counts, in request-id order,
 * a page at a time (keyset pagination on the primary key's order, so each page is a range).
 */
export async function* historyPages(db: ReadModelQueries, tenant: string, policyId: string, fromMs: number): AsyncGenerator<HistoryGroup[]> {
  const day = Math.floor(fromMs / DAY_MS);
  let after = -1;
  for (;;) {
    const rows = await db.rows(
      `SELECT d.request_id, d.cnt, d.alw, ${COLS.split(', ').map((c) => `r.${c}`).join(', ')}
       FROM (SELECT request_id, SUM(count) AS cnt, SUM(allowed) AS alw FROM lac_decision_days
             WHERE tenant = ? AND policy_id = ? AND request_id > ? AND day >= ? GROUP BY request_id ORDER BY request_id LIMIT ${PAGE}) d
       JOIN lac_requests r ON r.id = d.request_id ORDER BY d.request_id`,
      [tenant, policyId, after, day],
    );
    yield rows.map((row) => ({ request: decodeRow(row, 3), count: row[1] as number, allowed: row[2] as number }));
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1][0] as number;
  }
}

/** The same, one group at a time. */
export async function* historySince(db: ReadModelQueries, tenant: string, policyId: string, fromMs: number): AsyncGenerator<HistoryGroup> {
  for await (const page of historyPages(db, tenant, policyId, fromMs)) yield* page;
}

/** The whole window at once, for the blast radius (a pure function over an array). */
export async function loadHistorySince(db: ReadModelQueries, tenant: string, policyId: string, fromMs: number): Promise<HistoryGroup[]> {
  const groups: HistoryGroup[] = [];
  for await (const page of historyPages(db, tenant, policyId, fromMs)) for (const g of page) groups.push(g);
  return groups;
}
