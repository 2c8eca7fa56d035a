import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppContext } from '../app/context.ts'
import { sessionsOfDay } from '../app/day-sessions.ts'
import { listRegister } from '../app/disclosure-register.ts'
import { listDisposalRuns } from '../app/disposal-views.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import { requireFullSession } from '../app/sign-in.ts'
import { listSubjectAccess } from '../app/subject-access.ts'
import { listWorkers } from '../app/workers.ts'
import { todayAtCentre } from '../app/case-access.ts'
import { findAccountSummary } from '../app/account-summary.ts'
import { isHavenError } from '../domain/errors.ts'
import type { HavenEnv } from '../http/session.ts'
import { html } from './html.ts'
import { layout } from './layout.ts'
import { navigation } from './navigation.ts'
import { todayBody } from './today-page.ts'

/** A section the reader's roles may not see is left out, not an error. */
async function ifAllowed<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work()
  } catch (error) {
    if (isHavenError(error) && error.code === 'forbidden') return undefined
    throw error
  }
}

/** The coordinator's and staff's pages: today at the centre. */
export function todayRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  pages.get('/today', async (c: Context<HavenEnv>) => {
    const view = c.get('session')
    if (!view || view.session.isSecondFactorPending) return c.redirect('/sign-in', 303)
    const actor = requireFullSession(view)
    c.header('Cache-Control', 'no-store')
    const summary = await findAccountSummary(ctx, actor)
    const nav = navigation({
      roles: actor.roles,
      current: '/today',
      csrf: csrfTokenFor(c.get('sessionToken') ?? ''),
    })
    if (!actor.roles.some((r) => r === 'coordinator' || r === 'staff'))
      return c.html(
        layout(
          'Not available',
          html`<h1 class="govuk-heading-l">This page is for the coordinator and staff</h1>`,
          html`Haven`,
          {
            centreName: summary.centreName,
            navigation: nav,
          },
        ).value,
        403,
      )
    const body = todayBody({
      date: todayAtCentre(ctx),
      sessions: await sessionsOfDay(ctx, actor, undefined),
      workers: await ifAllowed(() => listWorkers(ctx, actor)),
      subjectAccess: (await ifAllowed(() => listSubjectAccess(ctx, actor, {}))) ?? [],
      disclosures: await ifAllowed(() => listRegister(ctx, actor, { limit: 500 })),
      disposals: await ifAllowed(() => listDisposalRuns(ctx, actor)),
    })
    return c.html(
      layout('Today', body, html`Haven`, { centreName: summary.centreName, navigation: nav }).value,
    )
  })
  return pages
}
