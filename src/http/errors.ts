import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorCode } from '../domain/errors.ts'

/** The one table from error code to HTTP status. */
export const STATUS_OF: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

/** The body of every error response: a code from the closed set and a safe message. */
export interface ErrorBody {
  error: {
    code: ErrorCode
    message: string
    field?: string
    requestId?: string
    /** The policy clauses behind a refusal. */
    clauses?: readonly string[]
  }
}

export function errorBody(
  code: ErrorCode,
  message: string,
  field?: string,
  requestId?: string,
  clauses?: readonly string[],
): ErrorBody {
  return {
    error: {
      code,
      message,
      ...(field === undefined ? {} : { field }),
      ...(requestId === undefined ? {} : { requestId }),
      ...(clauses === undefined ? {} : { clauses }),
    },
  }
}
