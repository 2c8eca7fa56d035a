import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import type { MasterKey } from './field-crypto.ts'

/** 256-bit random tokens (sessions, invitations, resets), base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** What is stored of a token: its SHA-256. A 256-bit random token needs no salt or stretching. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/**
 * A keyed hash for values that must be compared but never stored or logged (an e-mail being
 * throttled, a source address): HMAC-SHA256 under a key derived from the master key.
 */
export function keyedHash(master: MasterKey, purpose: string, value: string): string {
  const key = Buffer.from(
    hkdfSync('sha256', master.bytes, Buffer.alloc(0), `haven:keyed-hash:${purpose}`, 32),
  )
  return createHmac('sha256', key).update(value, 'utf8').digest('hex')
}

/** The CSRF token of a session: derived from the session token, so nothing more is stored. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('haven:csrf').digest('base64url')
}

/** Recovery codes: 10 groups of readable characters, e.g. "k3fq-7mzp-x2wd". */
export function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const bytes = randomBytes(12)
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length] ?? 'a')
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8, 12).join('')}`
}

export function normaliseRecoveryCode(code: string): string {
  return code
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}
