/**
 * Keyset paging for list read models: a page is `limit` rows after an opaque cursor, which encodes
 * the sort key of the last row served. A cursor stays valid while rows are added (no offsets to
 * shift), and a client cannot forge a position in another tenant's rows: every query is tenant-scoped.
 */
import { ValidationError } from '../schemas/errors';

export const DEFAULT_PAGE = 50;

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

/**
 * `limit` and `cursor` query parameters, which the HTTP edge has checked against the spec (limit
 * 1–200, one base64url cursor); what a schema cannot say is whether the cursor is one of ours.
 */
export function pageRequest(query: { limit?: string; cursor?: string }, cursorParts: number): PageRequest {
  const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
  if (query.cursor === undefined || query.cursor === '') return { limit };
  return { limit, after: decodeCursor(query.cursor, cursorParts) };
}

/** Rows fetched with LIMIT `limit + 1`: the extra row only says whether another page exists. */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (r: R) => string[], map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const served = more ? rows.slice(0, limit) : rows;
  return { items: served.map(map), nextCursor: more ? encodeCursor(keyOf(served[served.length - 1])) : null };
}
