import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import { todayAtCentre } from '../app/case-access.ts'
import type { AppContext } from '../app/context.ts'
import { sessionsOfDays } from '../app/day-sessions.ts'
import { readRegister } from '../app/door.ts'
import { listReferralSummaries } from '../app/referral-views.ts'
import { listRooms } from '../app/rooms.ts'
import { bookSession, closeSession } from '../app/sessions.ts'
import { assignWorker, listWorkers } from '../app/workers.ts'
import { pageTogether } from '../app/in-centre.ts'
import { addDays, dayOfWeek, daysBetween, isIsoDate } from '../domain/calendar.ts'
import { isBookable, isReferralStatus } from '../domain/cases/referral-lifecycle.ts'
import { isWorker } from '../domain/policy/accounts.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import {
  formFields,
  pageCsrf,
  pageAbilities,
  readPage,
  requirePage,
  signedInPage,
  tryForm,
  type FormError,
  signedInGet,
  refusedField,
} from './page-kit.ts'
import { bookInput } from '../app/contracts/sessions.ts'
import { checkForm, type FormPlace } from './contract-form.ts'
import { bookingBody, daySheetBody, monthBody, registerBody, weekBody } from './session-pages.ts'

const DONE: Readonly<Record<string, string>> = {
  booked: 'Session booked. The plan is below.',
  assigned: 'Worker assigned.',
  closed: 'Session closed.',
}

