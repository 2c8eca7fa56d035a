import { COMMON_PASSWORDS } from './common-passwords.ts'

/**
 * Password rules (OWASP ASVS 5.0 V6.2; NIST SP 800-63B §3.1.1.2; ENGINEERING.md §6): at
 * least 12 characters, or at least 8 when the password is not on the deny list of common
 * passwords; at most 256 (well over the 64 required); no composition rules; no expiry.
 * Length is counted in Unicode code points, after NFC normalisation.
 */
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MIN_LENGTH_UNCOMMON = 8
export const PASSWORD_MAX_LENGTH = 256

export type PasswordVerdict = { ok: true } | { ok: false; reason: string }

export function normalisePassword(password: string): string {
  return password.normalize('NFC')
}

/** Judges a new password; `context` holds words that make it guessable (e-mail, name, centre). */
export function judgeNewPassword(
  password: string,
  context: readonly string[] = [],
): PasswordVerdict {
  const normalised = normalisePassword(password)
  const length = Array.from(normalised).length // code points (NIST SP 800-63B)
  if (length > PASSWORD_MAX_LENGTH) {
    return { ok: false, reason: `password must be at most ${PASSWORD_MAX_LENGTH} characters` }
  }
  if (length < PASSWORD_MIN_LENGTH_UNCOMMON) {
    return {
      ok: false,
      reason: `password must be at least ${PASSWORD_MIN_LENGTH} characters (or ${PASSWORD_MIN_LENGTH_UNCOMMON} if not a common one)`,
    }
  }
  if (length < PASSWORD_MIN_LENGTH && isCommon(normalised, context)) {
    return {
      ok: false,
      reason: `password is too common; use at least ${PASSWORD_MIN_LENGTH} characters or a less common one`,
    }
  }
  return { ok: true }
}

function isCommon(password: string, context: readonly string[]): boolean {
  const lower = password.toLowerCase()
  if (COMMON_PASSWORDS.has(lower)) return true
  // A common word with digits or symbols around it ("Password1!") is still common.
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '')
  if (core.length >= 4 && COMMON_PASSWORDS.has(core)) return true
  if (/^(.)\1+$/.test(lower)) return true
  if (isSequence(lower)) return true
  return context.some((word) => word.length >= 4 && lower.includes(word.toLowerCase()))
}

function isSequence(text: string): boolean {
  if (text.length < 4) return false
  const codes = Array.from(text).map((char) => char.codePointAt(0) ?? 0)
  const step = (codes[1] ?? 0) - (codes[0] ?? 0)
  if (Math.abs(step) !== 1) return false
  return codes.every((code, i) => i === 0 || code - (codes[i - 1] ?? 0) === step)
}
