import { isIsoDate, ukDateOf } from '../domain/calendar.ts'
import { childDateOfBirthProblem } from '../domain/cases/children.ts'
import {
  canMoveReferral,
  isReferralStatus,
  nextStatuses,
  type ReferralStatus,
} from '../domain/cases/referral-lifecycle.ts'
import { HavenError } from '../domain/errors.ts'
import type { Db } from '../storage/database.ts'
import {
  insertFamily,
  insertPeople,
  nextFamilyReference,
  type StoredPerson,
  touchFamily,
} from '../storage/families.ts'
import {
  findAgency,
  findReferral,
  insertReferral,
  insertReferralEvent,
  updateReferralArrangements,
  updateReferralStatus,
  type CourtOrder,
} from '../storage/referrals.ts'
import { linkAgencyOfReferrer } from './case-access.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { indexFamily, peopleOfReferral } from './family-search.ts'
import { createFamilyKey, encryptField } from './field-crypto.ts'
import { inCentre } from './in-centre.ts'
import { hasAbility, requireAbility } from './policy-access.ts'

export interface ContactDetailsInput {
  address?: string | undefined
  phone?: string | undefined
  email?: string | undefined
}

export interface ReferralInput {
  /** For the coordinator or staff recording a referral: the agency, or none for a self-referral. */
  agencyId?: string | undefined
  receivedOn?: string | undefined
  parents: {
    kind: 'resident_parent' | 'non_resident_parent'
    givenName: string
    familyName: string
    relationship?: string | undefined
    hasParentalResponsibility: boolean
    contactDetails?: ContactDetailsInput | undefined
  }[]
  children: { givenName: string; familyName: string; dateOfBirth: string }[]
  /** Others named on the referral who may come to sessions (a grandparent, a new partner). */
  namedPeople?: { givenName: string; familyName: string; relationship: string }[] | undefined
  courtOrder?: CourtOrder | undefined
  availability?: string | undefined
  isSeparationRequired: boolean
  safetyFlags?: string[] | undefined
}

export interface ReceivedReferral {
  referralId: string
  familyId: string
  reference: string
  status: ReferralStatus
}

/**
 * Receives a referral (ENGINEERING.md §1): a family record with its people and their
 * contact details sealed under a new family key, the referral at `received`, and the
 * audit entry, in one transaction. A referrer refers for their own agency; the coordinator
 * or staff record one on an agency's behalf or as a self-referral.
 */
export async function receiveReferral(
  ctx: AppContext,
  actor: Actor,
  input: ReferralInput,
): Promise<ReceivedReferral> {
  const policy = await requireAbility(ctx, actor, 'refer_families')
  // A referrer refers for their own agency; those who record referrals, for any.
  const isRecorder = hasAbility(policy, actor, 'record_referrals')
  const now = ctx.now().toISOString()
  const today = ukDateOf(now)
  assertReferralInput(input, today)
  return inCentre(ctx, actor.centreId, async (trx) => {
    const agencyId = isRecorder
      ? await recordedAgency(trx, actor, input.agencyId)
      : await referrersAgency(ctx, trx, actor, input.agencyId)
    return writeReferral(ctx, trx, actor, { ...input, agencyId }, 'received')
  })
}

/**
 * Writes a checked referral in the caller's transaction: the family, its people sealed under
 * a new family key, their search terms, the referral at `status` with its first event, and the
 * audit entry. `receiveReferral` writes one at `received`; an import (src/app/centre-import.ts)
 * writes a family the centre already knew at the status it has reached on paper.
 */
