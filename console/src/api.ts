/**
 * The console's only way to the service: the public /v1 API, reached through /ui/api/v1 so the
 * browser's HttpOnly session cookie (scoped to /ui) authenticates it. Changes carry the CSRF token.
 */
export interface Session {
  tenant: string;
  role: 'producer' | 'auditor' | 'admin';
  keyId: string;
  csrf: string;
}

export interface FieldProblem {
  field: string;
  problem: string;
  code?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, any> = {}, // eslint-disable-line @typescript-eslint/no-explicit-any
  ) {
    super(message);
  }
  get problems(): FieldProblem[] {
    return Array.isArray(this.details.problems) ? this.details.problems : [];
  }
}

let csrf = '';
let locale = 'en';
export const setLocale = (l: string) => void (locale = l);
export const currentLocale = () => locale;

export async function loadSession(): Promise<Session | null> {
  const res = await fetch('/ui/api/session', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (res.status === 401) return null;
  if (!res.ok) throw new ApiError(res.status, 'UNAVAILABLE', `session: HTTP ${res.status}`);
  const s = (await res.json()) as Session;
  csrf = s.csrf;
  return s;
}

export async function logout(): Promise<void> {
  await fetch('/ui/api/logout', { method: 'POST', headers: { 'x-csrf-token': csrf }, credentials: 'same-origin' });
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Answer the raw text instead of parsing JSON (e.g. NDJSON). */
  text?: boolean;
}

/** `path` is the /v1 path, e.g. `/v1/pcq/anomalies?release=1.2.0`. */
export async function api<T = any>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (!path.startsWith('/v1/')) throw new Error(`not a /v1 path: ${path}`);
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': locale, ...opts.headers };
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/ui/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const raw = await res.text();
  if (!res.ok) {
    let e: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      e = JSON.parse(raw);
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? (raw.slice(0, 200) || `HTTP ${res.status}`), e.details ?? {});
  }
  if (opts.text) return raw as T;
  return (raw ? JSON.parse(raw) : undefined) as T;
}

export const canWrite = (s: Session) => s.role !== 'auditor';

/** Auditors and admins may read any tenant (the API's ?tenant=); producers only their own. */
export const mayReadOtherTenants = (s: Session) => s.role !== 'producer';

const READ_TENANT = 'tf-read-tenant';
/** The tenant the pages show: the signed-in tenant, or the one an auditor or admin switched to (this tab only). */
export function readTenant(s: Session): string {
  return (mayReadOtherTenants(s) && sessionStorage.getItem(READ_TENANT)) || s.tenant;
}
export function switchReadTenant(s: Session, tenant: string): void {
  if (!mayReadOtherTenants(s) || !tenant || tenant === s.tenant) sessionStorage.removeItem(READ_TENANT);
  else sessionStorage.setItem(READ_TENANT, tenant);
}
/** `?tenant=` for a list or a read when another tenant is being read, else nothing. */
export const tenantQuery = (s: Session, sep: '?' | '&' = '?') => (readTenant(s) === s.tenant ? '' : `${sep}tenant=${encodeURIComponent(readTenant(s))}`);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item of a paged list endpoint (limit + cursor), up to `max`. */
export async function allPages<T>(path: string, max = 2000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await api<Page<T>>('GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}
