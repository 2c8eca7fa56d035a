import type { Context, MiddlewareHandler } from 'hono'
import { BlockList, isIP } from 'node:net'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import { authenticate, requireFullSession, type SessionView } from '../app/sign-in.ts'
import { DEVICE_TOKEN_TTL_MS } from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'

export type HavenEnv = {
  Variables: {
    requestId: string
    session: SessionView | undefined
    /** The raw session token from the cookie, to derive the CSRF token; never logged. */
    sessionToken: string | undefined
    /** The client's address: the socket's peer, or X-Forwarded-For through trusted proxies. */
    clientAddress: string
    /** Reports an error from work that goes on after the answer (logged without details). */
    reportLateError: (error: unknown) => void
  }
}

/** Work that goes on after the answer (a reset link's delivery); its failure is logged. */
export function afterAnswer(c: Context<HavenEnv>, work: Promise<void>): void {
  work.catch((error: unknown) => {
    c.get('reportLateError')(error)
  })
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
  options: { isBehindTls: boolean; trustedProxies?: readonly string[] | undefined },
): MiddlewareHandler<HavenEnv> {
  const cookieName = sessionCookieName(options.isBehindTls)
  const proxies = trustedProxyList(options.trustedProxies ?? [])
  return async (c, next) => {
    c.set('clientAddress', clientAddress(socketPeer(c), c.req.header('x-forwarded-for'), proxies))
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
  // Behind a TLS proxy Haven is reached over plain HTTP while its callers are on https:// at
  // the same host: the same site, answered the same (docs/decisions/0043).
  const own = new URL(c.req.url)
  if (
    origin !== undefined &&
    origin !== 'null' &&
    origin !== own.origin &&
    origin !== `https://${own.host}`
  ) {
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

/** The client's address for per-source limits (set by the session middleware). */
export function sourceAddress(c: Context<HavenEnv>): string {
  return c.get('clientAddress')
}

/** Where a guess comes from: the client's address and the browser's device cookie. */
export function guessSource(
  c: Context<HavenEnv>,
  isBehindTls: boolean,
): { source: string; deviceCookie: string | undefined } {
  return {
    source: sourceAddress(c),
    deviceCookie: getCookie(c, deviceCookieName(isBehindTls)),
  }
}

export function deviceCookieName(isBehindTls: boolean): string {
  return isBehindTls ? '__Host-haven_device' : 'haven_device'
}

/** Remembers this browser as one the account signed in from (180 days; HttpOnly, Strict). */
export function setDeviceCookie(c: Context, value: string, isBehindTls: boolean): void {
  setCookie(c, deviceCookieName(isBehindTls), value, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isBehindTls,
    path: '/',
    maxAge: DEVICE_TOKEN_TTL_MS / 1000,
  })
}

function socketPeer(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming
  return incoming?.socket?.remoteAddress ?? 'unknown'
}

export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/')
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(prefix), type)
  }
  return list
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address)
  if (family === 0) return false
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4')
}

/**
 * An address as a proxy may write it, made plain: "::ffff:10.0.0.1" is 10.0.0.1, and a port
 * some proxies add ("203.0.113.7:443", "[2001:db8::1]:443") is dropped.
 */
function plainAddress(address: string): string {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::\d{1,5})?$/.exec(address)
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(address)
  const plain = bracketed?.[1] ?? withPort?.[1] ?? address
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(plain)
  return mapped?.[1] ?? plain
}

/**
 * The client's address (OWASP ASVS 5.0 V6.3.1 limits per source): the socket's peer, unless
 * the peer is a trusted proxy; then X-Forwarded-For is read from the right, past every
 * trusted proxy, and the first address that is not one is the client. A header that is
 * missing or not an address list leaves the nearest proxy as the source. An untrusted peer's
 * X-Forwarded-For is ignored, so a client cannot choose its own address.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  proxies: BlockList,
): string {
  let client = plainAddress(peer)
  if (!isTrusted(proxies, client) || forwardedFor === undefined) return client
  const hops = forwardedFor
    .split(',')
    .map((hop) => plainAddress(hop.trim()))
    .slice(-20)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? ''
    if (isIP(hop) === 0) return client
    client = hop
    if (!isTrusted(proxies, hop)) return client
  }
  return client
}
