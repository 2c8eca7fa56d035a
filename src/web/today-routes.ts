import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import { sessionsOfDays } from '../app/day-sessions.ts'
import { listRegister } from '../app/disclosure-register.ts'
import { listDisposalRuns } from '../app/disposal-views.ts'
import { listGuidance } from '../app/guidance.ts'
import { listSubjectAccess } from '../app/subject-access.ts'
import { listWorkers } from '../app/workers.ts'
import { todayAtCentre } from '../app/case-access.ts'
import type { HavenEnv } from '../http/session.ts'
import { requirePage, signedInPage, unlessForbidden, signedInGet } from './page-kit.ts'
import { todayBody } from './today-page.ts'

/** The coordinator's and staff's pages: today at the centre, and the week ahead. */
export function todayRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  pages.get(
    '/today',
    signedInGet(async (c, actor) => {
      await requirePage(ctx, actor, 'see_all_families')
      const date = todayAtCentre(ctx)
      const [first, ...week] = await sessionsOfDays(ctx, actor, date, 7, {
        peopleOn: 'first day',
      })
      const body = todayBody({
        date,
        sessions: first?.sessions ?? [],
        week,
        workers: await unlessForbidden(() => listWorkers(ctx, actor)),
        subjectAccess: (await unlessForbidden(() => listSubjectAccess(ctx, actor, {}))) ?? [],
        disclosures: await unlessForbidden(() => listRegister(ctx, actor, { limit: 500 })),
        disposals: await unlessForbidden(() => listDisposalRuns(ctx, actor)),
        questions: (await unlessForbidden(() => listGuidance(ctx, actor)))?.filter(
          (q) => q.answer === null && !q.isMine,
        ).length,
      })
      return signedInPage(ctx, c, actor, { title: 'Today', current: '/today', body })
    }),
  )
  return pages
}
