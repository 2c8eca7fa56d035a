import { z } from 'zod'
import { errorBodyFor } from './errors.ts'

/**
 * What each API route is, for the OpenAPI document at /api/openapi.json and for the tests
 * that walk every route (the authorization matrix, the marker test). Each route module
 * exports its specs beside its handlers; a test fails when a route has no spec.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** Hono's form: /api/families/:familyId */
  path: string
  summary: string
  tag: string
  /** public: no session; signed_in: a full session (and the CSRF token for changes). */
  access: 'public' | 'signed_in' | 'session_any_state'
  /** The use case's input (src/app/contracts): the request body. */
  body?: z.ZodType
  query?: z.ZodType
  /** The use case's output shape (src/app/contracts): the success body as JSON. */
  response?: z.ZodType
  /** A document rather than JSON: its media type (a PDF, a CSV file, or JSON lines). */
  produces?: 'application/pdf' | 'text/csv' | 'application/x-ndjson'
  /** The statuses a caller should expect besides the errors every route can give. */
  success: 200 | 201 | 202 | 204
  /** By default from the method and path: post /api/referrals/:referralId/status → postReferralStatus. */
  operationId?: string
  /**
   * False where a signed-in POST does not take an Idempotency-Key (decision 0030): its answer
   * holds a secret or contact details, which are not kept, and repeating it is harmless.
   */
  idempotencyKey?: false
}

/**
 * Whether a route takes an Idempotency-Key header (decision 0030): every POST of a signed-in
 * person, unless its spec says otherwise. A retry with the key gets the first answer.
 */
export function takesIdempotencyKey(spec: RouteSpec): boolean {
  return spec.method === 'post' && spec.access === 'signed_in' && spec.idempotencyKey !== false
}

/** A route for a signed-in person (a full session, and the CSRF token for a change). */
export function signedInRoute(
  method: RouteSpec['method'],
  path: string,
  summary: string,
  tag: string,
  success: RouteSpec['success'],
  extra: Pick<RouteSpec, 'body' | 'response' | 'query' | 'produces'> = {},
): RouteSpec {
  return { method, path, summary, tag, access: 'signed_in', success, ...extra }
}

/**
 * The operation's id: its method, then each fixed word of its path after /api/ in camel case,
 * parameters left out (get /api/families/:familyId → getFamilies, with "One" added where a
 * parameter ends the path: getFamiliesOne).
 */
export function operationIdOf(spec: Pick<RouteSpec, 'method' | 'path' | 'operationId'>): string {
  if (spec.operationId !== undefined) return spec.operationId
  const parts = spec.path.replace(/^\/api\//, '').split('/')
  const words = parts
    .filter((part) => !part.startsWith(':'))
    .flatMap((part) => part.split(/[^a-zA-Z0-9]+/))
    .filter((word) => word !== '')
  const endsWithParameter = parts.at(-1)?.startsWith(':') === true
  return [spec.method, ...words, ...(endsWithParameter ? ['one'] : [])]
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('')
}

/**
 * The error statuses an operation can answer: those of every route (no session, refused,
 * not found, a conflict, too many guesses, a fault, not available), and those of a route
 * that reads input (invalid input; a body too large or not JSON) or follows a link that
 * can expire (gone).
 */
export function errorStatusesOf(spec: RouteSpec): number[] {
  const hasParameters = spec.path.includes(':') || spec.query !== undefined
  const statuses = [401, 403, 404, 409, 429, 500, 503]
  if (spec.body !== undefined || hasParameters) statuses.push(400)
  if (spec.body !== undefined) statuses.push(413, 415)
  if (spec.tag === 'accounts') statuses.push(410)
  if (takesIdempotencyKey(spec)) statuses.push(422)
  return statuses.sort((a, b) => a - b)
}

/** This document's own shape, for its own route: OpenAPI 3.1, in outline. */
export const openApiOutput = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  servers: z.array(z.looseObject({ url: z.string() })),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.record(z.string(), z.unknown()),
})

