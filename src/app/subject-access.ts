import { isIsoDate, ukDateOf } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import { subjectAccessClock } from '../domain/outward/subject-access-deadline.ts'
import { isParent } from '../domain/policy/accounts.ts'
import type { Db } from '../storage/database.ts'
import {
  familyIdsOfAccount,
  familyReferences,
  findPerson,
  type PersonRecord,
} from '../storage/families.ts'
import {
  endPause,
  findSubjectAccessRequest,
  insertPause,
  insertSubjectAccessRequest,
  listPauses,
  listReleases,
  listSubjectAccessRequests,
  listWithheldItems,
  updateSubjectAccessRequest,
  type StoredPause,
  type StoredSubjectAccessRequest,
} from '../storage/subject-access.ts'
import type { Actor } from './actor.ts'
import { recordActorEvent, recordEvent } from './audit.ts'
import { todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { hasAbility, policyInForce, requireAbility } from './policy-access.ts'

/** Who handles subject access requests: the coordinator and staff; the committee looks on. */

export interface SubjectAccessView {
  id: string
  personId: string
  familyId: string
  receivedOn: string
  identity: { status: string; method: string | null; checkedOn: string | null }
  extension: { months: number; reason: string | null }
  status: string
  dueOn: string
  daysLeft: number
  isPaused: boolean
  pausedDays: number
  pauses: { reason: string; fromOn: string; toOn: string | null }[]
  completedOn: string | null
  withheld?: { item: string; recordId: string | null; ground: string; clause: string }[]
  /** Withheld items released after review, each with its reason. */
  released?: { item: string; recordId: string; reason: string; releasedOn: string }[]
  /** Whose request: their name and family's reference (for its handlers and the subject). */
  subject?: { name: string; familyReference: string }
  /** How a request made outside Haven came (letter, phone, email, in_person); null in Haven. */
  receivedVia: string | null
  /** The note of whoever recorded it (for its handlers and the subject, as the subject is). */
  note?: string
  version: number
}

export function subjectAccessView(
  r: StoredSubjectAccessRequest,
  pauses: readonly StoredPause[],
  today: string,
): SubjectAccessView {
  const clock = subjectAccessClock({
    receivedOn: r.receivedOn,
    pauses: pauses.map((p) => ({ reason: p.reason, fromOn: p.fromOn, toOn: p.toOn })),
    extensionMonths: r.extensionMonths,
    today: r.completedOn ?? today,
  })
  return {
    id: r.id,
    personId: r.personId,
    familyId: r.familyId,
    receivedOn: r.receivedOn,
    identity: {
      status: r.identityStatus,
      method: r.identityMethod ?? null,
      checkedOn: r.identityCheckedOn ?? null,
    },
    extension: { months: r.extensionMonths, reason: r.extensionReason ?? null },
    status: r.status,
    ...clock,
    pauses: pauses.map((p) => ({ reason: p.reason, fromOn: p.fromOn, toOn: p.toOn ?? null })),
    completedOn: r.completedOn ?? null,
    receivedVia: r.receivedVia ?? null,
    version: r.version,
  }
}

/** How a request made outside Haven may come. */
export const RECEIVED_VIA = ['letter', 'phone', 'email', 'in_person'] as const

/**
 * Records a subject access request (SAR): by the coordinator or staff for a person the centre
 * holds (received on a day, by letter, phone, e-mail or in person, with a note), or by a
 * parent in Haven for themselves (their account is their identity). Until identity is checked
 * the clock stands still. A person the centre does not hold is not found, and nothing is
 * written. The audit entry says how it came, never the note.
 */
export async function openSubjectAccessRequest(
  ctx: AppContext,
  actor: Actor,
  input: {
    personId: string
    receivedOn?: string | undefined
    identityMethod?: string | undefined
    /** How it came, for a request made outside Haven (SAR: the month runs from its receipt). */
    receivedVia?: (typeof RECEIVED_VIA)[number] | undefined
    note?: string | undefined
  },
): Promise<SubjectAccessView> {
  const today = todayAtCentre(ctx)
  const receivedOn = input.receivedOn ?? today
  if (!isIsoDate(receivedOn) || receivedOn > today)
    throw new HavenError(
      'invalid_input',
      'the day it was received is a date, today or before',
      'receivedOn',
    )
  return inCentre(ctx, actor.centreId, async (trx) => {
    const person = await findPerson(trx, actor.centreId, input.personId)
    const isSelf = person !== undefined && person.accountId === actor.accountId
    const policy = await policyInForce(ctx, trx, actor.centreId)
    if (!person || (!isSelf && !hasAbility(policy, actor, 'handle_subject_access')))
      throw new HavenError('not_found', 'no such person')
    const method = isSelf ? 'haven_account' : input.identityMethod?.trim()
    // A request the subject makes in Haven came through Haven; only a handler records another way.
    const note = isSelf ? undefined : input.note?.trim() || undefined
    const receivedVia = isSelf ? undefined : input.receivedVia
    const id = ctx.newId()
    const request: StoredSubjectAccessRequest = {
      id,
      centreId: actor.centreId,
      familyId: person.familyId,
      personId: person.id,
      requestedBy: actor.accountId,
      receivedOn: isSelf ? today : receivedOn,
      identityStatus: method ? 'verified' : 'awaiting',
      identityMethod: method || undefined,
      identityCheckedBy: method ? actor.accountId : undefined,
      identityCheckedOn: method ? today : undefined,
      extensionMonths: 0,
      extensionReason: undefined,
      status: 'open',
      completedOn: undefined,
      completedBy: undefined,
      createdAt: ctx.now().toISOString(),
      version: 1,
      receivedVia,
      note,
    }
    await insertSubjectAccessRequest(trx, request)
    const pauses: StoredPause[] = []
    if (!method) {
      const pause = {
        id: ctx.newId(),
        requestId: id,
        reason: 'identity' as const,
        fromOn: receivedOn,
        toOn: undefined,
      }
      await insertPause(trx, { ...pause, centreId: actor.centreId })
      pauses.push(pause)
    }
    await recordActorEvent(ctx, trx, actor, 'subject_access.opened', id, {
      personId: person.id,
      identity: request.identityStatus,
      ...(receivedVia === undefined ? {} : { receivedVia }),
    })
    return subjectAccessView(request, pauses, today)
  })
}

export type SubjectAccessEvent =
  | { kind: 'identity_verified'; method: string; on?: string | undefined }
  | { kind: 'clarification_asked'; on?: string | undefined }
  | { kind: 'clarification_received'; on?: string | undefined }
  | { kind: 'extended'; months: 1 | 2; reason: string }
  | { kind: 'completed'; on?: string | undefined }

/**
 * Moves a request on (SAR; UK GDPR Art. 12(3)): identity checked (the clock starts), a
 * clarification asked for (the clock stops) and received (it runs again), an extension of up
 * to two months in all with a reason, completion. A stale version is a conflict.
 */
export async function changeSubjectAccessRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  version: number,
  event: SubjectAccessEvent,
): Promise<SubjectAccessView> {
  await requireAbility(ctx, actor, 'handle_subject_access')
  const today = todayAtCentre(ctx)
  const on = 'on' in event && event.on !== undefined ? event.on : today
  if (!isIsoDate(on) || on > today)
    throw new HavenError('invalid_input', 'a date, today or before', 'event.on')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const request = await findSubjectAccessRequest(trx, actor.centreId, id)
    if (!request) throw new HavenError('not_found', 'no such subject access request')
    if (request.status !== 'open') throw new HavenError('conflict', 'this request is completed')
    if (request.version !== version)
      throw new HavenError('conflict', 'someone else changed this request; reload it', 'version')
    if (on < request.receivedOn)
      throw new HavenError(
        'invalid_input',
        'a date on or after the request was received',
        'event.on',
      )
    const change = await applyEvent(ctx, trx, actor, request, event, on)
    if (!(await updateSubjectAccessRequest(trx, request, change)))
      throw new HavenError('conflict', 'someone else changed this request; reload it', 'version')
    await recordActorEvent(
      ctx,
      trx,
      actor,
      event.kind === 'completed' ? 'subject_access.completed' : 'subject_access.changed',
      id,
      {
        event: event.kind,
      },
    )
    const updated = await findSubjectAccessRequest(trx, actor.centreId, id)
    if (!updated) throw new HavenError('not_found', 'no such subject access request')
    return subjectAccessView(updated, await listPauses(trx, actor.centreId, [id]), today)
  })
}

