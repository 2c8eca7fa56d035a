/**
 * The closed set of error codes Haven answers with. Every outer layer maps these, and only
 * these, to its own form (HTTP status, CLI exit code). Expected refusals are values, not
 * exceptions; `HavenError` is for what stops a use case.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'gone',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'rate_limited',
  'unavailable',
  'internal',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** A failure with a code from the closed set and a message safe to show: no personal data. */
export class HavenError extends Error {
  readonly code: ErrorCode
  /** Which input field was wrong, when one was (a path such as `body.name`). */
  readonly field: string | undefined
  /** The policy clauses behind a refusal, when the policy engine refused. */
  readonly clauses: readonly string[] | undefined

  constructor(code: ErrorCode, message: string, field?: string, clauses?: readonly string[]) {
    super(message)
    this.name = 'HavenError'
    this.code = code
    this.field = field
    this.clauses = clauses
  }
}

export function isHavenError(value: unknown): value is HavenError {
  return value instanceof HavenError
}