const ERROR_WORDS: Readonly<Record<number, string>> = {
  400: 'the input was not valid: the field named, and what is wrong with it',
  401: 'not signed in, or the sign-in was not accepted',
  403: "refused: by the centre's policy (with its clauses) or by the person's roles",
  404: 'no such record, or one this person may not see',
  409: 'a conflict: the record changed since it was read, or its state does not allow this',
  410: 'the link has expired or was used already',
  413: 'the request body is too large',
  415: 'the body was not sent as application/json',
  422: 'the Idempotency-Key was used already, for a different request',
  429: 'too many attempts: try again later',
  500: 'something went wrong; the request id identifies it in the log',
  503: 'Haven cannot serve at the moment (busy, or its database is away or full): nothing to fix in the request; send it again after the seconds in the Retry-After header',
}

/** Sent with every 503 (decision 0029). */
const RETRY_AFTER_HEADER = {
  description: 'how many seconds to wait before sending the request again',
  schema: { type: 'integer', minimum: 1 },
}

/** An OpenAPI 3.1 document for the routes, their bodies and responses, from the zod schemas. */
export function openApiDocument(specs: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  const errorSchemas: Record<string, unknown> = {}
  for (const spec of specs) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}')
    const parameters = [...spec.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    const query = spec.query ? queryParameters(spec.query) : []
    const headers = takesIdempotencyKey(spec) ? [IDEMPOTENCY_KEY_PARAMETER] : []
    const errors: Record<string, unknown> = {}
    for (const status of errorStatusesOf(spec)) {
      const name = `Error${String(status)}`
      errorSchemas[name] ??= jsonSchema(errorBodyFor(status), 'output')
      errors[String(status)] = {
        description: ERROR_WORDS[status] ?? 'an error',
        ...(status === 503 ? { headers: { 'Retry-After': RETRY_AFTER_HEADER } } : {}),
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
      }
    }
    paths[path] ??= {}
    paths[path][spec.method] = {
      operationId: operationIdOf(spec),
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.access === 'public' ? { security: [] } : {}),
      ...(parameters.length + query.length + headers.length > 0
        ? { parameters: [...parameters, ...query, ...headers] }
        : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(spec.success)]: successResponse(spec),
        ...errors,
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Haven',
      // The document's own version, not Haven's release: a public document tells a stranger
      // nothing about which release (and which known faults) an installation runs.
      version: '1',
      description:
        "Records for a child contact centre, with the centre's confidentiality policy enforced on every path. Every response shows only what the policy's decision allows.",
    },
    // Relative: the API is served by the installation that serves this document.
    servers: [{ url: '/', description: 'this installation' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'haven_session' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      },
      schemas: errorSchemas,
    },
    security: [{ session: [], csrf: [] }],
    paths,
  }
}

/** The header of decision 0030, as every operation that takes it describes it. */
const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: 1 to 255 visible ASCII characters (a new UUID per request). The same request sent again with the same key within 24 hours writes nothing and gets the first answer again (2xx or 400), with the header Idempotent-Replayed: true; a different request with the key is refused (422); a copy sent while the first still runs gets 409 with Retry-After. The key belongs to the signed-in account at its centre.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
}

const PRODUCED: Readonly<Record<NonNullable<RouteSpec['produces']>, string>> = {
  'text/csv': 'a CSV file',
  'application/pdf': 'a PDF document',
  'application/x-ndjson': 'JSON lines, written as they are read',
}

function successResponse(spec: RouteSpec): Record<string, unknown> {
  if (spec.success === 204) return { description: 'done; no body' }
  if (spec.produces)
    return {
      description: PRODUCED[spec.produces],
      content: { [spec.produces]: { schema: { type: 'string', contentMediaType: spec.produces } } },
    }
  return {
    description: 'done',
    ...(spec.response
      ? { content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } } }
      : {}),
  }
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  delete json['$schema']
  return json
}

function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, unknown>
    required?: string[]
  }
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }))
}
