/**
 * Authoring telemetry read model: one row per authoring event (session started, drafted, valid,
 * validation errors with their codes, previewed, promoted, blocked). Analytics read it.
 */
import type { RecordedEvent } from '../../schemas/envelope';
import type { ReadModelTx } from '../store/port';

export const AUTHORING_DDL = `
CREATE TABLE IF NOT EXISTS lac_authoring (
  position INTEGER PRIMARY KEY, tenant TEXT NOT NULL, kind TEXT NOT NULL, session_id TEXT NOT NULL,
  policy_id TEXT NOT NULL, version TEXT NOT NULL, at_ms INTEGER NOT NULL, author TEXT, origin TEXT,
  new_policy INTEGER, error_count INTEGER NOT NULL DEFAULT 0, error_codes TEXT NOT NULL DEFAULT '', risk_level TEXT
);
CREATE INDEX IF NOT EXISTS lac_authoring_by_time ON lac_authoring (tenant, at_ms);`;

export const AUTHORING_TABLES = ['lac_authoring'] as const;

export const AUTHORING_INPUTS = ['PolicyAuthoringStarted', 'PolicyDrafted', 'PolicyValidated', 'PolicyValidationFailed', 'PolicyPreviewed', 'PolicyPromoted', 'PromotionBlocked'] as const;

type P = Record<string, unknown>;

export async function applyAuthoringEvent(tx: ReadModelTx, e: RecordedEvent): Promise<void> {
  const p = e.payload as P;
  const row = (kind: string, extra: { author?: unknown; origin?: unknown; newPolicy?: unknown; errorCount?: number; errorCodes?: string; risk?: unknown } = {}) =>
    tx.run(
      `INSERT INTO lac_authoring (position, tenant, kind, session_id, policy_id, version, at_ms, author, origin, new_policy, error_count, error_codes, risk_level)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (position) DO NOTHING`,
      [
        e.position, e.tenant, kind, String(p.sessionId ?? ''), String(p.policyId), String(p.version), Date.parse(e.occurredAt),
        (extra.author as string) ?? null, (extra.origin as string) ?? null, extra.newPolicy === undefined ? null : extra.newPolicy ? 1 : 0,
        extra.errorCount ?? 0, extra.errorCodes ?? '', (extra.risk as string) ?? null,
      ],
    );
  switch (e.type) {
    case 'PolicyAuthoringStarted':
      return void (await row('started', { author: p.author, origin: p.origin, newPolicy: p.newPolicy }));
    case 'PolicyDrafted':
      return void (await row('drafted', { author: p.author, origin: p.origin }));
    case 'PolicyValidated':
      if (p.valid) await row('valid');
      return;
    case 'PolicyValidationFailed':
      return void (await row('errors', { errorCount: p.errorCount as number, errorCodes: (p.errorCodes as string[]).join(',') }));
    case 'PolicyPreviewed':
      return void (await row('previewed'));
    case 'PolicyPromoted':
      return void (await row('promoted', { risk: p.riskLevel, author: p.by }));
    case 'PromotionBlocked':
      return void (await row('blocked', { risk: p.riskLevel }));
  }
}
