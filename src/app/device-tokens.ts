import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { DEVICE_TOKEN_TTL_MS, MAX_DEVICE_TOKENS } from '../domain/auth-rules.ts'
import type { MasterKey } from './field-crypto.ts'

/**
 * Device tokens (OWASP's "device cookies"; decision 0021): after a full sign-in, the browser
 * keeps a token bound to the account, MAC'd under a key derived from the master key, so
 * nothing is stored. A guess that carries a valid token for the account is limited per device
 * (and per account across its devices), so no one else's guessing can lock the owner out of
 * their own browser. A token names the day it was issued and is good for 180 days; it is bound
 * to the account's password and authenticator as they were then, so changing or resetting
 * either voids every token kept back. A browser keeps the tokens of its last five accounts (a
 * shared office computer), in one cookie, separated by "~".
 */
export interface DeviceAccount {
  id: string
  passwordHash: string
  totpSecretCiphertext: string | undefined
}

const DAY_MS = 24 * 60 * 60 * 1000
const NOBODY: DeviceAccount = { id: '', passwordHash: '', totpSecretCiphertext: undefined }

function macOf(master: MasterKey, account: DeviceAccount, nonce: string, day: string): Buffer {
  const key = Buffer.from(
    hkdfSync('sha256', master.bytes, Buffer.alloc(0), 'haven:device-token', 32),
  )
  return createHmac('sha256', key)
    .update(
      [account.id, nonce, day, account.passwordHash, account.totpSecretCiphertext ?? ''].join('\n'),
      'utf8',
    )
    .digest()
    .subarray(0, 24)
}

function tokensIn(cookie: string | undefined): string[] {
  if (cookie === undefined || cookie.length > 1000) return []
  return cookie.split('~').slice(0, MAX_DEVICE_TOKENS)
}

/**
 * The device (the token's nonce) this browser fully signed in to the account from, if its
 * token is still good. The work is the same whether or not the account exists.
 */
export function deviceOf(
  master: MasterKey,
  cookie: string | undefined,
  account: DeviceAccount | undefined,
  now: Date,
): string | undefined {
  const today = Math.floor(now.getTime() / DAY_MS)
  let found: string | undefined
  for (const token of tokensIn(cookie)) {
    const [nonce, day, mac, extra] = token.split('.')
    if (!nonce || !day || !mac || extra !== undefined) continue
    if (!/^[A-Za-z0-9_-]{22}$/.test(nonce) || !/^[0-9a-z]{1,8}$/.test(day)) continue
    const given = Buffer.from(mac, 'base64url')
    const expected = macOf(master, account ?? NOBODY, nonce, day)
    const age = today - Number.parseInt(day, 36)
    if (
      given.length === expected.length &&
      timingSafeEqual(given, expected) &&
      account !== undefined &&
      age >= 0 &&
      age * DAY_MS < DEVICE_TOKEN_TTL_MS
    )
      found ??= nonce
  }
  return found
}

/** The cookie's value with a new token for the account first (older ones for it dropped). */
export function rememberDevice(
  master: MasterKey,
  cookie: string | undefined,
  account: DeviceAccount,
  now: Date,
): string {
  const nonce = randomBytes(16).toString('base64url')
  const day = Math.floor(now.getTime() / DAY_MS).toString(36)
  const token = `${nonce}.${day}.${macOf(master, account, nonce, day).toString('base64url')}`
  const others = tokensIn(cookie).filter(
    (existing) =>
      /^[A-Za-z0-9_.-]{1,100}$/.test(existing) &&
      deviceOf(master, existing, account, now) === undefined,
  )
  return [token, ...others].slice(0, MAX_DEVICE_TOKENS).join('~')
}
