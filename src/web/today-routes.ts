import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import { sessionsOfDays } from '../app/day-sessions.ts'
import { listRegister } from '../app/disclosure-register.ts'
import { listDisposalRuns } from '../app/disposal-views.ts'
import { listGuidance } from '../app/guidance.ts'
import { listSubjectAccess } from '../app/subject-access.ts'
import { listWorkers } from '../app/workers.ts'
import { todayAtCentre } from '../app/case-access.ts'
import { isHavenError } from '../domain/errors.ts'
import type { HavenEnv } from '../http/session.ts'
import { pageActor, requirePageRole, signedInPage } from './page-kit.ts'
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

/** The coordinator's and staff's pages: today at the centre, and the week ahead. */
export function todayRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  pages.get('/today', async (c) => {
    const actor = pageActor(c)
    if (!actor) return c.redirect('/sign-in', 303)
    requirePageRole(actor, ['coordinator', 'staff'], 'the coordinator and staff')
    const date = todayAtCentre(ctx)
    const [first, ...week] = await sessionsOfDays(ctx, actor, date, 7)
    const body = todayBody({
      date,
      sessions: first?.sessions ?? [],
      week,
      workers: await ifAllowed(() => listWorkers(ctx, actor)),
      subjectAccess: (await ifAllowed(() => listSubjectAccess(ctx, actor, {}))) ?? [],
      disclosures: await ifAllowed(() => listRegister(ctx, actor, { limit: 500 })),
      disposals: await ifAllowed(() => listDisposalRuns(ctx, actor)),
      questions: (await ifAllowed(() => listGuidance(ctx, actor)))?.filter(
        (q) => q.answer === null && !q.isMine,
      ).length,
    })
    return signedInPage(ctx, c, actor, { title: 'Today', current: '/today', body })
  })
  return pages
}
