import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import { ERROR_CODES, type ErrorCode } from '../domain/errors.ts'

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
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

/** The body of every error response: a code from the closed set and a safe message. */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    /** Which input field was wrong, as a path (`body.children.0.givenName`). */
    field: z.string().optional(),
    requestId: z.string().optional(),
    /** The policy clauses behind a refusal. */
    clauses: z.array(z.string()).readonly().optional(),
  }),
})

export type ErrorBody = z.infer<typeof errorBodySchema>

/** The error body for one status: its code is the one the table maps to that status. */
export function errorBodyFor(status: number): z.ZodType {
  const codes = ERROR_CODES.filter((code) => STATUS_OF[code] === status)
  return errorBodySchema.extend({
    error: errorBodySchema.shape.error.extend({ code: z.enum(codes) }),
  })
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