async function applyEvent(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  request: StoredSubjectAccessRequest,
  event: SubjectAccessEvent,
  on: string,
): Promise<Parameters<typeof updateSubjectAccessRequest>[2]> {
  switch (event.kind) {
    case 'identity_verified':
      if (request.identityStatus === 'verified')
        throw new HavenError('conflict', 'identity is already checked')
      if (event.method.trim() === '')
        throw new HavenError('invalid_input', 'say how identity was checked', 'event.method')
      await endPause(trx, actor.centreId, request.id, 'identity', on)
      return {
        identityStatus: 'verified',
        identityMethod: event.method.trim(),
        identityCheckedBy: actor.accountId,
        identityCheckedOn: on,
      }
    case 'clarification_asked': {
      const open = (await listPauses(trx, actor.centreId, [request.id])).some(
        (p) => p.reason === 'clarification' && p.toOn === undefined,
      )
      if (open) throw new HavenError('conflict', 'a clarification is already awaited')
      await insertPause(trx, {
        id: ctx.newId(),
        centreId: actor.centreId,
        requestId: request.id,
        reason: 'clarification',
        fromOn: on,
        toOn: undefined,
      })
      return {}
    }
    case 'clarification_received':
      if (!(await endPause(trx, actor.centreId, request.id, 'clarification', on)))
        throw new HavenError('conflict', 'no clarification is awaited')
      return {}
    case 'extended': {
      const months = request.extensionMonths + event.months
      if (months > 2)
        throw new HavenError(
          'invalid_input',
          'a request is extended by two months at most',
          'event.months',
          ['SAR'],
        )
      if (event.reason.trim() === '')
        throw new HavenError('invalid_input', 'say why it needs longer', 'event.reason')
      return {
        extensionMonths: months,
        extensionReason: [request.extensionReason, event.reason.trim()].filter(Boolean).join('; '),
      }
    }
    case 'completed':
      if (request.identityStatus !== 'verified')
        throw new HavenError(
          'conflict',
          'identity must be checked before the answer goes out',
          undefined,
          ['SAR'],
        )
      return { status: 'completed', completedOn: on, completedBy: actor.accountId }
  }
}

