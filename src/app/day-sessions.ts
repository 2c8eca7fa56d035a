import { addDays, isIsoDate } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import { listFamiliesAtTheDoor, listFirstNamesOfFamilies } from '../storage/families.ts'
import { listPeopleOfSessions } from '../storage/session-people.ts'
import { listSessionsBetween } from '../storage/sessions.ts'
import { assignedSessions, workerNamesOfSessions } from '../storage/workers.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { familiesInReach, todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { auditedRead } from './in-centre.ts'
import { decide, hasAbility, policyActor, requireAbility } from './policy-access.ts'

/** One session of the day as the door needs it: never contact details, never history. */
export interface DaySession {
  sessionId: string
  startsAt: string
  endsAt: string
  room: string
  kind: string
  status: string
  family: { id: string; reference: string; isSeparationRequired: boolean; safetyFlags: string[] }
  people: {
    personId: string
    kind: string
    givenName: string
    arrivesAt: string
    leavesAt: string
    arrivedAt: string | null
    departedAt: string | null
  }[]
  /** Who is on duty: the workers assigned, by display name. */
  workers: string[]
}

/** The sessions of one day (see sessionsOfDays). */
export async function sessionsOfDay(
  ctx: AppContext,
  actor: Actor,
  day: string | undefined,
): Promise<DaySession[]> {
  const date = day ?? todayAtCentre(ctx)
  const [first] = await sessionsOfDays(ctx, actor, date, 1)
  return first?.sessions ?? []
}

/**
 * The sessions of consecutive days, day by day (NDX): every session for the coordinator and
 * staff; for a volunteer, only the sessions they are assigned to, and only from the day
 * before to the day after, while their checks meet the policy. Each with first names, times,
 * rooms, who is on duty, the separation plan and safety flags, in the order people should
 * arrive. One read, one audit entry.
 */
export async function sessionsOfDays(
  ctx: AppContext,
  actor: Actor,
  from: string,
  days: number,
  options: {
    /**
     * Whose people to read: every day's (the default), only the first day's (the coordinator's
     * today, whose week ahead names no one) or no day's (the week's list). A day without them
     * has `people: []`: the page does not show them, and they are not read at all.
     */
    peopleOn?: 'every day' | 'first day' | 'no day'
  } = {},
): Promise<{ date: string; sessions: DaySession[] }[]> {
  const today = todayAtCentre(ctx)
  const date = from
  if (!isIsoDate(date)) throw new HavenError('invalid_input', 'the day is YYYY-MM-DD', 'date')
  if (!Number.isInteger(days) || days < 1 || days > 31)
    throw new HavenError('invalid_input', 'from one day to a month of days', 'days')
  const last = addDays(date, days - 1)
  const policy = await requireAbility(ctx, actor, 'work_sessions')
  // Those who see every family see every session; other workers, their own around today.
  const isCaseWorker = hasAbility(policy, actor, 'see_all_families')
  if (!isCaseWorker && (date < addDays(today, -1) || last > addDays(today, 1)))
    throw new HavenError(
      'forbidden',
      'volunteers see sessions from the day before to the day after',
    )
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const window = { from: `${date}T00:00`, to: `${last}T23:59` }
    let sessions = await listSessionsBetween(trx, actor.centreId, window)
    if (!isCaseWorker) {
      const mine = new Set(
        (await assignedSessions(trx, actor.centreId, actor.accountId, window)).map(
          (s) => s.sessionId,
        ),
      )
      const reach = new Set(await familiesInReach(trx, policy, actor, today))
      sessions = sessions.filter((s) => mine.has(s.id) && reach.has(s.familyId))
    }
    const decision = decide(policy, {
      action: 'read',
      actor: policyActor(actor, isCaseWorker ? 'none' : 'assigned'),
      resource: { type: 'session' },
    })
    const dates = Array.from({ length: days }, (_, i) => addDays(date, i))
    if (decision.effect === 'deny') return dates.map((d) => ({ date: d, sessions: [] }))
    const result: DaySession[] = []
    // Everything the sessions need, read at once for all of them.
    const open = sessions.filter((session) => session.status !== 'cancelled')
    const familyIds = [...new Set(open.map((session) => session.familyId))]
    const peopleOn = options.peopleOn ?? 'every day'
    const named =
      peopleOn === 'every day'
        ? open
        : peopleOn === 'first day'
          ? open.filter((session) => session.startsAt.startsWith(date))
          : []
    // Four statements asked at once, one wait (each is a single query: none outlives a failure).
    const [families, names, planned, onDuty] = await Promise.all([
      listFamiliesAtTheDoor(trx, actor.centreId, familyIds),
      listFirstNamesOfFamilies(trx, actor.centreId, [
        ...new Set(named.map((session) => session.familyId)),
      ]),
      listPeopleOfSessions(
        trx,
        actor.centreId,
        named.map((session) => session.id),
      ),
      workerNamesOfSessions(
        trx,
        actor.centreId,
        open.map((session) => session.id),
      ),
    ])
    for (const session of open) {
      const family = families.get(session.familyId)
      if (!family) continue
      result.push({
        sessionId: session.id,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        room: session.room,
        kind: session.kind,
        status: session.status,
        family: {
          id: family.id,
          reference: family.reference,
          isSeparationRequired: family.isSeparationRequired,
          safetyFlags: family.safetyFlags,
        },
        people: (planned.get(session.id) ?? []).map((p) => ({
          personId: p.personId,
          kind: names.get(p.personId)?.kind ?? 'other_adult',
          givenName: names.get(p.personId)?.givenName ?? '',
          arrivesAt: p.arrivesAt,
          leavesAt: p.leavesAt,
          arrivedAt: p.arrivedAt ?? null,
          departedAt: p.departedAt ?? null,
        })),
        workers: onDuty.get(session.id) ?? [],
      })
    }
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'session', date, days, count: result.length },
    })
    return dates.map((d) => ({
      date: d,
      sessions: result.filter((r) => r.startsAt.startsWith(d)),
    }))
  })
}
