import { randomUUID } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { IMPORT_BODY_LIMIT_BYTES, IMPORT_CONFIRM_LIMIT_BYTES } from '../app/import-files.ts'
import { HTTPException } from 'hono/http-exception'
import { routePath } from 'hono/route'
import type { AppContext } from '../app/context.ts'
import { databaseFaultOf } from '../app/faults.ts'
import { checkHealth } from '../app/health.ts'
import { isHavenError } from '../domain/errors.ts'
import { describeErrorForLog, type Log } from '../logger.ts'
import { errorBody, FAULT_ANSWERS, STATUS_OF } from './errors.ts'
import { securityHeaders } from './security-headers.ts'
import { authRoutes } from './auth-routes.ts'
import { memberRoutes } from './member-routes.ts'
import { AUTH_ROUTES } from './auth-routes.ts'
import { caseRoutes, CASE_ROUTES } from './case-routes.ts'
import { sessionRoutes, SESSION_ROUTES } from './session-routes.ts'
import { recordRoutes, RECORD_ROUTES } from './record-routes.ts'
import { outwardRoutes, OUTWARD_ROUTES } from './outward-routes.ts'
import { retentionRoutes, RETENTION_ROUTES } from './retention-routes.ts'
import { subjectAccessRoutes, SUBJECT_ACCESS_ROUTES } from './subject-access-routes.ts'
import { MEMBER_ROUTES } from './member-routes.ts'
import { openApiDocument, openApiOutput, type RouteSpec } from './api-spec.ts'
import { policyRoutes, POLICY_ROUTES } from './policy-routes.ts'
import { listingRoutes, LISTING_ROUTES } from './listing-routes.ts'
import { centreExportRoutes, CENTRE_EXPORT_ROUTES } from './centre-export-routes.ts'
import { statisticsRoutes, STATISTICS_ROUTES } from './statistics-routes.ts'
import { sessionMiddleware, type HavenEnv } from './session.ts'
import { apiIdempotency } from './idempotency.ts'

export interface HttpOptions {
  bodyLimitBytes: number
  isBehindTls: boolean
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client. */
  trustedProxies?: readonly string[] | undefined
  /** The pages (src/web), mounted at / behind the same middleware. */
  pages?: Hono<HavenEnv>
  /** A refusal or error as a page, for a browser asking for a page (not the API). */
  errorPage?: (c: Context<HavenEnv>, status: number, message: string) => Promise<string>
}

export type { HavenEnv }

/** Every API route, described: the OpenAPI document and the route-walking tests use this. */
export const API_ROUTES: readonly RouteSpec[] = [
  ...AUTH_ROUTES,
  ...MEMBER_ROUTES,
  ...POLICY_ROUTES,
  ...CASE_ROUTES,
  ...SESSION_ROUTES,
  ...RECORD_ROUTES,
  ...OUTWARD_ROUTES,
  ...RETENTION_ROUTES,
  ...SUBJECT_ACCESS_ROUTES,
  ...LISTING_ROUTES,
  ...CENTRE_EXPORT_ROUTES,
  ...STATISTICS_ROUTES,
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document',
    tag: 'api',
    access: 'public',
    response: openApiOutput,
    success: 200,
  },
]

/**
 * The whole HTTP surface: JSON API, health check and pages, behind one set of middleware
 * (request id, access log, security headers, body limit) and one error handler. Tests call
 * `app.request()` without opening a port.
 */