/**
 * Subject access requests with their clocks, fewest days left first (SAR): every open one for
 * the coordinator, staff and committee (completed ones too on asking); a parent's own. A
 * read: it names the people who asked, so it is audited as a listing.
 */
export async function listSubjectAccess(
  ctx: AppContext,
  actor: Actor,
  filter: {
    status?: 'open' | 'completed' | undefined
    /** A page of answered requests, the latest answered first (status 'completed'). */
    page?: { limit: number; offset: number } | undefined
  },
): Promise<SubjectAccessView[]> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    let personIds: string[] | undefined
    const policy = await policyInForce(ctx, trx, actor.centreId)
    if (!hasAbility(policy, actor, 'read_subject_access')) {
      if (!isParent(actor.roles))
        throw new HavenError(
          'forbidden',
          'subject access requests are handled by the coordinator',
          undefined,
          ['SAR'],
        )
      personIds = (await familyIdsOfAccount(trx, actor.centreId, actor.accountId)).map(
        (r) => r.personId,
      )
    }
    const rows = await listSubjectAccessRequests(trx, actor.centreId, {
      ...(filter.status ? { status: filter.status } : personIds ? {} : { status: 'open' as const }),
      ...(personIds ? { personIds } : {}),
      ...(filter.page && filter.status === 'completed' ? { page: filter.page } : {}),
    })
    const pauses = await listPauses(
      trx,
      actor.centreId,
      rows.map((r) => r.id),
    )
    const today = todayAtCentre(ctx)
    const subjects = await subjectsOf(ctx, trx, actor, rows)
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'subject_access_request', count: rows.length },
    })
    return rows
      .map((r): SubjectAccessView => {
        const view = subjectAccessView(
          r,
          pauses.filter((p) => p.requestId === r.id),
          today,
        )
        const subject = subjects.get(r.id)
        return subject ? { ...view, subject } : view
      })
      .sort((a, b) =>
        filter.page && filter.status === 'completed'
          ? 0
          : a.daysLeft - b.daysLeft || (a.id < b.id ? -1 : 1),
      )
  })
}

