/** API keys by key id, for authentication. Only hashes are kept (the log holds nothing else). */
import { defineProjection } from '../projection';

interface Issued {
  tenant: string;
  keyId: string;
  role: string;
  keyHash: string;
  label: string | null;
}

export const apiKeys = defineProjection({
  name: 'tenancy.api-keys',
  version: 1,
  inputs: ['TenantKeyIssued', 'TenantKeyRevoked'],
  tables: ['api_keys'],
  setup: `CREATE TABLE IF NOT EXISTS api_keys (
    key_id     TEXT PRIMARY KEY,
    tenant     TEXT NOT NULL,
    role       TEXT NOT NULL,
    key_hash   TEXT NOT NULL,
    label      TEXT,
    issued_at  TEXT NOT NULL,
    revoked_at TEXT
  );`,
  async apply(tx, e) {
    if (e.type === 'TenantKeyIssued') {
      const p = e.payload as Issued;
      await tx.run('INSERT INTO api_keys (key_id, tenant, role, key_hash, label, issued_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING', [
        p.keyId, p.tenant, p.role, p.keyHash, p.label, e.recordedAt,
      ]);
    } else {
      const p = e.payload as { keyId: string };
      await tx.run('UPDATE api_keys SET revoked_at = ? WHERE key_id = ?', [e.recordedAt, p.keyId]);
    }
  },
});
