import type { MiddlewareHandler } from 'hono'

/**
 * Headers on every response (OWASP ASVS 5.0 V3): a strict Content-Security-Policy with no
 * inline script or style, no framing, no sniffing, no referrer, and no caching of anything
 * by default (pages and API answers may hold personal data). HSTS only when served over TLS.
 */
export function securityHeaders(options: { isBehindTls: boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const headers = c.res.headers
    headers.set(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    headers.set('X-Content-Type-Options', 'nosniff')
    headers.set('X-Frame-Options', 'DENY')
    headers.set('Referrer-Policy', 'no-referrer')
    headers.set('Cross-Origin-Opener-Policy', 'same-origin')
    headers.set('Cross-Origin-Resource-Policy', 'same-origin')
    headers.set(
      'Permissions-Policy',
      'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    )
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store')
    if (options.isBehindTls)
      headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains')
  }
}
