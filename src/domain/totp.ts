import { createHmac } from 'node:crypto'

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 6 digits,
 * 30-second steps. A code is accepted one step either side of now (clock drift), and never
 * twice: only a step later than the last one used is accepted (OWASP ASVS 5.0 V6.6.2).
 * Pure: the time and the last used step are arguments.
 */
export const TOTP_STEP_SECONDS = 30
export const TOTP_DIGITS = 6
const DRIFT_STEPS = 1

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS)
}

export function hotp(secret: Uint8Array, counter: number): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const digest = createHmac('sha1', secret).update(message).digest()
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f
  const binary = digest.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0')
}

export type TotpVerdict =
  { ok: true; step: number } | { ok: false; reason: 'malformed' | 'wrong' | 'reused' }

export function verifyTotp(
  secret: Uint8Array,
  code: string,
  nowMs: number,
  lastUsedStep: number | undefined,
): TotpVerdict {
  const digits = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(digits)) return { ok: false, reason: 'malformed' }
  const now = totpStep(nowMs)
  let reused = false
  for (let delta = -DRIFT_STEPS; delta <= DRIFT_STEPS; delta += 1) {
    const step = now + delta
    if (!constantTimeEqual(hotp(secret, step), digits)) continue
    if (lastUsedStep !== undefined && step <= lastUsedStep) {
      reused = true
      continue
    }
    return { ok: true, step }
  }
  return { ok: false, reason: reused ? 'reused' : 'wrong' }
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 without padding, as authenticator apps expect in otpauth:// URIs. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31] ?? ''
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31] ?? ''
  return out
}

/**
 * The otpauth:// URI an authenticator app reads (usually from a QR code): the label is
 * "issuer:account", and every part is percent-encoded (a space as %20, never "+", which some
 * apps show as it is).
 */
export function otpauthUri(secret: Uint8Array, issuer: string, account: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`)
  const params: [string, string][] = [
    ['secret', base32Encode(secret)],
    ['issuer', issuer],
    ['algorithm', 'SHA1'],
    ['digits', String(TOTP_DIGITS)],
    ['period', String(TOTP_STEP_SECONDS)],
  ]
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
  return `otpauth://totp/${label}?${query}`
}

/**
 * The name an authenticator app shows above the code: Haven and the host people reach this
 * installation at ("Haven (haven.example.org)"), so that a person with a training and a live
 * installation can tell their codes apart. No centre: one code serves every centre of the
 * account. A colon cannot be in it (the label's separator), so there is no port.
 */
export function totpIssuer(publicUrl: string): string {
  const host = URL.canParse(publicUrl)
    ? new URL(publicUrl).hostname.replace(/^\[|\]$/g, '').replaceAll(':', '.')
    : ''
  return host === '' ? 'Haven' : `Haven (${host})`
}
