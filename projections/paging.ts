/**
 * Keyset paging for list read models: a page is `limit` rows after an opaque cursor, which encodes
 * the sort key of the last row served. A cursor stays valid while rows are added (no offsets to
 * shift), and a client cannot forge a position in another tenant's rows: every query is tenant-scoped.
 */
import { ValidationError } from '../schemas/errors';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

export interface PageRequest {
  limit: number;
  /** Sort key of the last row already served (decoded), or undefined for the first page. */
  after?: string[];
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const encodeCursor = (key: readonly string[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** A cursor this service made with `parts` strings, or a 400 naming the field. */
export function decodeCursor(cursor: string, parts: number): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== parts || !key.every((k) => typeof k === 'string')) {
    throw new ValidationError([{ field: 'cursor', problem: 'is not a cursor this list returned (pass nextCursor back unchanged)' }]);
  }
  return key as string[];
}

/** `limit` and `cursor` query parameters: limit 1–200 (default 50); a 400 names the bad one. */
export function pageRequest(query: { limit?: unknown; cursor?: unknown }, cursorParts: number): PageRequest {
  let limit = DEFAULT_PAGE;
  if (query.limit !== undefined) {
    limit = typeof query.limit === 'string' && /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE)) throw new ValidationError([{ field: 'limit', problem: `must be a whole number from 1 to ${MAX_PAGE}` }]);
  }
  if (query.cursor === undefined || query.cursor === '') return { limit };
  if (typeof query.cursor !== 'string') throw new ValidationError([{ field: 'cursor', problem: 'must be given once' }]);
  return { limit, after: decodeCursor(query.cursor, cursorParts) };
}

/** Rows fetched with LIMIT `limit + 1`: the extra row only says whether another page exists. */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (r: R) => string[], map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const served = more ? rows.slice(0, limit) : rows;
  return { items: served.map(map), nextCursor: more ? encodeCursor(keyOf(served[served.length - 1])) : null };
}
