/**
 * Safe retries (issue 15; docs/decisions/0030-idempotency-keys.md), after Stripe's
 * idempotency keys and the IETF draft "The Idempotency-Key HTTP Header Field": what a key may
 * be, how long it is kept, and which answers are kept for a retry. Pure.
 */

/** How long a key is kept: a retry later than this is a new request. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60_000

/**
 * How long a request may run before its reservation counts as abandoned (the process that ran
 * it stopped): a retry is then told the outcome is unknown instead of to wait.
 */
export const IDEMPOTENCY_RUNNING_LEASE_MS = 10 * 60_000

/** What a retry sent while the first copy still runs is told to wait, in seconds. */
export const IDEMPOTENCY_RETRY_AFTER_SECONDS = 1

/** 1 to 255 visible ASCII characters (a UUID is the usual choice). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

/** Why a key is refused, in words for the caller; undefined when it is a good key. */
export function idempotencyKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'the Idempotency-Key header is empty'
  if (key.length > 255) return 'the Idempotency-Key header is longer than 255 characters'
  if (!KEY_PATTERN.test(key))
    return 'the Idempotency-Key header may hold only visible ASCII characters (no spaces)'
  return undefined
}

/**
 * Whether an answer is kept for a retry: a success, or a refusal of the request as sent
 * (400: the same body is refused the same way). Everything else lets the key go, so the retry
 * runs: a fault (5xx) or a refusal that may change (401, 403, 404, 409, 429) wrote nothing.
 */
export function isAnswerKept(status: number): boolean {
  return (status >= 200 && status < 300) || status === 400
}

/**
 * Whether a page's answer to a form is kept: only the redirect after the form was taken (303).
 * A page (200, or a form shown again with its problem) is made afresh: it may show protected
 * data, and a form shown again carries a new token.
 */
export function isFormAnswerKept(status: number): boolean {
  return status === 303
}

/** What a request with a key already held is told, from that key's row. */
export type HeldKeyVerdict = 'replay' | 'different_request' | 'in_progress' | 'abandoned'

export function judgeHeldKey(
  held: { fingerprint: string; state: 'running' | 'done'; createdAt: string },
  fingerprint: string,
  now: Date,
): HeldKeyVerdict {
  if (held.fingerprint !== fingerprint) return 'different_request'
  if (held.state === 'done') return 'replay'
  return now.getTime() - Date.parse(held.createdAt) > IDEMPOTENCY_RUNNING_LEASE_MS
    ? 'abandoned'
    : 'in_progress'
}
