import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import { authenticate, requireFullSession, type SessionView } from '../app/sign-in.ts'
import { HavenError } from '../domain/errors.ts'

export type HavenEnv = {
  Variables: {
    requestId: string
    session: SessionView | undefined
    /** The raw session token from the cookie, to derive the CSRF token; never logged. */
    sessionToken: string | undefined
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export function sessionCookieName(isBehindTls: boolean): string {
  return isBehindTls ? '__Host-haven_session' : 'haven_session'
}

/**
 * Finds the session behind the cookie on every request (server-side sessions; OWASP ASVS 5.0
 * V7), and refuses cross-site state changes before any route runs: a browser's
 * Sec-Fetch-Site or Origin that is not this site gets 403 (CSRF, with SameSite=Strict and the
 * per-session token as further walls).
 */
export function sessionMiddleware(
  ctx: AppContext,
  options: { isBehindTls: boolean },
): MiddlewareHandler<HavenEnv> {
  const cookieName = sessionCookieName(options.isBehindTls)
  return async (c, next) => {
    if (UNSAFE.has(c.req.method)) assertSameOrigin(c)
    const token = getCookie(c, cookieName)
    c.set('sessionToken', token)
    c.set('session', await authenticate(ctx, token))
    await next()
  }
}

function assertSameOrigin(c: Context): void {
  const site = c.req.header('sec-fetch-site')
  if (site !== undefined) {
    // A browser that sends Fetch Metadata says where the request came from; under our
    // Referrer-Policy (no-referrer) it sends "Origin: null" for its own form posts, so the
    // Origin header is only consulted for clients without Fetch Metadata.
    if (site === 'same-origin' || site === 'none') return
    throw new HavenError('forbidden', 'cross-site requests are refused')
  }
  const origin = c.req.header('origin')
  if (origin !== undefined && origin !== 'null' && origin !== new URL(c.req.url).origin) {
    throw new HavenError('forbidden', 'cross-site requests are refused')
  }
  if (origin === 'null') throw new HavenError('forbidden', 'cross-site requests are refused')
}

/** The session, any state; for sign-out and second-factor routes. Checks the CSRF token. */
export function requireSession(c: Context<HavenEnv>, csrfFromForm?: string): SessionView {
  const view = c.get('session')
  if (!view) throw new HavenError('unauthenticated', 'sign in first')
  assertCsrf(c, csrfFromForm)
  return view
}

/** A fully signed-in actor (both factors when required). Checks the CSRF token. */
export function requireActor(c: Context<HavenEnv>, csrfFromForm?: string): Actor {
  const actor = requireFullSession(c.get('session'))
  assertCsrf(c, csrfFromForm)
  return actor
}

function assertCsrf(c: Context<HavenEnv>, fromForm: string | undefined): void {
  if (!UNSAFE.has(c.req.method)) return
  const token = c.get('sessionToken')
  const sent = fromForm ?? c.req.header('x-csrf-token')
  if (token === undefined || sent === undefined || sent !== csrfTokenFor(token)) {
    throw new HavenError(
      'forbidden',
      'the request has no valid CSRF token; reload the page and try again',
    )
  }
}

export function setSessionCookie(c: Context, token: string, isBehindTls: boolean): void {
  setCookie(c, sessionCookieName(isBehindTls), token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isBehindTls,
    path: '/',
  })
}

export function clearSessionCookie(c: Context, isBehindTls: boolean): void {
  deleteCookie(c, sessionCookieName(isBehindTls), { path: '/', secure: isBehindTls })
}

/** The client's address for per-source throttling: the socket's peer (no proxy headers trusted). */
export function sourceAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming
  return incoming?.socket?.remoteAddress ?? 'unknown'
}
