import type { Context, MiddlewareHandler } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import {
  keepIdempotentAnswer,
  releaseIdempotencyKey,
  reserveIdempotencyKey,
  type KeptAnswer,
} from '../app/idempotency.ts'
import {
  IDEMPOTENCY_RETRY_AFTER_SECONDS,
  idempotencyKeyProblem,
  isAnswerKept,
  isFormAnswerKept,
} from '../domain/idempotency.ts'
import { HavenError } from '../domain/errors.ts'
import { takesIdempotencyKey, type RouteSpec } from './api-spec.ts'
import { errorBody } from './errors.ts'
import { requireActor, type HavenEnv } from './session.ts'

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key'
export const REPLAYED_HEADER = 'Idempotent-Replayed'

/**
 * Safe retries for the API (issue 15; decision 0030): a POST of a signed-in person sent with an
 * Idempotency-Key holds the key while it runs, then keeps its answer for a day. The same
 * request again gets that answer (Idempotent-Replayed: true) and runs nothing, so it writes
 * nothing and audits nothing; a different request with the key is refused (422); a copy sent
 * while the first runs is told to retry (409, Retry-After). A fault or a refusal that may
 * change lets the key go, so the retry runs. Routes that do not take a key ignore the header.
 */
export function apiIdempotency(
  ctx: AppContext,
  routes: readonly RouteSpec[],
): MiddlewareHandler<HavenEnv> {
  const patterns = routes.filter(takesIdempotencyKey).map((spec) => pathPattern(spec.path))
  return async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_KEY_HEADER)
    if (c.req.method !== 'POST' || key === undefined) return next()
    if (!patterns.some((pattern) => pattern.test(c.req.path))) return next()
    const problem = idempotencyKeyProblem(key)
    if (problem !== undefined)
      throw new HavenError('invalid_input', problem, 'header.Idempotency-Key')
    const actor = requireActor(c)
    const body = new Uint8Array(await c.req.arrayBuffer())
    return runOnce(ctx, c, next, { actor, key, body, from: 'api' })
  }
}

/** How long a form sent again waits for the first copy to finish before it is refused. */
const FORM_WAIT_MS = 10_000
const FORM_POLL_MS = 100

/**
 * Runs a request once for its key: reserves it, then replays, refuses or runs it, and keeps
 * or lets go of the key by the answer. Shared by the API (the Idempotency-Key header; a copy
 * sent while the first runs is told to retry) and the pages (a form's `_once` token; a copy
 * waits for the first, since a browser shows the answer to the last click, and only the
 * redirect after a form was taken is kept, never a page).
 */
export async function runOnce(
  ctx: AppContext,
  c: Context<HavenEnv>,
  next: () => Promise<void>,
  request: { actor: Actor; key: string; body: Uint8Array; from: 'api' | 'form' },
): Promise<Response | undefined> {
  const reserve = () =>
    reserveIdempotencyKey(ctx, request.actor, {
      key: request.key,
      method: c.req.method,
      path: c.req.path,
      body: request.body,
    })
  let outcome = await reserve()
  const waitUntil = performance.now() + (request.from === 'form' ? FORM_WAIT_MS : 0)
  while (outcome.kind === 'in_progress' && performance.now() < waitUntil) {
    await new Promise((resolve) => setTimeout(resolve, FORM_POLL_MS))
    outcome = await reserve()
  }
  const isForm = request.from === 'form'
  switch (outcome.kind) {
    case 'replay':
      return replay(outcome.answer)
    case 'different_request':
      throw new HavenError(
        'unprocessable',
        isForm
          ? 'this form was sent already with other answers; open the page again to send it anew'
          : 'this Idempotency-Key was used already for a different request; send a new key with a new request',
        isForm ? undefined : 'header.Idempotency-Key',
      )
    case 'in_progress':
      if (isForm)
        throw new HavenError(
          'conflict',
          'this form is still being sent; wait a moment, then look whether it was taken',
        )
      return c.json(
        errorBody(
          'conflict',
          'a request with this Idempotency-Key is still running; try again in a moment',
          'header.Idempotency-Key',
          c.get('requestId'),
        ),
        409,
        { 'Retry-After': String(IDEMPOTENCY_RETRY_AFTER_SECONDS) },
      )
    case 'abandoned':
      throw new HavenError(
        'conflict',
        isForm
          ? 'this form was sent before and did not finish; look whether it was taken before sending it again from its page'
          : 'a request with this Idempotency-Key did not finish, and whether it made its change is not known; look before sending it again with a new key',
        isForm ? undefined : 'header.Idempotency-Key',
      )
    case 'run':
      break
  }
  await next()
  try {
    if ((isForm ? isFormAnswerKept : isAnswerKept)(c.res.status)) {
      await keepIdempotentAnswer(ctx, outcome.reservation, await answerOf(c.res))
    } else {
      await releaseIdempotencyKey(ctx, outcome.reservation)
    }
  } catch (error) {
    // The request has run and its answer goes to the caller; a retry will be told the outcome
    // is unknown once the reservation's lease has passed.
    c.get('reportLateError')(error)
  }
  return undefined
}

async function answerOf(response: Response): Promise<KeptAnswer> {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    location: response.headers.get('location'),
    body: Buffer.from(await response.clone().arrayBuffer()),
  }
}

function replay(answer: KeptAnswer): Response {
  const headers = new Headers({ [REPLAYED_HEADER]: 'true', 'Cache-Control': 'no-store' })
  if (answer.contentType !== null) headers.set('Content-Type', answer.contentType)
  if (answer.location !== null) headers.set('Location', answer.location)
  const isBodiless = answer.status === 204 || answer.status === 303
  return new Response(isBodiless ? null : new Uint8Array(answer.body), {
    status: answer.status,
    headers,
  })
}

/** A Hono path ("/api/members/:accountId/disable") as a pattern matching concrete paths. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}$`)
}
