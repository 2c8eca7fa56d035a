import { HavenError } from '../domain/errors.ts'
import { findFamily, listPeopleOfFamily } from '../storage/families.ts'
import { listSessionPeople, markAtDoor, updateSessionStatus } from '../storage/session-people.ts'
import { insertIncident } from '../storage/incidents.ts'
import { findSession } from '../storage/sessions.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { decideRecordRead, relationshipToFamily, todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { decide, hasAbility, policyActor, policyInForce } from './policy-access.ts'

/** The attendance register of one session, in the order people should come and go. */
export interface Register {
  session: {
    id: string
    startsAt: string
    endsAt: string
    room: string
    kind: string
    status: string
    version: number
  }
  isSeparationRequired: boolean
  safetyFlags: string[]
  people: {
    personId: string
    kind: string
    givenName?: string
    arrivesAt: string
    leavesAt: string
    arrivedAt: string | null
    departedAt: string | null
  }[]
}

/**
 * The register as the reader may see it (NDX): the coordinator and staff, and a worker on
 * the session, see first names, planned and actual times, the separation plan and safety
 * flags; never contact details. Refused is `not_found`, as missing is.
 */
export async function readRegister(
  ctx: AppContext,
  actor: Actor,
  sessionId: string,
): Promise<Register> {
  const register = await auditedRead(ctx, actor.centreId, async (trx) => {
    const session = await findSession(trx, actor.centreId, sessionId)
    if (!session) return undefined
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const { decision } = await decideRecordRead(ctx, trx, policy, actor, {
      familyId: session.familyId,
      resource: 'session',
      subjectId: sessionId,
    })
    if (decision.effect === 'deny' || decision.redact.includes('separation_plan')) return undefined
    const family = await findFamily(trx, actor.centreId, session.familyId)
    const people = await listPeopleOfFamily(trx, actor.centreId, session.familyId)
    const names = new Map(people.map((p) => [p.id, p]))
    const showsNames = !decision.redact.includes('first_names')
    return {
      session: {
        id: session.id,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        room: session.room,
        kind: session.kind,
        status: session.status,
        version: session.version,
      },
      isSeparationRequired: family?.isSeparationRequired ?? false,
      safetyFlags: decision.redact.includes('safety_flags') ? [] : (family?.safetyFlags ?? []),
      people: (await listSessionPeople(trx, actor.centreId, sessionId)).map((p) => ({
        personId: p.personId,
        kind: names.get(p.personId)?.kind ?? 'other_adult',
        ...(showsNames ? { givenName: names.get(p.personId)?.givenName ?? '' } : {}),
        arrivesAt: p.arrivesAt,
        leavesAt: p.leavesAt,
        arrivedAt: p.arrivedAt ?? null,
        departedAt: p.departedAt ?? null,
      })),
    }
  })
  if (!register) throw new HavenError('not_found', 'no such session')
  return register
}

export interface DoorEvent {
  what: 'arrived' | 'departed'
  /** Someone on the session's named-people list. */
  personId?: string | undefined
  /** Someone who is not on it: admitted only with an override, which is an incident. */
  visitor?: string | undefined
  overrideReason?: string | undefined
}

/**
 * Signs a person in or out at the door. Only people named for the session are admitted; a
 * worker may override for someone else, giving a reason, and the override is recorded as an
 * incident. Where the parents must be kept apart, an arrival out of the planned order comes
 * back with a warning for the worker at the door.
 */