/** One request with its clock and what its latest bundle withheld, and why. */
export async function readSubjectAccess(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<SubjectAccessView> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const request = await requestInReach(ctx, trx, actor, id)
    const view = subjectAccessView(
      request,
      await listPauses(trx, actor.centreId, [id]),
      todayAtCentre(ctx),
    )
    const withheld = (await listWithheldItems(trx, actor.centreId, id)).map((w) => ({
      ...w,
      recordId: w.recordId ?? null,
    }))
    const released = (await listReleases(trx, actor.centreId, id)).map((r) => ({
      item: r.item,
      recordId: r.recordId,
      reason: r.reason,
      releasedOn: ukDateOf(r.releasedAt),
    }))
    const subjects = await subjectsOf(ctx, trx, actor, [request])
    const subject = subjects.get(id)
    const note = request.note
    return subject
      ? { ...view, withheld, released, subject, ...(note === undefined ? {} : { note }) }
      : { ...view, withheld, released }
  })
}

/**
 * The subjects of requests by name and family reference, for those who handle requests (the
 * coordinator and staff read family records by their role) and for a subject their own. The
 * committee follows the clocks, not whose they are (NDX: it does not read family records).
 */
async function subjectsOf(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  requests: readonly StoredSubjectAccessRequest[],
): Promise<Map<string, { name: string; familyReference: string }>> {
  const isHandler = hasAbility(
    await policyInForce(ctx, trx, actor.centreId),
    actor,
    'handle_subject_access',
  )
  const references = await familyReferences(
    trx,
    actor.centreId,
    requests.map((r) => r.familyId),
  )
  const out = new Map<string, { name: string; familyReference: string }>()
  for (const r of requests) {
    const person = await findPerson(trx, actor.centreId, r.personId)
    if (person && (isHandler || person.accountId === actor.accountId))
      out.set(r.id, {
        name: [person.givenName, person.familyName].filter(Boolean).join(' '),
        familyReference: references.get(r.familyId) ?? '',
      })
  }
  return out
}

/** The request, if the actor handles requests or is its subject; otherwise not found. */
export async function requestInReach(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  id: string,
): Promise<StoredSubjectAccessRequest & { subject: PersonRecord; isSubject: boolean }> {
  const request = await findSubjectAccessRequest(trx, actor.centreId, id)
  const subject = request && (await findPerson(trx, actor.centreId, request.personId))
  const isSubject = subject?.accountId !== undefined && subject.accountId === actor.accountId
  const mayRead = hasAbility(
    await policyInForce(ctx, trx, actor.centreId),
    actor,
    'read_subject_access',
  )
  if (!request || !subject || (!isSubject && !mayRead))
    throw new HavenError('not_found', 'no such subject access request')
  return { ...request, subject, isSubject }
}
