import { HavenError } from '../domain/errors.ts'
import { childDateOfBirthProblem } from '../domain/cases/children.ts'
import {
  findFamily,
  findPerson,
  insertPeople,
  listPeopleOfFamily,
  type PersonRecord,
  touchFamily,
  updatePerson,
} from '../storage/families.ts'
import { listReferrals } from '../storage/referrals.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { maySeeFamily, todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { encryptField, unwrapFamilyKey } from './field-crypto.ts'
import { inCentre } from './in-centre.ts'
import { indexFamily } from './family-search.ts'
import { decide, policyActor, policyInForce, refusal } from './policy-access.ts'

export interface PersonChange {
  givenName: string
  familyName: string
  relationship?: string | undefined
  hasParentalResponsibility: boolean
  mayAttend: boolean
  /** A child's date of birth (a child's only): the referral's rules; absent leaves it. */
  dateOfBirth?: string | undefined
  /** A new address, phone or e-mail; empty text removes it; absent leaves it as it is. */
  contactDetails?:
    | { address?: string | undefined; phone?: string | undefined; email?: string | undefined }
    | undefined
  version: number
}

/**
 * Corrects a person's record (DPA: the coordinator and staff correct records, keeping the
 * history in the audit log). New contact details are sealed under the family's key; the
 * audit entry names the fields changed, never their values. A stale version is a conflict.
 * Refused to whoever may see the person's family; to anyone else the person is not found.
 */
export async function correctPerson(
  ctx: AppContext,
  actor: Actor,
  personId: string,
  change: PersonChange,
): Promise<{ version: number }> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const person = await findPerson(trx, actor.centreId, personId)
    if (!person) throw new HavenError('not_found', 'no such person')
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decision = decide(policy, {
      action: 'rectify',
      actor: policyActor(actor, 'none'),
      resource: { type: 'person' },
    })
    if (decision.effect === 'deny')
      throw (await maySeeFamily(ctx, trx, policy, actor, person.familyId))
        ? refusal(decision)
        : new HavenError('not_found', 'no such person')
    const family = await findFamily(trx, actor.centreId, person.familyId)
    if (!family) throw new HavenError('not_found', 'no such person')
    if (change.dateOfBirth !== undefined && change.dateOfBirth !== person.dateOfBirth) {
      if (person.kind !== 'child')
        throw new HavenError(
          'invalid_input',
          'a date of birth is kept for children only',
          'dateOfBirth',
        )
      // The referral's rule: under 18 on the day the family was referred.
      const referral = (
        await listReferrals(trx, actor.centreId, { familyIds: [family.id], limit: 1 })
      )[0]
      const today = todayAtCentre(ctx)
      const problem = childDateOfBirthProblem(change.dateOfBirth, today, {
        referredOn: referral?.receivedOn ?? today,
      })
      if (problem !== undefined) throw new HavenError('invalid_input', problem, 'dateOfBirth')
    }
    const key = unwrapFamilyKey(ctx.masterKey, family.id, family.wrappedKey)
    const seal = (field: 'address' | 'phone' | 'email'): string | null | undefined => {
      const value = change.contactDetails?.[field]
      if (value === undefined) return undefined
      if (value.trim() === '') return null
      return encryptField(
        key,
        {
          familyId: family.id,
          field: `person:${personId}:${field}`,
          keyVersion: family.keyVersion,
        },
        value.trim(),
      )
    }
    const sealed = { address: seal('address'), phone: seal('phone'), email: seal('email') }
    const at = ctx.now().toISOString()
    const isChanged = await updatePerson(
      trx,
      { centreId: actor.centreId, id: personId, version: change.version },
      { ...change, relationship: change.relationship, sealed, at },
    )
    if (!isChanged)
      throw new HavenError('conflict', 'someone else changed this person; reload it', 'version')
    await touchFamily(trx, actor.centreId, family.id, at)
    await indexFamily(ctx, trx, actor.centreId, family.id)
    await recordEvent(trx, {
      type: 'person.corrected',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: personId,
      details: {
        familyId: family.id,
        // Which fields changed, never what they held or now hold.
        fields: changedFields(person, change),
        contactFields: Object.entries(sealed)
          .filter(([, v]) => v !== undefined)
          .map(([k]) => k),
        clauses: decision.clauses,
      },
    })
    return { version: change.version + 1 }
  })
}

/** The fields of a person's record a correction changes, by name. */
function changedFields(person: PersonRecord, change: PersonChange): string[] {
  const fields: string[] = []
  if (change.givenName !== person.givenName) fields.push('givenName')
  if (change.familyName !== person.familyName) fields.push('familyName')
  if ((change.relationship ?? undefined) !== (person.relationship ?? undefined))
    fields.push('relationship')
  if (change.hasParentalResponsibility !== person.hasParentalResponsibility)
    fields.push('hasParentalResponsibility')
  if (change.mayAttend !== person.mayAttend) fields.push('mayAttend')
  if (change.dateOfBirth !== undefined && change.dateOfBirth !== person.dateOfBirth)
    fields.push('dateOfBirth')
  return fields
}

/** The most children a family holds: the referral's own limit. */
export const MOST_CHILDREN = 12

/**
 * Adds a child to a family (DPA: the coordinator and staff keep records accurate; a child
 * born, or left off the referral). A child has no contact details, so nothing is sealed; the
 * family's search terms are written again with the child's name. The date of birth follows
 * the referral's rules, the child under 18 today. Refused to whoever may see the family; to
 * anyone else it is not found. The audit entry names the family and the new record only.
 */
export async function addChild(
  ctx: AppContext,
  actor: Actor,
  familyId: string,
  child: { givenName: string; familyName: string; dateOfBirth: string; mayAttend: boolean },
): Promise<{ personId: string }> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const family = await findFamily(trx, actor.centreId, familyId)
    if (!family) throw new HavenError('not_found', 'no such family')
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decision = decide(policy, {
      action: 'rectify',
      actor: policyActor(actor, 'none'),
      resource: { type: 'person' },
    })
    if (decision.effect === 'deny')
      throw (await maySeeFamily(ctx, trx, policy, actor, familyId))
        ? refusal(decision)
        : new HavenError('not_found', 'no such family')
    const problem = childDateOfBirthProblem(child.dateOfBirth, todayAtCentre(ctx), 'today')
    if (problem !== undefined) throw new HavenError('invalid_input', problem, 'dateOfBirth')
    const people = await listPeopleOfFamily(trx, actor.centreId, familyId)
    if (people.filter((p) => p.kind === 'child').length >= MOST_CHILDREN)
      throw new HavenError(
        'invalid_input',
        `a family holds ${String(MOST_CHILDREN)} children at most`,
        'givenName',
      )
    const at = ctx.now().toISOString()
    const personId = ctx.newId()
    await insertPeople(trx, [
      {
        id: personId,
        centreId: actor.centreId,
        familyId,
        kind: 'child',
        givenName: child.givenName.trim(),
        familyName: child.familyName.trim(),
        dateOfBirth: child.dateOfBirth,
        mayAttend: child.mayAttend,
        addressCiphertext: undefined,
        phoneCiphertext: undefined,
        createdAt: at,
      },
    ])
    await touchFamily(trx, actor.centreId, familyId, at)
    await indexFamily(ctx, trx, actor.centreId, familyId)
    await recordEvent(trx, {
      type: 'person.added',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: personId,
      details: { familyId, kind: 'child', clauses: decision.clauses },
    })
    return { personId }
  })
}