export async function recordAtDoor(
  ctx: AppContext,
  actor: Actor,
  sessionId: string,
  event: DoorEvent,
): Promise<{ warnings: string[] }> {
  const outcome = await inCentre(ctx, actor.centreId, async (trx) => {
    const session = await findSession(trx, actor.centreId, sessionId)
    if (!session) return undefined
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const today = todayAtCentre(ctx)
    const relationship = await relationshipToFamily(
      ctx,
      trx,
      policy,
      actor,
      session.familyId,
      today,
    )
    // The register is kept by workers (work_sessions) who may read this session (NDX):
    // case workers by their role, a volunteer while on it.
    const readDecision = decide(policy, {
      action: 'read',
      actor: policyActor(actor, relationship),
      resource: { type: 'session' },
    })
    const mayRun = hasAbility(policy, actor, 'work_sessions') && readDecision.effect === 'permit'
    if (!mayRun) return undefined
    if (session.status === 'cancelled')
      throw new HavenError('conflict', 'the session was cancelled')
    const at = ctx.now().toISOString()
    const listed = await listSessionPeople(trx, actor.centreId, sessionId)
    const person = listed.find((p) => p.personId === event.personId)
    if (!person) {
      const reason = event.overrideReason?.trim() ?? ''
      await recordEvent(trx, {
        type: reason === '' ? 'door.refused' : 'door.arrived',
        at: ctx.now(),
        centreId: actor.centreId,
        actorId: actor.accountId,
        subjectId: sessionId,
        details: { override: reason !== '' },
      })
      if (reason === '') return { refused: true as const }
      await insertIncident(trx, {
        id: ctx.newId(),
        centreId: actor.centreId,
        kind: 'door_override',
        familyId: session.familyId,
        sessionId,
        occurredAt: at,
        summary: `Admitted someone not on the named-people list (${event.visitor ?? 'unnamed'}): ${reason}`,
        raisedBy: actor.accountId,
        createdAt: at,
      })
      return { warnings: ['recorded as an incident for the coordinator'] }
    }
    if (event.what === 'departed' && person.arrivedAt === undefined)
      throw new HavenError('conflict', 'sign them in before signing them out')
    if (
      !(await markAtDoor(trx, actor.centreId, {
        sessionId,
        personId: person.personId,
        at,
        what: event.what,
      }))
    )
      throw new HavenError('conflict', `already signed ${event.what === 'arrived' ? 'in' : 'out'}`)
    if (event.what === 'arrived' && session.status === 'booked')
      await updateSessionStatus(trx, actor.centreId, session, { status: 'attended', at })
    await recordEvent(trx, {
      type: event.what === 'arrived' ? 'door.arrived' : 'door.departed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: sessionId,
      details: { personId: person.personId },
    })
    const awaited = stillAwaited(listed, person.personId, event.what)
    if (awaited.length === 0) return { warnings: [] }
    // Name who is awaited, as the worker's register names them (first names unless redacted).
    const family = await listPeopleOfFamily(trx, actor.centreId, session.familyId)
    const showsNames = !readDecision.redact.includes('first_names')
    const named = awaited.map((p) => {
      const who = family.find((f) => f.id === p.personId)
      const kind = KIND_WORDS[who?.kind ?? ''] ?? 'named adult'
      const time = (event.what === 'arrived' ? p.arrivesAt : p.leavesAt).slice(11, 16)
      return `${showsNames && who ? `${who.givenName} (${kind})` : `the ${kind}`}, due ${event.what === 'arrived' ? 'at' : 'to leave at'} ${time}`
    })
    return {
      warnings: [
        event.what === 'arrived'
          ? `someone planned to arrive earlier is not here yet: ${named.join('; ')}. Keep this arrival apart until they are`
          : `someone planned to leave earlier has not left yet: ${named.join('; ')}. Wait before letting this person go`,
      ],
    }
  })
  if (!outcome) throw new HavenError('not_found', 'no such session')
  if ('refused' in outcome)
    throw new HavenError(
      'conflict',
      'not on the named-people list: admit only with an override and a reason',
      'personId',
    )
  return outcome
}

const KIND_WORDS: Readonly<Record<string, string>> = {
  resident_parent: 'parent the children live with',
  non_resident_parent: 'visiting parent',
  child: 'child',
  other_adult: 'named adult',
}

/** Those planned to come (or go) earlier who have not yet: the parents might meet. */
function stillAwaited(
  listed: Awaited<ReturnType<typeof listSessionPeople>>,
  personId: string,
  what: 'arrived' | 'departed',
): Awaited<ReturnType<typeof listSessionPeople>> {
  const me = listed.find((p) => p.personId === personId)
  if (!me) return []
  return listed.filter((p) =>
    what === 'arrived'
      ? p.arrivesAt < me.arrivesAt && p.arrivedAt === undefined
      : p.leavesAt < me.leavesAt && p.departedAt === undefined && p.arrivedAt !== undefined,
  )
}
