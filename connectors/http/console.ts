/**
 * The console's server side (issue 16): the static app built by Vite (console/ → console/dist), served
 * under /ui, and a bridge that lets the app call the public /v1 API with the session cookie.
 *
 *   GET  /ui/                  the app (index.html); no valid session → /ui/login?next=/ui/
 *   GET  /ui/assets/*          its hashed scripts, styles and chunks
 *   GET  /ui/api/session       {tenant, role, keyId, csrf}: who is signed in, and the CSRF token
 *   ALL  /ui/api/v1/*          the /v1 router itself, authenticated by the HttpOnly cookie (scoped to /ui)
 *   POST /ui/api/logout        clears the session
 *
 * CSRF: the cookie is SameSite=Strict, and every request that is not GET/HEAD must carry the
 * double-submit token (`X-CSRF-Token` equal to the `tf_csrf` cookie, which only same-origin script
 * can read) — a cross-site form can send neither. Every console response carries a
 * Content-Security-Policy without 'unsafe-inline' (WebAssembly allowed for snarkjs' verifier).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AuthError } from '../../schemas/errors';
import type { Principal } from './context';
import { SESSION_COOKIE, pageAuthorization } from './page-session';
import { pathOverrides } from '../config';

export const CSRF_COOKIE = 'tf_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The built app: console/dist under the package root (the same from sources and from dist/). */
export function consoleDir(override: string | undefined = pathOverrides().consoleDir): string {
  if (override) return override;
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'console', 'dist');
}

const cookieOf = (req: Request, name: string): string | undefined => {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
};

const sameToken = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.length === b.length && a.length >= 32 && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
}

export interface ConsoleOptions {
  check: (authorization: string | undefined) => Promise<Principal>;
  /** The /v1 router (auth in front), mounted again behind the cookie bridge. */
  v1: Router;
  dir?: string;
}

export function consoleRoutes(opts: ConsoleOptions): Router {
  const dir = opts.dir ?? consoleDir();
  const r = express.Router();
  const secure = (req: Request) => req.secure;
  const csrfCookie = (req: Request, res: Response): string => {
    let token = cookieOf(req, CSRF_COOKIE);
    if (!token || token.length < 32) {
      token = randomBytes(24).toString('base64url');
      res.cookie(CSRF_COOKIE, token, { httpOnly: false, sameSite: 'strict', path: '/ui', secure: secure(req) });
    }
    return token;
  };

  const index = (req: Request, res: Response, next: NextFunction) => {
    opts.check(pageAuthorization(req)).then(
      () => {
        const file = join(dir, 'index.html');
        if (!existsSync(file)) {
          return void res.status(503).type('text').send('The console is not built: run `make build` (or `make console`).');
        }
        csrfCookie(req, res);
        res.setHeader('Cache-Control', 'no-store');
        res.type('html').send(readFileSync(file, 'utf8'));
      },
      (err) => {
        if (err instanceof AuthError && err.code === 'UNAUTHENTICATED') return void res.redirect(303, '/ui/login?next=%2Fui%2F');
        next(err);
      },
    );
  };
  r.get(['/', '/index.html'], securityHeaders, index);
  r.use('/assets', securityHeaders, express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }));

  const bridge = (req: Request, _res: Response, next: NextFunction) => {
    const key = cookieOf(req, SESSION_COOKIE);
    if (req.method !== 'GET' && req.method !== 'HEAD' && !sameToken(req.header(CSRF_HEADER), cookieOf(req, CSRF_COOKIE))) {
      return next(new AuthError('FORBIDDEN', `a console request that changes something needs the ${CSRF_HEADER} header (the ${CSRF_COOKIE} cookie's value)`));
    }
    // Only the cookie speaks for the browser here: a header smuggled in by a page cannot replace it.
    if (key) req.headers.authorization = `Bearer ${key}`;
    else delete req.headers.authorization;
    next();
  };

  r.use('/api', securityHeaders);
  r.get('/api/session', (req, res, next) => {
    opts.check(pageAuthorization(req)).then((p) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ tenant: p.tenant, role: p.role, keyId: p.keyId, csrf: csrfCookie(req, res) });
    }, next);
  });
  r.post('/api/logout', bridge, (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: '/ui' });
    res.clearCookie(CSRF_COOKIE, { path: '/ui' });
    res.status(204).end();
  });
  r.use('/api/v1', bridge, opts.v1);
  return r;
}
