import {
  addMinutes,
  isLocalDateTime,
  isRealUkTime,
  minutesBetween,
  ukDateTime,
} from '../domain/calendar.ts'
import { isBookable, isReferralStatus } from '../domain/cases/referral-lifecycle.ts'
import {
  defaultPlan,
  separationProblems,
  type AttendeeRole,
  type PlannedAttendee,
} from '../domain/cases/separation.ts'
import { HavenError } from '../domain/errors.ts'
import { staggerMinutesOf } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import { findFamily, listPeopleOfFamily, touchFamily } from '../storage/families.ts'
import { listReferrals } from '../storage/referrals.ts'
import {
  findRoom,
  insertSessionPeople,
  listSessionPeople,
  replaceSessionPeople,
  updateSessionStatus,
} from '../storage/session-people.ts'
import {
  findSession,
  insertContactSessions,
  peopleDueElsewhere,
  sessionsOverlapping,
} from '../storage/sessions.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import { requireAbility } from './policy-access.ts'

export const SESSION_KINDS = ['supported', 'supervised', 'handover'] as const

export interface BookingInput {
  familyId: string
  roomId: string
  kind: (typeof SESSION_KINDS)[number]
  startsAt: string
  endsAt: string
  /** Changes to the default plan: a person's times or waiting room. */
  plan?:
    | {
        personId: string
        arrivesAt?: string | undefined
        leavesAt?: string | undefined
        waitingRoomId?: string | undefined
      }[]
    | undefined
}

export interface Booking {
  sessionId: string
  plan: { personId: string; arrivesAt: string; leavesAt: string; waitingRoomId?: string }[]
}

/**
 * Books a contact session (ENGINEERING.md §1): only for a family the centre has accepted,
 * in a room free at that time, with everyone on the named-people list; where the parents
 * must not meet, the plan staggers arrivals and departures by the centre's interval and a
 * plan that would bring them together is refused with the reason.
 */
export async function bookSession(
  ctx: AppContext,
  actor: Actor,
  input: BookingInput,
): Promise<Booking> {
  await requireAbility(ctx, actor, 'book_sessions')
  assertTimes(input)
  assertToCome(input.startsAt, ukDateTime(ctx.now()))
  return inCentre(ctx, actor.centreId, (trx) => writeBooking(ctx, trx, actor, input))
}

/**
 * Books a session whose times have been checked, in the caller's transaction: every check
 * that reads what is already booked (the family accepted, the room free, the family and its
 * people nowhere else, the separation plan) and then the writes. `bookSession` runs it alone;
 * an import (src/app/centre-import.ts) runs it for each session it brings in.
 */
export async function writeBooking(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  input: BookingInput,
): Promise<Booking> {
  const family = await findFamily(trx, actor.centreId, input.familyId)
  if (!family) throw new HavenError('invalid_input', 'no such family', 'familyId')
  await assertBookable(trx, actor.centreId, family.id)
  if (!(await findRoom(trx, actor.centreId, input.roomId)))
    throw new HavenError('invalid_input', 'no such room', 'roomId')
  await assertRoomFree(trx, actor.centreId, input)
  const people = (await listPeopleOfFamily(trx, actor.centreId, family.id)).filter(
    (p) => p.mayAttend,
  )
  const options = {
    isSeparationRequired: family.isSeparationRequired,
    staggerMinutes: await staggerMinutesOf(trx, actor.centreId),
  }
  const plan = applyChanges(
    defaultPlan(
      input,
      people.map((p) => ({ personId: p.id, role: attendeeRole(p.kind) })),
      options,
    ),
    input.plan ?? [],
  )
  const problems = separationProblems(plan, options)
  if (problems.length > 0) throw new HavenError('conflict', problems.join('; '), 'plan')
  await assertFamilyFree(trx, actor.centreId, family.id, input)
  await assertPeopleFree(trx, actor.centreId, plan, people, undefined)
  const sessionId = ctx.newId()
  const now = ctx.now().toISOString()
  await insertContactSessions(trx, [
    {
      id: sessionId,
      centreId: actor.centreId,
      familyId: family.id,
      roomId: input.roomId,
      kind: input.kind,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      status: 'booked',
      createdAt: now,
    },
  ])
  await insertSessionPeople(
    trx,
    actor.centreId,
    plan.map((p) => ({
      sessionId,
      personId: p.personId,
      arrivesAt: p.arrivesAt,
      leavesAt: p.leavesAt,
      waitingRoomId: p.waitingRoomId,
      arrivedAt: undefined,
      departedAt: undefined,
    })),
  )
  await touchFamily(trx, actor.centreId, family.id, now)
  await recordEvent(trx, {
    type: 'session.booked',
    at: ctx.now(),
    centreId: actor.centreId,
    actorId: actor.accountId,
    subjectId: sessionId,
    details: {
      familyId: family.id,
      people: plan.length,
      separated: options.isSeparationRequired,
    },
  })
  return {
    sessionId,
    plan: plan.map((p) => ({
      personId: p.personId,
      arrivesAt: p.arrivesAt,
      leavesAt: p.leavesAt,
      ...(p.waitingRoomId === undefined ? {} : { waitingRoomId: p.waitingRoomId }),
    })),
  }
}

