import type { Request } from 'express';
import { ValidationError } from '../../schemas/errors';
import { readableTenant } from '../auth/api-keys';
import { principalOf } from './async-route';

/**
 * The tenant a read is about: the caller's own; auditors and admins may name another with
 * `?tenant=` (as on GET /v1/events), a producer naming another gets 403.
 */
export function readTenantOf(req: Request): string {
  const q = req.query.tenant;
  if (q !== undefined && typeof q !== 'string') throw new ValidationError([{ field: 'tenant', problem: 'must be given once' }]);
  return readableTenant(principalOf(req), q || undefined) ?? principalOf(req).tenant;
}
