import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppContext } from '../app/context.ts'
import { sessionsOfDay } from '../app/day-sessions.ts'
import { recordAtDoor } from '../app/door.ts'
import { requireFullSession } from '../app/sign-in.ts'
import { isHavenError } from '../domain/errors.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { doorBody } from './door-page.ts'
import { formField, readForm } from './forms.ts'
import { pageCsrf, requirePage, signedInPage } from './page-kit.ts'

/**
 * The door, on a phone: a worker's sessions of the day, and signing people in and out.
 * Plain forms (no script needed); after each, the page again with what happened.
 */
export function doorRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const render = async (
    c: Context<HavenEnv>,
    message?: { kind: 'success' | 'warning' | 'error'; lines: string[] },
    status: 200 | 400 | 409 = 200,
  ) => {
    const actor = requireFullSession(c.get('session'))
    await requirePage(ctx, actor, 'work_sessions')
    const sessions = await sessionsOfDay(ctx, actor, undefined)
    return signedInPage(ctx, c, actor, {
      title: 'My sessions today',
      current: '/my-sessions',
      status,
      body: doorBody({ sessions, csrf: pageCsrf(c), message }),
    })
  }

  pages.get('/my-sessions', async (c) => {
    const view = c.get('session')
    if (!view || view.session.isSecondFactorPending) return c.redirect('/sign-in', 303)
    return render(c)
  })

  pages.post('/my-sessions/:sessionId/door', async (c) => {
    const form = await readForm(c)
    const actor = requireActor(c, formField(form._csrf))
    const what = formField(form.what) === 'departed' ? 'departed' : 'arrived'
    try {
      const done = await recordAtDoor(ctx, actor, c.req.param('sessionId'), {
        what,
        personId: formField(form.personId),
      })
      return await render(c, {
        kind: done.warnings.length === 0 ? 'success' : 'warning',
        lines: [what === 'arrived' ? 'Signed in.' : 'Signed out.', ...done.warnings],
      })
    } catch (error) {
      if (!isHavenError(error) || !['conflict', 'invalid_input', 'not_found'].includes(error.code))
        throw error
      return render(
        c,
        { kind: 'error', lines: [error.message] },
        error.code === 'conflict' ? 409 : 400,
      )
    }
  })
  return pages
}
