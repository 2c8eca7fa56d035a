import type { MiddlewareHandler } from 'hono'
import type { AppContext } from '../app/context.ts'
import { idempotencyKeyProblem } from '../domain/idempotency.ts'
import { runOnce } from '../http/idempotency.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'

/** The hidden field every form made with `postForm` carries: a token new with each page. */
export const FORM_ONCE_FIELD = '_once'

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/**
 * A form sent twice (a double click, a reload of the answer to a POST) is taken once
 * (decision 0030): a signed-in person's form with a `_once` token runs under that token as an
 * idempotency key, and a second copy follows the first one's redirect. The session's `_csrf`
 * token could not serve: it is the same on every form of the session. A form without the
 * token, or from someone not fully signed in, goes on as before, to be refused or taken by
 * its route.
 */
export function formsOnce(ctx: AppContext): MiddlewareHandler<HavenEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST' || c.req.path.startsWith('/api/')) return next()
    if (!FORM_TYPES.test(c.req.header('content-type') ?? '')) return next()
    if (c.get('session') === undefined) return next()
    const body = new Uint8Array(await c.req.arrayBuffer())
    let once: unknown
    let csrf: unknown
    try {
      const form = await c.req.formData()
      once = form.get(FORM_ONCE_FIELD)
      csrf = form.get('_csrf')
    } catch {
      return next() // the route answers a form it cannot read
    }
    if (typeof once !== 'string' || idempotencyKeyProblem(once) !== undefined) return next()
    let actor
    try {
      actor = requireActor(c, typeof csrf === 'string' ? csrf : '')
    } catch {
      return next() // the route refuses it as it always has
    }
    return runOnce(ctx, c, next, { actor, key: once, body, from: 'form' })
  }
}
