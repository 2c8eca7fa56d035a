/**
 * Time limits and thresholds for signing in (ENGINEERING.md §6; OWASP ASVS 5.0 V6, V7).
 * Pure: every function takes the time.
 */
export const SESSION_IDLE_MS = 15 * 60 * 1000
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000
/** How long a signed-in password waits for its second factor. */
export const SECOND_FACTOR_WINDOW_MS = 5 * 60 * 1000
export const INVITATION_TTL_MS = 72 * 60 * 60 * 1000
export const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000
export const FAILURE_WINDOW_MS = 5 * 60 * 1000
/** At most 10 failed attempts per account per 5 minutes (ENGINEERING.md §6). */
export const MAX_FAILURES_PER_ACCOUNT = 10
/** Per source address: generous enough for a centre's shared office connection. */
export const MAX_FAILURES_PER_SOURCE = 50
/** Per device that has signed in to the account before (its device token). */
export const MAX_FAILURES_PER_DEVICE = 10
/**
 * Second-factor codes from anywhere but the owner's own devices, per account in 24 hours: a
 * stolen password buys at most this many guesses of a 6-digit code a day.
 */
export const CODE_WINDOW_MS = 24 * 60 * 60 * 1000
export const MAX_CODE_FAILURES_PER_DAY = 50
/** Password-reset requests: per e-mail address and per source, in 15 minutes. */
export const RESET_WINDOW_MS = 15 * 60 * 1000
export const MAX_RESETS_PER_EMAIL = 3
export const MAX_RESETS_PER_SOURCE = 10
/** How long a browser is remembered as a device its account signed in from. */
export const DEVICE_TOKEN_TTL_MS = 180 * 24 * 60 * 60 * 1000
/** How many accounts one browser remembers (a shared office computer). */
export const MAX_DEVICE_TOKENS = 5
export const RECOVERY_CODE_COUNT = 10

export type SessionEnd =
  | 'idle'
  | 'expired'
  | 'signed_out'
  | 'ended_by_coordinator'
  | 'account_disabled'
  | 'password_changed'
  | 'second_factor_timeout'

export interface SessionTimes {
  createdAt: number
  lastSeenAt: number
  endedAt: number | undefined
  isSecondFactorPending: boolean
}

/** Whether a session may act now, and if not, why it ended. */
export function sessionStatus(
  session: SessionTimes,
  now: number,
): { active: true } | { active: false; reason: SessionEnd } {
  if (session.endedAt !== undefined) return { active: false, reason: 'signed_out' }
  if (now - session.createdAt >= SESSION_ABSOLUTE_MS) return { active: false, reason: 'expired' }
  if (session.isSecondFactorPending && now - session.createdAt >= SECOND_FACTOR_WINDOW_MS) {
    return { active: false, reason: 'second_factor_timeout' }
  }
  if (now - session.lastSeenAt >= SESSION_IDLE_MS) return { active: false, reason: 'idle' }
  return { active: true }
}

/** When a session will end if left idle, for the timeout warning. */
export function sessionEndsAt(session: SessionTimes): number {
  return Math.min(session.lastSeenAt + SESSION_IDLE_MS, session.createdAt + SESSION_ABSOLUTE_MS)
}

/**
 * What a guess is counted against (OWASP ASVS 5.0 V6.3.1; ENGINEERING.md §6): the account
 * (its normalised e-mail, whether or not it exists), the source address, or a device the
 * account has fully signed in from before (a device token: OWASP's "device cookies").
 */
export type AttemptKey =
  | { kind: 'account'; value: string }
  | { kind: 'source'; value: string }
  | { kind: 'device'; value: string }
  | { kind: 'codes'; value: string }
  | { kind: 'reset-email'; value: string }
  | { kind: 'reset-source'; value: string }

export interface AttemptLimit {
  key: AttemptKey
  limit: number
  windowMs: number
}