export function createHttpApp(ctx: AppContext, log: Log, options: HttpOptions): Hono<HavenEnv> {
  const app = new Hono<HavenEnv>()

  app.use(async (c, next) => {
    const requestId = randomUUID()
    c.set('requestId', requestId)
    c.set('reportLateError', (error: unknown) => {
      log.error({ requestId, ...describeErrorForLog(error) }, 'work after the answer failed')
    })
    const started = performance.now()
    await next()
    c.res.headers.set('X-Request-Id', requestId)
    log.info(
      {
        requestId,
        method: c.req.method,
        route: routePath(c),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    )
  })
  app.use(securityHeaders({ isBehindTls: options.isBehindTls }))
  // A centre's spreadsheets (the import page) may be larger than any form; nothing else is.
  const limitOf = (maxSize: number, pageMessage?: string) =>
    bodyLimit({
      maxSize,
      onError: async (c: Context<HavenEnv>) => {
        // A form on a page is answered as a page a person can act on, not as JSON.
        if (options.errorPage && !c.req.path.startsWith('/api/')) {
          c.header('Cache-Control', 'no-store')
          return c.html(
            await options.errorPage(
              c,
              413,
              pageMessage ??
                `what you sent is larger than ${String(Math.floor(maxSize / 1024))} KB, so nothing was saved. Go back to the form (what you typed is still there), shorten the longest answer, and send it again`,
            ),
            413,
          )
        }
        return c.json(
          errorBody(
            'payload_too_large',
            `the request body is larger than ${String(maxSize)} bytes`,
          ),
          413,
        )
      },
    })
  const formLimit = limitOf(options.bodyLimitBytes)
  const megabytes = String(IMPORT_BODY_LIMIT_BYTES / 1024 / 1024)
  const tooLargeToImport = `the files you sent are larger than ${megabytes} MB together, so nothing was saved. Split them (fewer rows in each file, or a file for each sheet) and check them again`
  const uploadLimit = limitOf(
    Math.max(options.bodyLimitBytes, IMPORT_BODY_LIMIT_BYTES),
    tooLargeToImport,
  )
  // "Import" sends the checked files back sealed: a third larger, base64-encoded.
  const confirmLimit = limitOf(
    Math.max(options.bodyLimitBytes, IMPORT_CONFIRM_LIMIT_BYTES),
    tooLargeToImport,
  )
  const importPost = (c: Context<HavenEnv>): 'upload' | 'confirm' | undefined =>
    c.req.method !== 'POST'
      ? undefined
      : c.req.path === '/centre/import'
        ? 'upload'
        : c.req.path === '/centre/import/confirm'
          ? 'confirm'
          : undefined
  app.use((c, next) => (importPost(c) === undefined ? formLimit(c, next) : next()))

  app.use(
    sessionMiddleware(ctx, {
      isBehindTls: options.isBehindTls,
      trustedProxies: options.trustedProxies,
    }),
  )
  // The import's larger limit is for someone signed in; anyone else gets the form limit, so
  // no more than it is read before they are refused (review of 2026-12-02, finding 4).
  app.use((c, next) => {
    const kind = importPost(c)
    if (kind === undefined) return next()
    const view = c.get('session')
    const isSignedIn = view !== undefined && !view.session.isSecondFactorPending
    return (!isSignedIn ? formLimit : kind === 'upload' ? uploadLimit : confirmLimit)(c, next)
  })
  // Safe retries: a POST sent with an Idempotency-Key runs once (decision 0030).
  app.use('/api/*', apiIdempotency(ctx, API_ROUTES))
  app.route('/', authRoutes(ctx, { isBehindTls: options.isBehindTls }))
  app.route('/', memberRoutes(ctx))
  app.route('/', policyRoutes(ctx))
  app.route('/', caseRoutes(ctx))
  app.route('/', sessionRoutes(ctx))
  app.route('/', recordRoutes(ctx))
  app.route('/', outwardRoutes(ctx))
  app.route('/', retentionRoutes(ctx))
  app.route('/', subjectAccessRoutes(ctx))
  app.route('/', listingRoutes(ctx))
  app.route('/', centreExportRoutes(ctx))
  app.route('/', statisticsRoutes(ctx))

  const openApi = JSON.stringify(openApiDocument(API_ROUTES))
  app.get('/api/openapi.json', (c) => {
    c.header('Content-Type', 'application/json')
    c.header('Cache-Control', 'public, max-age=300')
    return c.body(openApi)
  })

  // Whether Haven can serve, and nothing else: no version, no engine (V13.4.6).
  app.get('/healthz', async (c) => {
    try {
      return c.json(await checkHealth(ctx))
    } catch (error) {
      log.error(
        {
          requestId: c.get('requestId'),
          ...describeErrorForLog(error),
          ...databaseFaultOf(error)?.logFields,
        },
        'health check failed',
      )
      c.header('Retry-After', '10')
      return c.json({ status: 'unavailable' }, 503)
    }
  })

  if (options.pages) app.route('/', options.pages)

  app.notFound(async (c) => {
    if (options.errorPage && !c.req.path.startsWith('/api/')) {
      c.header('Cache-Control', 'no-store')
      return c.html(await options.errorPage(c, 404, 'there is no page at this address'), 404)
    }
    return c.json(errorBody('not_found', 'no such address', undefined, c.get('requestId')), 404)
  })

  app.onError(async (error, c) => {
    const requestId = c.get('requestId')
    if (isHavenError(error)) {
      if (options.errorPage && !c.req.path.startsWith('/api/')) {
        c.header('Cache-Control', 'no-store')
        return c.html(
          await options.errorPage(c, STATUS_OF[error.code], error.message),
          STATUS_OF[error.code],
        )
      }
      return c.json(
        errorBody(error.code, error.message, error.field, requestId, error.clauses),
        STATUS_OF[error.code],
      )
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.status === 413 ? 'payload_too_large' : 'invalid_input'
      return c.json(
        errorBody(code, 'the request could not be read', undefined, requestId),
        STATUS_OF[code],
      )
    }
    if (isClientGone(c, error)) {
      // The client hung up while its request was read: nothing went wrong here, and nobody
      // is left to answer. Noted at info level, so it raises no alarm.
      log.info({ requestId, route: routePath(c), errorCode: errorCodeOf(error) }, 'client gone')
      return c.json(
        errorBody('invalid_input', 'the request ended before its body', undefined, requestId),
        400,
      )
    }
    const fault = databaseFaultOf(error)
    if (fault) {
      // Overload and faults are answered, not crashed (0029): the real cause goes to the log,
      // and the person is told to try again, with Retry-After when waiting will help.
      const answer = FAULT_ANSWERS[fault.fault]
      log[answer.level](
        { requestId, route: routePath(c), ...fault.logFields, ...describeErrorForLog(error) },
        'database fault',
      )
      if (answer.retryAfterSeconds !== undefined)
        c.header('Retry-After', String(answer.retryAfterSeconds))
      const status = STATUS_OF[answer.code]
      if (options.errorPage && !c.req.path.startsWith('/api/')) {
        c.header('Cache-Control', 'no-store')
        return c.html(await options.errorPage(c, status, answer.message), status)
      }
      return c.json(errorBody(answer.code, answer.message, undefined, requestId), status)
    }
    log.error({ requestId, route: routePath(c), ...describeErrorForLog(error) }, 'unhandled error')
    return c.json(
      errorBody(
        'internal',
        'something went wrong; the request id identifies it in the log',
        undefined,
        requestId,
      ),
      500,
    )
  })

  return app
}

/** Stream errors Node gives when a connection closes under a request being read. */
const CLIENT_GONE_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
])

function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Whether an error is only the client disconnecting: the request's own signal says the
 * connection closed (the Node server aborts it then), and the error is the stream's, not a
 * failure of Haven's (a database connection reset leaves the request's signal alone).
 */
function isClientGone(c: Context<HavenEnv>, error: unknown): boolean {
  if (!c.req.raw.signal.aborted) return false
  const code = errorCodeOf(error)
  return (
    (code !== undefined && CLIENT_GONE_CODES.has(code)) ||
    (error instanceof Error && error.name === 'AbortError')
  )
}
