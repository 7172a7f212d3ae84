/**
 * How a person's browser reaches the /ui pages with an API key: `GET /ui/login` asks for the key
 * once, `POST /ui/login` checks it and keeps it in an HttpOnly, SameSite=Strict cookie scoped to
 * /ui, and page requests without an Authorization header send the cookie instead. Scripts keep
 * using `Authorization: Bearer`. The key never appears in a URL (nor in access logs).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AuthError } from '../../schemas/errors';
import { html } from '../../projections/html';

export const SESSION_COOKIE = 'tf_key';

const cookieKey = (req: Request): string | undefined => {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
};

/** The Authorization header a page request stands for: its own, or the session cookie's key. */
export const pageAuthorization = (req: Request): string | undefined => req.headers.authorization ?? (cookieKey(req) ? `Bearer ${cookieKey(req)}` : undefined);

/** A relative /ui path to go back to after logging in (anything else goes to the console home). */
const safeNext = (v: unknown): string => (typeof v === 'string' && /^\/ui\/[\w\-./?=&%#]*$/.test(v) && !v.startsWith('/ui/login') ? v : '/ui/');

/** The sign-in page (exported for the escaping test). */
export const renderLoginPage = (next: string, problem?: string) => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trust Fabric — sign in</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;color:#1f2937}input{width:100%;padding:.5rem;font:inherit}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}.problem{color:#b91c1c}</style>
</head><body><h1>Sign in</h1>
<p>Paste your Trust Fabric API key (<code>trust tenant add</code> or <code>trust demo</code> printed it).</p>
${problem && html`<p class="problem">${problem}</p>`}
<form method="post" action="/ui/login"><input type="hidden" name="next" value="${next}">
<label for="key">API key</label><input id="key" name="key" type="password" autocomplete="off" required>
<button type="submit">Open</button></form></body></html>`.toString();

/** `/ui/login`: `check` throws an AuthError for a key that does not authenticate. */
export function loginRoutes(check: (authorization: string) => Promise<unknown>): Router {
  const r = express.Router();
  r.get('/login', (req, res) => void res.type('html').send(renderLoginPage(safeNext(req.query.next))));
  r.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), (req: Request, res: Response, fail: NextFunction) => {
    const key = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    const next = safeNext(req.body?.next);
    check(`Bearer ${key}`).then(
      () => {
        res.cookie(SESSION_COOKIE, key, { httpOnly: true, sameSite: 'strict', path: '/ui', secure: req.secure });
        res.redirect(303, next);
      },
      (err) => {
        if (!(err instanceof AuthError)) return fail(err);
        res.status(401).type('html').send(renderLoginPage(next, 'That key is not valid (unknown or revoked).'));
      },
    );
  });
  return r;
}

/** For HTML pages: an unauthenticated browser is sent to the login page instead of a JSON 401. */
export function redirectToLogin(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (err instanceof AuthError && err.code === 'UNAUTHENTICATED' && req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
    return void res.redirect(303, `/ui/login?next=${encodeURIComponent(req.originalUrl)}`);
  }
  next(err);
}