const LIMITS: Record<AttemptKey['kind'], { limit: number; windowMs: number }> = {
  account: { limit: MAX_FAILURES_PER_ACCOUNT, windowMs: FAILURE_WINDOW_MS },
  source: { limit: MAX_FAILURES_PER_SOURCE, windowMs: FAILURE_WINDOW_MS },
  device: { limit: MAX_FAILURES_PER_DEVICE, windowMs: FAILURE_WINDOW_MS },
  codes: { limit: MAX_CODE_FAILURES_PER_DAY, windowMs: CODE_WINDOW_MS },
  'reset-email': { limit: MAX_RESETS_PER_EMAIL, windowMs: RESET_WINDOW_MS },
  'reset-source': { limit: MAX_RESETS_PER_SOURCE, windowMs: RESET_WINDOW_MS },
}

/** The longest window any key is counted over: older attempts may be forgotten. */
export const LONGEST_ATTEMPT_WINDOW_MS = Math.max(...Object.values(LIMITS).map((l) => l.windowMs))

/**
 * The limits one guess of a password, a second-factor code or a recovery code is charged to.
 * From a device the account signed in from before, only that device's own limit applies: so
 * someone guessing from the same address, or guessing this account from anywhere, cannot stop
 * its owner's correct sign-in from their own browser. (A device token dies with the password
 * and authenticator it was issued under, so tokens kept back buy nothing once either
 * changes: see device-tokens.ts.) From anywhere else, the account's
 * limit and the source's apply, so guessing stays limited per account and per source; a code
 * also counts towards the account's daily limit on codes.
 */
export function guessLimits(input: {
  account: string
  source: string
  device: string | undefined
  isCode?: boolean | undefined
}): AttemptLimit[] {
  const keys: AttemptKey[] =
    input.device !== undefined
      ? [{ kind: 'device', value: input.device }]
      : [
          { kind: 'account', value: input.account },
          { kind: 'source', value: sourceKey(input.source) },
          ...(input.isCode === true ? [{ kind: 'codes' as const, value: input.account }] : []),
        ]
  return keys.map((key) => ({ key, ...LIMITS[key.kind] }))
}

/**
 * What a source address counts as: an IPv4 address itself; an IPv6 address by its /64, the
 * block one household or office is given, so that rotating through it buys nothing.
 */
export function sourceKey(address: string): string {
  if (!address.includes(':')) return address
  const groups = expandIpv6(address)
  return groups === undefined ? address : `${groups.slice(0, 4).join(':')}::/64`
}

function expandIpv6(address: string): string[] | undefined {
  const parts = address.toLowerCase().split('::')
  if (parts.length > 2) return undefined
  const [head = '', tail] = parts
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  if ([...left, ...right].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined
  const zeros = Array.from({ length: tail === undefined ? 0 : missing }, () => '0')
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, ''))
}

/** A one-time link (invitation, reset) that matches nothing is a guess from its source. */
export function linkGuessLimits(source: string): AttemptLimit[] {
  return [{ key: { kind: 'source', value: sourceKey(source) }, ...LIMITS.source }]
}

/** A password-reset request counts per e-mail address and per source. */
export function resetRequestLimits(input: { email: string; source: string }): AttemptLimit[] {
  return [
    { key: { kind: 'reset-email', value: input.email }, ...LIMITS['reset-email'] },
    { key: { kind: 'reset-source', value: sourceKey(input.source) }, ...LIMITS['reset-source'] },
  ]
}

/** What a refused guess is told: nothing about whether the account exists. */
export function throttledMessage(kind: AttemptKey['kind']): string {
  switch (kind) {
    case 'account':
      return 'This account is locked for 5 minutes after too many failed attempts.'
    case 'device':
      return 'Too many failed attempts from this browser; try again in 5 minutes.'
    case 'codes':
      return 'Too many wrong codes for this account today; try again tomorrow, or ask your coordinator.'
    case 'source':
      return 'Too many failed attempts from this address; try again in 5 minutes.'
    case 'reset-email':
    case 'reset-source':
      return 'Too many requests for a new password; try again in 15 minutes.'
  }
}

/** E-mail addresses compare case-insensitively and without surrounding space. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export function isPlausibleEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
}
