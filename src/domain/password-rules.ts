/**
 * Password rules (OWASP ASVS 5.0 V6.2; NIST SP 800-63B §3.1.1.2; ENGINEERING.md §6): at
 * least 12 characters, or at least 8 when the password is not a common one; at most 256
 * (well over the 64 required); no composition rules; no expiry. Length is counted in Unicode
 * code points, after NFC normalisation.
 *
 * At every length a password is refused when it is on a list of breached passwords (V6.2.4,
 * V6.2.12: the list is loaded by src/app and handed in as a predicate, so this module stays
 * pure), when it is one character repeated or a straight run ("abcdefghijkl", "987654321"),
 * or when its letters alone spell a context word, whatever digits, spaces or symbols are
 * around or inside them (V6.2.11: the person's e-mail or name or a word of either, or a
 * word of CONTEXT_WORDS). Below 12 characters it is also refused when it merely contains a
 * context word of 4 letters or more.
 */
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MIN_LENGTH_UNCOMMON = 8
export const PASSWORD_MAX_LENGTH = 256

export type PasswordVerdict = { ok: true } | { ok: false; reason: string }

/**
 * Whether a password is on the list of breached passwords. It is asked with
 * breachedListKey(password), and the list's entries must be keyed the same way.
 */
export type BreachedPasswordCheck = (key: string) => boolean

/**
 * Context-specific words (OWASP ASVS 5.0 V6.1.2, V6.2.11): the service, the work of a child
 * contact centre and its roles, which someone guessing a Haven password would try first. A
 * password is refused when its letters spell one of these (any case, with digits, spaces
 * and symbols ignored: "Safeguarding2025!", "Contact Centre 1"), and, below 12 characters,
 * when it contains one.
 */
export const CONTEXT_WORDS: readonly string[] = [
  'haven',
  'havenrecords',
  'contactcentre',
  'contactcenter',
  'childcontact',
  'childcontactcentre',
  'supervisedcontact',
  'supportedcontact',
  'safeguarding',
  'safeguard',
  'handover',
  'coordinator',
  'volunteer',
  'referrer',
  'committee',
  'cafcass',
  'naccc',
  'centre',
  'center',
  'contact',
  'children',
  'family',
  'families',
]

export const BREACHED_PASSWORD_REASON =
  'password appears in lists of passwords stolen from other websites; choose another'
export const GUESSABLE_RUN_REASON =
  'password is one character repeated or a run such as "abcd" or "4321"; choose another'
export const CONTEXT_WORD_REASON =
  'password is made from your name, your e-mail address or words about this service; choose another'

export function normalisePassword(password: string): string {
  return password.normalize('NFC')
}

/**
 * How a password and each entry of the breached list are compared: NFC-normalised, then
 * lower-cased without regard to locale (String.prototype.toLowerCase), nothing else
 * removed. So "PASSWORD1234" matches the listed "password1234".
 */
export function breachedListKey(text: string): string {
  return text.normalize('NFC').toLowerCase()
}

/**
 * Judges a new password. `context` holds words that make it guessable for this person
 * (e-mail, name); `isBreached` answers whether it is on the list of breached passwords.
 */
export function judgeNewPassword(
  password: string,
  context: readonly string[],
  isBreached: BreachedPasswordCheck,
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
  const key = breachedListKey(normalised)
  if (isBreached(key)) return { ok: false, reason: BREACHED_PASSWORD_REASON }
  if (isRunOrRepeat(key)) return { ok: false, reason: GUESSABLE_RUN_REASON }
  const words = contextWords(context)
  const letters = lettersOnly(key)
  if (letters.length > 0 && words.includes(letters)) {
    return { ok: false, reason: CONTEXT_WORD_REASON }
  }
  if (
    length < PASSWORD_MIN_LENGTH &&
    words.some((word) => word.length >= 4 && key.includes(word))
  ) {
    return { ok: false, reason: CONTEXT_WORD_REASON }
  }
  return { ok: true }
}

/**
 * The context words as letters only, each whole and each of its runs of letters:
 * "Ivy Hollis" gives "ivyhollis", "ivy" and "hollis".
 */
function contextWords(context: readonly string[]): string[] {
  const words = new Set<string>()
  for (const text of [...CONTEXT_WORDS, ...context]) {
    const lower = text.normalize('NFC').toLowerCase()
    words.add(lettersOnly(lower))
    for (const part of lower.split(/\P{L}+/u)) words.add(part)
  }
  words.delete('')
  return [...words]
}

/** The letters of a text: "ivy hollis-2" → "ivyhollis". */
function lettersOnly(text: string): string {
  return text.replace(/\P{L}/gu, '')
}

function isRunOrRepeat(text: string): boolean {
  if (/^(.)\1+$/u.test(text)) return true
  const codes = Array.from(text).map((char) => char.codePointAt(0) ?? 0)
  if (codes.length < 4) return false
  const step = (codes[1] ?? 0) - (codes[0] ?? 0)
  if (Math.abs(step) !== 1) return false
  return codes.every((code, i) => i === 0 || code - (codes[i - 1] ?? 0) === step)
}