/**
 * Cancels a session, recording who cancelled (a parent or the centre), or marks it as not
 * attended. A stale version is a conflict.
 */
export async function closeSession(
  ctx: AppContext,
  actor: Actor,
  sessionId: string,
  change: {
    outcome: 'cancelled' | 'did_not_attend'
    cancelledBy?: 'resident_parent' | 'non_resident_parent' | 'centre' | undefined
    version: number
  },
): Promise<{ status: string; version: number }> {
  await requireAbility(ctx, actor, 'book_sessions')
  if (change.outcome === 'cancelled' && change.cancelledBy === undefined)
    throw new HavenError('invalid_input', 'say who cancelled', 'cancelledBy')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const session = await findSession(trx, actor.centreId, sessionId)
    if (!session) throw new HavenError('not_found', 'no such session')
    if (session.status !== 'booked')
      throw new HavenError(
        'conflict',
        `the session is already ${session.status.replaceAll('_', ' ')}`,
      )
    const at = ctx.now().toISOString()
    const isChanged = await updateSessionStatus(
      trx,
      actor.centreId,
      { id: sessionId, version: change.version },
      { status: change.outcome, at, cancelledBy: change.cancelledBy },
    )
    if (!isChanged)
      throw new HavenError('conflict', 'someone else changed this session; reload it', 'version')
    await touchFamily(trx, actor.centreId, session.familyId, at)
    await recordEvent(trx, {
      type: 'session.closed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: sessionId,
      details: { outcome: change.outcome, cancelledBy: change.cancelledBy ?? null },
    })
    return { status: change.outcome, version: change.version + 1 }
  })
}

/**
 * Changes who comes when to a booked session. The whole new plan is checked as a booking
 * is: a change that would bring the parents together is refused with the reason, and a
 * stale version is a conflict.
 */
export async function replanSession(
  ctx: AppContext,
  actor: Actor,
  sessionId: string,
  change: { plan: NonNullable<BookingInput['plan']>; version: number },
): Promise<Booking & { version: number }> {
  await requireAbility(ctx, actor, 'book_sessions')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const session = await findSession(trx, actor.centreId, sessionId)
    if (!session) throw new HavenError('not_found', 'no such session')
    if (session.status !== 'booked')
      throw new HavenError(
        'conflict',
        `the session is already ${session.status.replaceAll('_', ' ')}`,
      )
    const family = await findFamily(trx, actor.centreId, session.familyId)
    if (!family) throw new HavenError('not_found', 'no such session')
    const kinds = new Map(
      (await listPeopleOfFamily(trx, actor.centreId, family.id)).map((p) => [p.id, p.kind]),
    )
    const current = (await listSessionPeople(trx, actor.centreId, sessionId)).map((p) => ({
      personId: p.personId,
      role: attendeeRole(kinds.get(p.personId) ?? 'other_adult'),
      arrivesAt: p.arrivesAt,
      leavesAt: p.leavesAt,
      waitingRoomId: p.waitingRoomId,
    }))
    const plan = applyChanges(current, change.plan)
    const options = {
      isSeparationRequired: family.isSeparationRequired,
      staggerMinutes: await staggerMinutesOf(trx, actor.centreId),
    }
    const problems = separationProblems(plan, options)
    if (problems.length > 0) throw new HavenError('conflict', problems.join('; '), 'plan')
    await assertPeopleFree(
      trx,
      actor.centreId,
      plan,
      [...kinds].map(([id, kind]) => ({ id, kind })),
      sessionId,
    )
    const at = ctx.now().toISOString()
    if (
      !(await updateSessionStatus(
        trx,
        actor.centreId,
        { id: sessionId, version: change.version },
        { status: 'booked', at },
      ))
    )
      throw new HavenError('conflict', 'someone else changed this session; reload it', 'version')
    await replaceSessionPeople(
      trx,
      actor.centreId,
      sessionId,
      plan.map((p) => ({
        sessionId,
        personId: p.personId,
        arrivesAt: p.arrivesAt,
        leavesAt: p.leavesAt,
        waitingRoomId: p.waitingRoomId,
        arrivedAt: undefined,
        departedAt: undefined,
      })),
    )
    await recordEvent(trx, {
      type: 'session.replanned',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: sessionId,
      details: { people: plan.length },
    })
    return {
      sessionId,
      version: change.version + 1,
      plan: plan.map((p) => ({
        personId: p.personId,
        arrivesAt: p.arrivesAt,
        leavesAt: p.leavesAt,
        ...(p.waitingRoomId === undefined ? {} : { waitingRoomId: p.waitingRoomId }),
      })),
    }
  })
}