export async function writeReferral(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  input: ReferralInput,
  status: ReferralStatus,
): Promise<ReceivedReferral> {
  const now = ctx.now().toISOString()
  const receivedOn = input.receivedOn ?? ukDateOf(now)
  const agencyId = input.agencyId
  const familyId = ctx.newId()
  const reference = await nextFamilyReference(trx, actor.centreId)
  const { key, wrapped } = createFamilyKey(ctx.masterKey, familyId)
  await insertFamily(trx, {
    id: familyId,
    centreId: actor.centreId,
    reference,
    wrappedKey: wrapped,
    keyVersion: 1,
    createdAt: now,
    lastActivityAt: now,
    isSeparationRequired: input.isSeparationRequired,
    safetyFlags: input.safetyFlags ?? [],
  })
  const people = peopleOf(ctx, actor.centreId, familyId, key, input, now)
  await insertPeople(trx, people)
  await indexFamily(ctx, trx, actor.centreId, familyId, peopleOfReferral(input))
  const referralId = ctx.newId()
  await insertReferral(trx, {
    id: referralId,
    centreId: actor.centreId,
    familyId,
    agencyId,
    referredBy: actor.accountId,
    status,
    receivedOn,
    childrenLiveWith: people.find((p) => p.kind === 'resident_parent')?.id,
    courtOrder: input.courtOrder,
    availability: input.availability,
    version: 1,
    createdAt: now,
    updatedAt: now,
  })
  await insertReferralEvent(trx, actor.centreId, {
    id: ctx.newId(),
    referralId,
    fromStatus: undefined,
    toStatus: status,
    at: now,
    byAccount: actor.accountId,
  })
  await recordEvent(trx, {
    type: 'referral.received',
    at: ctx.now(),
    centreId: actor.centreId,
    actorId: actor.accountId,
    subjectId: referralId,
    details: { familyId, agencyId: agencyId ?? null, people: people.length },
  })
  return { referralId, familyId, reference, status }
}

/**
 * Moves a referral along its lifecycle (pre-visits, risk assessed, accepted or declined,
 * waiting, active, closed). Only the coordinator and staff do; a stale version is a
 * conflict and the newer state stays.
 */
export async function moveReferral(
  ctx: AppContext,
  actor: Actor,
  referralId: string,
  change: { to: string; version: number },
): Promise<{ status: ReferralStatus; version: number }> {
  await requireAbility(ctx, actor, 'decide_referrals')
  if (!isReferralStatus(change.to))
    throw new HavenError('invalid_input', `no such status: ${change.to}`, 'to')
  const to = change.to
  return inCentre(ctx, actor.centreId, async (trx) => {
    const referral = await findReferral(trx, actor.centreId, referralId)
    if (!referral) throw new HavenError('not_found', 'no such referral')
    const from = referral.status as ReferralStatus
    if (referral.version !== change.version)
      throw new HavenError('conflict', 'someone else changed this referral; reload it', 'version')
    if (!canMoveReferral(from, to))
      throw new HavenError(
        'conflict',
        `a ${from.replaceAll('_', ' ')} referral can move only to ${nextStatuses(from).join(', ') || 'nothing: it is final'}`,
        'to',
      )
    const at = ctx.now().toISOString()
    if (!(await updateReferralStatus(trx, referral, { status: to, at })))
      throw new HavenError('conflict', 'someone else changed this referral; reload it', 'version')
    await insertReferralEvent(trx, actor.centreId, {
      id: ctx.newId(),
      referralId,
      fromStatus: from,
      toStatus: to,
      at,
      byAccount: actor.accountId,
    })
    await touchFamily(trx, actor.centreId, referral.familyId, at)
    await recordEvent(trx, {
      type: 'referral.moved',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: referralId,
      details: { from, to },
    })
    return { status: to, version: referral.version + 1 }
  })
}

async function recordedAgency(
  trx: Db,
  actor: Actor,
  agencyId: string | undefined,
): Promise<string | undefined> {
  if (agencyId === undefined) return undefined
  if (!(await findAgency(trx, actor.centreId, agencyId)))
    throw new HavenError('invalid_input', 'no such agency at this centre', 'agencyId')
  return agencyId
}

/** A referrer refers for their own agency. */
async function referrersAgency(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  asked: string | undefined,
): Promise<string> {
  const agencyId = await linkAgencyOfReferrer(ctx, trx, actor)
  if (agencyId === undefined)
    throw new HavenError('forbidden', 'this referrer has no agency on record')
  if (asked !== undefined && asked !== agencyId)
    throw new HavenError('forbidden', 'a referrer refers only for their own agency', 'agencyId')
  return agencyId
}

