import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import type { DatabaseFault } from '../app/faults.ts'
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

/**
 * How each database fault is answered (docs/decisions/0029-overload-and-faults.md): 503 with
 * Retry-After (seconds) for what passes by itself, 409 for a collision to send again. The
 * message says what to do, and names nothing of the data.
 */
export const FAULT_ANSWERS: Readonly<
  Record<
    DatabaseFault,
    {
      code: ErrorCode
      retryAfterSeconds: number | undefined
      message: string
      level: 'warn' | 'error'
    }
  >
> = {
  busy: {
    code: 'unavailable',
    retryAfterSeconds: 2,
    message: 'Haven is busy just now; nothing was changed, try again in a moment',
    level: 'warn',
  },
  unavailable: {
    code: 'unavailable',
    retryAfterSeconds: 10,
    message: 'Haven cannot reach its database just now; try again shortly',
    level: 'error',
  },
  disk_full: {
    code: 'unavailable',
    retryAfterSeconds: 60,
    message: 'Haven cannot save anything just now; nothing was changed, try again later',
    level: 'error',
  },
  io_error: {
    code: 'unavailable',
    retryAfterSeconds: 60,
    message: 'Haven cannot read or save its records just now; try again later',
    level: 'error',
  },
  conflict: {
    code: 'conflict',
    retryAfterSeconds: undefined,
    message: 'this changed at the same moment as another change; nothing was saved, try again',
    level: 'warn',
  },
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