/** Scheduling and the register: the week's sessions, booking, one session's register. */
export function sessionRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  pages.get(
    '/sessions',
    signedInGet(async (c, actor) => {
      const asked = c.req.query('week') ?? ''
      const day = isIsoDate(asked) ? asked : todayAtCentre(ctx)
      const monday = addDays(day, -((dayOfWeek(day) + 6) % 7))
      const [days, frame] = await readPage(ctx, actor, async (p) => {
        await requirePage(p, actor, 'book_sessions')
        return sessionsOfDays(p, actor, monday, 7, { peopleOn: 'no day' })
      })
      return signedInPage(ctx, c, actor, {
        title: 'Sessions',
        current: '/sessions',
        frame,
        body: weekBody({ monday, days }),
      })
    }),
  )

  pages.get(
    '/sessions/month',
    signedInGet(async (c, actor) => {
      await requirePage(ctx, actor, 'book_sessions')
      const asked = `${c.req.query('month') ?? ''}-01`
      const today = todayAtCentre(ctx)
      const first = isIsoDate(asked) ? asked : `${today.slice(0, 7)}-01`
      // Whole weeks, Monday to Sunday, around the month: at most six of them, read in two.
      const start = addDays(first, -((dayOfWeek(first) + 6) % 7))
      const last = addDays(addDays(first, 31).slice(0, 7) + '-01', -1)
      const end = addDays(last, (7 - dayOfWeek(last)) % 7)
      const count = daysBetween(start, end) + 1
      const days = [
        ...(await sessionsOfDays(ctx, actor, start, Math.min(count, 21), { peopleOn: 'no day' })),
        ...(count > 21
          ? await sessionsOfDays(ctx, actor, addDays(start, 21), count - 21, { peopleOn: 'no day' })
          : []),
      ]
      return signedInPage(ctx, c, actor, {
        title: `Sessions in ${first.slice(0, 7)}`,
        current: '/sessions',
        body: monthBody({ first, today, days }),
      })
    }),
  )

  pages.get(
    '/sessions/day-sheet',
    signedInGet(async (c, actor) => {
      await requirePage(ctx, actor, 'book_sessions')
      const asked = c.req.query('date') ?? ''
      const date = isIsoDate(asked) ? asked : todayAtCentre(ctx)
      const [day] = await sessionsOfDays(ctx, actor, date, 1)
      return signedInPage(ctx, c, actor, {
        title: `Day sheet, ${date}`,
        current: '/sessions',
        body: daySheetBody({ date, sessions: day?.sessions ?? [] }),
      })
    }),
  )

  const bookingPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    error?: FormError,
    status: 200 | 400 | 403 | 409 = 200,
  ) => {
    await requirePage(ctx, actor, 'book_sessions')
    const families = (await listReferralSummaries(ctx, actor, { limit: 500 }))
      .filter((r) => isReferralStatus(r.status) && isBookable(r.status))
      .map((r) => ({ id: r.familyId, reference: r.reference }))
    return signedInPage(ctx, c, actor, {
      title: `${error ? 'Error: ' : ''}Book a session`,
      current: '/sessions',
      status,
      body: bookingBody({
        form,
        csrf: pageCsrf(c),
        families,
        rooms: await listRooms(ctx, actor),
        error,
      }),
    })
  }

  pages.get(
    '/sessions/new',
    signedInGet(async (c, actor) => {
      return bookingPage(c, actor, {
        familyId: c.req.query('familyId') ?? '',
        date: todayAtCentre(ctx),
      })
    }),
  )

  pages.post('/sessions', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const fail = (field: string, message: string) =>
      bookingPage(c, actor, form, { field, message }, 400)
    if (!form.familyId) return fail('familyId', 'choose the family')
    if (!form.roomId) return fail('roomId', 'choose a room')
    if (!form.date) return fail('date', 'enter the date of the session')
    if (!form.startsAt) return fail('startsAt', 'enter when it starts, like 10:00')
    if (!form.endsAt) return fail('endsAt', 'enter when it ends, like 12:00')
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(
      bookInput,
      {
        familyId: form.familyId,
        roomId: form.roomId,
        kind: form.kind || 'supported',
        startsAt: `${form.date}T${form.startsAt}`,
        endsAt: `${form.date}T${form.endsAt}`,
      },
      bookingPlace,
    )
    if (!read.ok) return bookingPage(c, actor, form, read.error, 400)
    const done = await tryForm(() => bookSession(ctx, actor, read.input))
    if (!done.ok) return bookingPage(c, actor, form, done.error, done.status)
    return c.redirect(`/sessions/${done.value.sessionId}?done=booked`, 303)
  })

  const registerPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    sessionId: string,
    extra: { done?: string | undefined; error?: FormError; status?: 200 | 400 | 403 | 409 } = {},
  ) => {
    const [{ register, abilities, workers }, frame] = await readPage(ctx, actor, async (p) => {
      const [register, abilities] = await pageTogether(
        p,
        (q) => readRegister(q, actor, sessionId),
        (q) => pageAbilities(q, actor),
      )
      // Workers to assign, where the policy lets this reader assign and list them (CHECKS).
      const workers =
        abilities.has('assign_workers') && abilities.has('read:worker')
          ? await listWorkers(p, actor)
          : []
      return { register, abilities, workers }
    })
    const isCaseWorker = abilities.has('book_sessions')
    return signedInPage(ctx, c, actor, {
      frame,
      title: `${extra.error ? 'Error: ' : ''}Session register`,
      current: isCaseWorker ? '/sessions' : '/my-sessions',
      status: extra.status ?? 200,
      body: registerBody({
        register,
        csrf: pageCsrf(c),
        isCaseWorker,
        workers: workers.filter((w) => isWorker(w.roles)),
        done: extra.done,
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/sessions/:sessionId',
    signedInGet(async (c, actor) => {
      return registerPage(c, actor, c.req.param('sessionId') ?? '', {
        done: DONE[c.req.query('done') ?? ''],
      })
    }),
  )

  pages.post('/sessions/:sessionId/workers', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const sessionId = c.req.param('sessionId')
    const accountId = fields.get('accountId')
    const done =
      accountId === ''
        ? refusedField('accountId', 'choose a worker')
        : await tryForm(() => assignWorker(ctx, actor, sessionId, accountId))
    if (!done.ok)
      return registerPage(c, actor, sessionId, {
        error: { ...done.error, field: 'accountId' },
        status: done.status,
      })
    return c.redirect(`/sessions/${sessionId}?done=assigned`, 303)
  })

  pages.post('/sessions/:sessionId/close', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const sessionId = c.req.param('sessionId')
    const [outcome, by] = fields.get('outcome').split(':')
    const done =
      outcome !== 'cancelled' && outcome !== 'did_not_attend'
        ? refusedField('outcome', 'choose what happened')
        : await tryForm(() =>
            closeSession(ctx, actor, sessionId, {
              outcome,
              ...(outcome === 'cancelled' &&
              (by === 'resident_parent' || by === 'non_resident_parent' || by === 'centre')
                ? { cancelledBy: by }
                : {}),
              version: Number(fields.get('version')),
            }),
          )
    if (!done.ok)
      return registerPage(c, actor, sessionId, { error: done.error, status: done.status })
    return c.redirect(`/sessions/${sessionId}?done=closed`, 303)
  })
  return pages
}

const BOOKING_FIELDS: Readonly<Record<string, readonly [field: string, label: string]>> = {
  familyId: ['familyId', 'The family'],
  roomId: ['roomId', 'The room'],
  kind: ['kind', 'The kind of session'],
  startsAt: ['startsAt', 'When it starts'],
  endsAt: ['endsAt', 'When it ends'],
}

/** Where a path of the booking's input sits on the form, and what the form calls it. */
function bookingPlace(path: readonly PropertyKey[]): FormPlace | undefined {
  const [first] = path.map(String)
  const place = first === undefined ? undefined : BOOKING_FIELDS[first]
  return place && { field: place[0], label: place[1] }
}
