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

export function isThrottled(
  failuresForAccount: number,
  failuresFromSource: number,
): 'account' | 'source' | undefined {
  if (failuresForAccount >= MAX_FAILURES_PER_ACCOUNT) return 'account'
  if (failuresFromSource >= MAX_FAILURES_PER_SOURCE) return 'source'
  return undefined
}

/** E-mail addresses compare case-insensitively and without surrounding space. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export function isPlausibleEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
}
