import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import { sessionsOfDays } from '../app/day-sessions.ts'
import { listRegister } from '../app/disclosure-register.ts'
import { listDisposalRuns } from '../app/disposal-views.ts'
import { listGuidance } from '../app/guidance.ts'
import { listUndeliveredMessages } from '../app/outbox.ts'
import { listSubjectAccess } from '../app/subject-access.ts'
import { listWorkers } from '../app/workers.ts'
import { todayAtCentre } from '../app/case-access.ts'
import { onePageRead, pageTogether } from '../app/in-centre.ts'
import type { HavenEnv } from '../http/session.ts'
import {
  readPageFrame,
  requirePage,
  signedInGet,
  signedInPage,
  unlessForbidden,
} from './page-kit.ts'
import { todayBody } from './today-page.ts'

/** The coordinator's and staff's pages: today at the centre, and the week ahead. */
export function todayRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  pages.get(
    '/today',
    signedInGet(async (c, actor) => {
      const date = todayAtCentre(ctx)
      // One snapshot for the whole page: one transaction, the policy read once.
      const { input, frame } = await onePageRead(ctx, actor.centreId, async (page) => {
        await requirePage(page, actor, 'see_all_families')
        // The page's parts read at once (pageTogether): none depends on another.
        const [
          days,
          questions,
          workers,
          subjectAccess,
          disclosures,
          disposals,
          undelivered,
          frame,
        ] = await pageTogether(
          page,
          (p) => sessionsOfDays(p, actor, date, 7, { peopleOn: 'first day' }),
          (p) => unlessForbidden(() => listGuidance(p, actor)),
          (p) => unlessForbidden(() => listWorkers(p, actor)),
          (p) => unlessForbidden(() => listSubjectAccess(p, actor, {})),
          (p) => unlessForbidden(() => listRegister(p, actor, { limit: 500 })),
          (p) => unlessForbidden(() => listDisposalRuns(p, actor)),
          (p) => unlessForbidden(() => listUndeliveredMessages(p, actor)),
          (p) => readPageFrame(p, actor),
        )
        const [first, ...week] = days
        return {
          input: {
            date,
            sessions: first?.sessions ?? [],
            week,
            workers,
            subjectAccess: subjectAccess ?? [],
            disclosures,
            disposals,
            questions: questions?.filter((q) => q.answer === null && !q.isMine).length,
            undelivered: undelivered?.length,
          },
          frame,
        }
      })
      return signedInPage(ctx, c, actor, {
        title: 'Today',
        current: '/today',
        body: todayBody(input),
        frame,
      })
    }),
  )
  return pages
}