function peopleOf(
  ctx: AppContext,
  centreId: string,
  familyId: string,
  key: Buffer,
  input: ReferralInput,
  now: string,
): StoredPerson[] {
  const seal = (personId: string, field: string, value: string | undefined) =>
    value === undefined || value.trim() === ''
      ? undefined
      : encryptField(key, { familyId, field: `person:${personId}:${field}`, keyVersion: 1 }, value)
  const base = { centreId, familyId, createdAt: now }
  const parents = input.parents.map((parent): StoredPerson => {
    const id = ctx.newId()
    return {
      ...base,
      id,
      kind: parent.kind,
      givenName: parent.givenName,
      familyName: parent.familyName,
      dateOfBirth: undefined,
      relationship: parent.relationship,
      hasParentalResponsibility: parent.hasParentalResponsibility,
      mayAttend: true,
      addressCiphertext: seal(id, 'address', parent.contactDetails?.address),
      phoneCiphertext: seal(id, 'phone', parent.contactDetails?.phone),
      emailCiphertext: seal(id, 'email', parent.contactDetails?.email),
    }
  })
  const children = input.children.map((child): StoredPerson => ({
    ...base,
    id: ctx.newId(),
    kind: 'child',
    givenName: child.givenName,
    familyName: child.familyName,
    dateOfBirth: child.dateOfBirth,
    mayAttend: true,
    addressCiphertext: undefined,
    phoneCiphertext: undefined,
  }))
  const named = (input.namedPeople ?? []).map((person): StoredPerson => ({
    ...base,
    id: ctx.newId(),
    kind: 'other_adult',
    givenName: person.givenName,
    familyName: person.familyName,
    relationship: person.relationship,
    dateOfBirth: undefined,
    mayAttend: true,
    addressCiphertext: undefined,
    phoneCiphertext: undefined,
  }))
  return [...parents, ...children, ...named]
}

/** What the schema cannot say: one parent of each kind at most, real dates. */
export function assertReferralInput(input: ReferralInput, today: string): void {
  for (const kind of ['resident_parent', 'non_resident_parent'] as const) {
    if (input.parents.filter((p) => p.kind === kind).length > 1)
      throw new HavenError('invalid_input', `at most one ${kind.replaceAll('_', ' ')}`, 'parents')
  }
  input.children.forEach((child, index) => {
    // Under 18 on the day the referral was received (src/domain/cases/children.ts).
    const problem = childDateOfBirthProblem(child.dateOfBirth, today, {
      referredOn: input.receivedOn ?? today,
    })
    if (problem !== undefined)
      throw new HavenError('invalid_input', problem, `children.${String(index)}.dateOfBirth`)
  })
  if (input.receivedOn !== undefined && !isIsoDate(input.receivedOn))
    throw new HavenError('invalid_input', 'receivedOn is a real date, YYYY-MM-DD', 'receivedOn')
  if (input.receivedOn !== undefined && input.receivedOn > today)
    throw new HavenError(
      'invalid_input',
      'a referral is received today or before: that date is still to come',
      'receivedOn',
    )
}

/**
 * Changes a referral's arrangements: when the family can come, and the court order (DPA: the
 * coordinator and staff keep records accurate). Both are given as they should now stand; an
 * empty availability or no order removes it. A stale version is a conflict; the audit entry
 * names what changed, never the words.
 */
export async function changeArrangements(
  ctx: AppContext,
  actor: Actor,
  referralId: string,
  change: {
    availability?: string | undefined
    courtOrder?: CourtOrder | undefined
    version: number
  },
): Promise<{ version: number }> {
  await requireAbility(ctx, actor, 'decide_referrals')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const referral = await findReferral(trx, actor.centreId, referralId)
    if (!referral) throw new HavenError('not_found', 'no such referral')
    const availability =
      change.availability?.trim() === '' ? undefined : change.availability?.trim()
    const at = ctx.now().toISOString()
    if (
      !(await updateReferralArrangements(
        trx,
        { centreId: actor.centreId, id: referralId, version: change.version },
        { availability, courtOrder: change.courtOrder, at },
      ))
    )
      throw new HavenError('conflict', 'someone else changed this referral; reload it', 'version')
    await touchFamily(trx, actor.centreId, referral.familyId, at)
    await recordEvent(trx, {
      type: 'referral.changed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: referralId,
      details: {
        fields: [
          ...(availability !== referral.availability ? ['availability'] : []),
          ...(JSON.stringify(change.courtOrder ?? null) !==
          JSON.stringify(referral.courtOrder ?? null)
            ? ['courtOrder']
            : []),
        ],
      },
    })
    return { version: change.version + 1 }
  })
}
