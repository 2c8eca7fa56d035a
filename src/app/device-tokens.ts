import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { MAX_DEVICE_TOKENS } from '../domain/auth-rules.ts'
import type { MasterKey } from './field-crypto.ts'

/**
 * Device tokens (OWASP's "device cookies"): after a full sign-in, the browser keeps a token
 * bound to the account, MAC'd under a key derived from the master key, so nothing is stored.
 * A guess that carries a valid token for the account is limited per device only, so no one
 * else's guessing can lock the owner out of their own browser. A browser keeps the tokens of
 * its last five accounts (a shared office computer), in one cookie, separated by "~".
 */
function macOf(master: MasterKey, accountId: string, nonce: string): Buffer {
  const key = Buffer.from(
    hkdfSync('sha256', master.bytes, Buffer.alloc(0), 'haven:device-token', 32),
  )
  return createHmac('sha256', key).update(`${accountId}.${nonce}`, 'utf8').digest().subarray(0, 24)
}

function tokensIn(cookie: string | undefined): string[] {
  if (cookie === undefined || cookie.length > 1000) return []
  return cookie.split('~').slice(0, MAX_DEVICE_TOKENS)
}

/** The device (the token's nonce) this browser signed in to the account from, if any. */
export function deviceOf(
  master: MasterKey,
  cookie: string | undefined,
  accountId: string | undefined,
): string | undefined {
  if (accountId === undefined) return undefined
  for (const token of tokensIn(cookie)) {
    const [nonce, mac] = token.split('.')
    if (!nonce || !mac || !/^[A-Za-z0-9_-]{22}$/.test(nonce)) continue
    const given = Buffer.from(mac, 'base64url')
    const expected = macOf(master, accountId, nonce)
    if (given.length === expected.length && timingSafeEqual(given, expected)) return nonce
  }
  return undefined
}

/** The cookie's value with a new token for the account first (older ones for it dropped). */
export function rememberDevice(
  master: MasterKey,
  cookie: string | undefined,
  accountId: string,
): string {
  const nonce = randomBytes(16).toString('base64url')
  const token = `${nonce}.${macOf(master, accountId, nonce).toString('base64url')}`
  const others = tokensIn(cookie).filter(
    (existing) =>
      /^[A-Za-z0-9_.-]{1,80}$/.test(existing) &&
      deviceOf(master, existing, accountId) === undefined,
  )
  return [token, ...others].slice(0, MAX_DEVICE_TOKENS).join('~')
}
