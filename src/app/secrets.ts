import { createHash, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto'
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

/**
 * A recovery code: 24 readable characters in six groups, e.g. "k3fq-7mzp-x2wd-9bnr-t4vh-qe6c":
 * about 119 bits, so a plain SHA-256 of it is as strong as a slow salted hash of a weaker one
 * (OWASP ASVS 5.0 V6.5.2, 112 bits or more). Each character drawn without bias.
 */
export function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const chars = Array.from({ length: 24 }, () => alphabet[randomInt(alphabet.length)] ?? 'a')
  return Array.from({ length: 6 }, (_, i) => chars.slice(i * 4, i * 4 + 4).join('')).join('-')
}

export function normaliseRecoveryCode(code: string): string {
  return code
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}
