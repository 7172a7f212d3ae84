/**
 * API keys: `tf_<keyId>_<secret>`. The secret is 32 random bytes; only its sha256 is stored (a
 * fast hash is right for high-entropy secrets), compared in constant time. Keys are events
 * (TenantKeyIssued) like every other fact; the api-keys projection indexes them by keyId.
 */
import type { ReadModelQueries } from '../../projections/store/port';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NewEvent } from '../../schemas/envelope';
import { AuthError, ValidationError } from '../../schemas/errors';
import type { Principal, Role } from '../http/context';

export const ROLES: readonly Role[] = ['producer', 'auditor', 'admin'];
const TENANT = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface IssuedKey {
  key: string;
  keyId: string;
  event: NewEvent;
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function issueKey(tenant: string, role: Role, label: string | null = null): IssuedKey {
  if (!TENANT.test(tenant)) {
    throw new ValidationError([{ field: 'tenant', problem: 'must be 1-63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit' }]);
  }
  if (!ROLES.includes(role)) throw new ValidationError([{ field: 'role', problem: `must be one of ${ROLES.join(', ')}` }]);
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return {
    key: `tf_${keyId}_${secret}`,
    keyId,
    event: {
      id: `key-${keyId}`,
      type: 'TenantKeyIssued',
      stream: `tenant-${tenant}`,
      tenant,
      payload: { tenant, keyId, role, keyHash: hashSecret(secret), label },
    },
  };
}

interface KeyRow {
  tenant: string;
  role: Role;
  key_hash: string;
  revoked_at: string | null;
}

/**
 * Resolve a bearer token to its principal. `refresh` folds keys issued by another process
 * (the CLI) before a lookup misses for good.
 */
export async function authenticate(db: ReadModelQueries, header: string | undefined, refresh: () => void | Promise<void>): Promise<Principal> {
  if (!header) throw new AuthError('UNAUTHENTICATED', 'missing Authorization header; send "Authorization: Bearer <key>" (make one with `trust tenant add <tenant>`)');
  const m = /^Bearer\s+tf_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(header.trim());
  if (!m) throw new AuthError('UNAUTHENTICATED', 'malformed API key; expected "Authorization: Bearer tf_<id>_<secret>"');
  const [, keyId, secret] = m;
  const find = () => db.get<KeyRow>('SELECT tenant, role, key_hash, revoked_at FROM api_keys WHERE key_id = ?', [keyId]);
  let row = await find();
  if (!row) {
    await refresh();
    row = await find();
  }
  const expected = Buffer.from(row?.key_hash ?? '0'.repeat(64), 'hex');
  const ok = timingSafeEqual(expected, Buffer.from(hashSecret(secret), 'hex'));
  if (!row || !ok) throw new AuthError('UNAUTHENTICATED', 'unknown API key');
  if (row.revoked_at) throw new AuthError('UNAUTHENTICATED', `API key ${keyId} was revoked at ${row.revoked_at}`);
  return { tenant: row.tenant, role: row.role, keyId };
}

/** Which tenant's data a caller may read: auditors and admins any, producers their own. */
export function readableTenant(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role === 'producer') {
    if (requested !== undefined && requested !== principal.tenant) {
      throw new AuthError('FORBIDDEN', `your key belongs to tenant '${principal.tenant}' and cannot read tenant '${requested}'`);
    }
    return principal.tenant;
  }
  return requested;
}
