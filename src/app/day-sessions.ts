import { addDays, isIsoDate } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import { hasAnyRole } from '../domain/policy/rule.ts'
import { findFamily, listPeopleOfFamily } from '../storage/families.ts'
import { listSessionPeople } from '../storage/session-people.ts'
import { listSessionsBetween } from '../storage/sessions.ts'
import { assignedSessions, workerNamesOfSession } from '../storage/workers.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { familiesInReach, todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import { decide, policyActor, policyInForce } from './policy-access.ts'

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

/**
 * The sessions of a day (NDX): every session for the coordinator and staff; for a volunteer,
 * only the sessions they are assigned to, and only from the day before to the day after,
 * while their checks meet the policy. Each with first names, times, rooms, the separation
 * plan and safety flags, in the order people should arrive. Audited.
 */
export async function sessionsOfDay(
  ctx: AppContext,
  actor: Actor,
  day: string | undefined,
): Promise<DaySession[]> {
  const today = todayAtCentre(ctx)
  const date = day ?? today
  if (!isIsoDate(date)) throw new HavenError('invalid_input', 'the day is YYYY-MM-DD', 'date')
  const isCaseWorker = hasAnyRole(actor.roles, ['coordinator', 'staff'])
  if (!isCaseWorker && !actor.roles.includes('volunteer'))
    throw new HavenError('forbidden', "the day's sessions are for the centre's workers")
  if (!isCaseWorker && (date < addDays(today, -1) || date > addDays(today, 1)))
    throw new HavenError(
      'forbidden',
      'volunteers see sessions from the day before to the day after',
    )
  return inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const window = { from: `${date}T00:00`, to: `${date}T23:59` }
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
    if (decision.effect === 'deny') return []
    const result: DaySession[] = []
    for (const session of sessions) {
      if (session.status === 'cancelled') continue
      const family = await findFamily(trx, actor.centreId, session.familyId)
      if (!family) continue
      const names = new Map(
        (await listPeopleOfFamily(trx, actor.centreId, family.id)).map((p) => [p.id, p]),
      )
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
        people: (await listSessionPeople(trx, actor.centreId, session.id)).map((p) => ({
          personId: p.personId,
          kind: names.get(p.personId)?.kind ?? 'other_adult',
          givenName: names.get(p.personId)?.givenName ?? '',
          arrivesAt: p.arrivesAt,
          leavesAt: p.leavesAt,
          arrivedAt: p.arrivedAt ?? null,
          departedAt: p.departedAt ?? null,
        })),
        workers: await workerNamesOfSession(trx, actor.centreId, session.id),
      })
    }
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'session', date, count: result.length },
    })
    return result
  })
}