export function attendeeRole(kind: string): AttendeeRole {
  return kind === 'resident_parent' || kind === 'non_resident_parent' || kind === 'child'
    ? kind
    : 'other_adult'
}

function applyChanges(
  plan: PlannedAttendee[],
  changes: NonNullable<BookingInput['plan']>,
): PlannedAttendee[] {
  for (const change of changes) {
    if (!plan.some((p) => p.personId === change.personId))
      throw new HavenError('invalid_input', 'that person is not on the named-people list', 'plan')
    for (const time of [change.arrivesAt, change.leavesAt])
      if (time !== undefined && !isLocalDateTime(time))
        throw new HavenError('invalid_input', 'times are YYYY-MM-DDTHH:MM', 'plan')
      else if (time !== undefined && !isRealUkTime(time))
        throw new HavenError('invalid_input', noSuchTime(time), 'plan')
  }
  return plan.map((p) => {
    const change = changes.find((c) => c.personId === p.personId)
    return {
      ...p,
      arrivesAt: change?.arrivesAt ?? p.arrivesAt,
      leavesAt: change?.leavesAt ?? p.leavesAt,
      waitingRoomId: change?.waitingRoomId ?? p.waitingRoomId,
    }
  })
}

export function assertTimes(input: BookingInput): void {
  if (!isLocalDateTime(input.startsAt))
    throw new HavenError('invalid_input', 'startsAt is YYYY-MM-DDTHH:MM', 'startsAt')
  if (!isLocalDateTime(input.endsAt))
    throw new HavenError('invalid_input', 'endsAt is YYYY-MM-DDTHH:MM', 'endsAt')
  if (!isRealUkTime(input.startsAt))
    throw new HavenError('invalid_input', noSuchTime(input.startsAt), 'startsAt')
  if (!isRealUkTime(input.endsAt))
    throw new HavenError('invalid_input', noSuchTime(input.endsAt), 'endsAt')
  const minutes = minutesBetween(input.startsAt, input.endsAt)
  if (minutes <= 0)
    throw new HavenError('invalid_input', 'a session ends after it starts', 'endsAt')
  if (minutes > LONGEST_SESSION_MINUTES)
    throw new HavenError(
      'invalid_input',
      `a session lasts at most ${String(LONGEST_SESSION_MINUTES / 60)} hours; this one would last ${hoursAndMinutes(minutes)}`,
      'endsAt',
    )
}

/**
 * A session is booked for today or a day to come: one on a day already gone is a mistake in
 * the date, not a booking. Earlier today is allowed: a session arranged at the door, or one
 * that began minutes ago, is recorded as it happens. A session that happened on another day
 * is part of a centre's history, moved in with its records, not booked.
 */
export function assertToCome(startsAt: string, nowInUk: string): void {
  if (startsAt.slice(0, 10) < nowInUk.slice(0, 10))
    throw new HavenError(
      'invalid_input',
      `that day has passed (${ukDate(startsAt)}); a session is booked for today or a day to come`,
      'startsAt',
    )
}

/** The words for a time the UK clocks skip (the hour after 01:00 on the last Sunday of March). */
function noSuchTime(dateTime: string): string {
  return `${dateTime.slice(11, 16)} on ${ukDate(dateTime)} does not happen in the UK: the clocks go forward from 01:00 to 02:00 that night`
}

function hoursAndMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  const h = `${String(hours)} hour${hours === 1 ? '' : 's'}`
  return rest === 0 ? h : `${h} ${String(rest)} minute${rest === 1 ? '' : 's'}`
}

async function assertBookable(trx: Db, centreId: string, familyId: string): Promise<void> {
  const [referral] = await listReferrals(trx, centreId, { familyIds: [familyId], limit: 1 })
  const status = referral?.status ?? 'none'
  if (!isReferralStatus(status) || !isBookable(status))
    throw new HavenError(
      'conflict',
      `sessions are booked once the family is accepted; its referral is ${status.replaceAll('_', ' ')}`,
      'familyId',
    )
}

/** No session Haven books is longer: checks for overlaps look no further back than this. */
export const LONGEST_SESSION_MINUTES = 12 * 60

/**
 * The checks below each read the sessions that would clash and then the booking is written:
 * they hold because they run inside `inCentre`, the centre's one writer (decision 0032), so no
 * other booking of the centre can come between the read and the write, on either engine.
 * Cancelled sessions never clash.
 */
export function overlapWindow(
  times: { startsAt: string; endsAt: string },
  exceptSessionId?: string,
): { from: string; to: string; startsAfter: string; exceptSessionId?: string | undefined } {
  return {
    from: times.startsAt,
    to: times.endsAt,
    startsAfter: addMinutes(times.startsAt, -LONGEST_SESSION_MINUTES - 1),
    exceptSessionId,
  }
}

/** "Oak Room, 10:00 to 12:00" (wall-clock times at the centre, the date when it differs). */
export function describeClash(
  clash: { room: string; startsAt: string; endsAt: string },
  day: string,
): string {
  const time = (at: string): string =>
    at.slice(0, 10) === day ? at.slice(11) : `${at.slice(11)} on ${ukDate(at)}`
  return `${clash.room}, ${time(clash.startsAt)} to ${time(clash.endsAt)}`
}

function ukDate(at: string): string {
  return `${at.slice(8, 10)}/${at.slice(5, 7)}/${at.slice(0, 4)}`
}

async function assertRoomFree(trx: Db, centreId: string, input: BookingInput): Promise<void> {
  const [clash] = await sessionsOverlapping(trx, centreId, {
    roomId: input.roomId,
    ...overlapWindow(input),
  })
  if (clash) throw new HavenError('conflict', 'the room is booked at that time', 'roomId')
}

/** A family is in one session at a time: another one of its own at an overlapping time is a clash. */
async function assertFamilyFree(
  trx: Db,
  centreId: string,
  familyId: string,
  input: BookingInput,
): Promise<void> {
  const [clash] = await sessionsOverlapping(trx, centreId, { familyId, ...overlapWindow(input) })
  if (clash)
    throw new HavenError(
      'conflict',
      `the family already has a session at that time (${describeClash(clash, input.startsAt.slice(0, 10))})`,
      'startsAt',
    )
}

/**
 * Everyone on a plan is in one place at a time: a person due at another session (this
 * family's or, through an account linked to records in two families, another's) between
 * their own arrival and departure is a clash. The refusal names the person by their part in
 * the family, never by name.
 */
async function assertPeopleFree(
  trx: Db,
  centreId: string,
  plan: readonly { personId: string; arrivesAt: string; leavesAt: string }[],
  people: readonly { id: string; kind: string }[],
  exceptSessionId: string | undefined,
): Promise<void> {
  const [clash] = await peopleDueElsewhere(trx, centreId, plan, exceptSessionId)
  if (!clash) return
  const kind = people.find((p) => p.id === clash.personId)?.kind ?? 'other_adult'
  const own = plan.find((p) => p.personId === clash.personId)
  throw new HavenError(
    'conflict',
    `${WHO[attendeeRole(kind)]} is due at another session at that time (${describeClash(
      { room: clash.room, startsAt: clash.arrivesAt, endsAt: clash.leavesAt },
      (own?.arrivesAt ?? clash.arrivesAt).slice(0, 10),
    )})`,
    'plan',
  )
}

const WHO: Readonly<Record<AttendeeRole, string>> = {
  resident_parent: 'the resident parent',
  non_resident_parent: 'the non-resident parent',
  child: 'a child of the family',
  other_adult: 'an adult on the named-people list',
}
