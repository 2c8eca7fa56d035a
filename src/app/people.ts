import { HavenError } from '../domain/errors.ts'
import { findFamily, findPerson, touchFamily, updatePerson } from '../storage/families.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { maySeeFamily } from './case-access.ts'
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
        contactFields: Object.entries(sealed)
          .filter(([, v]) => v !== undefined)
          .map(([k]) => k),
        clauses: decision.clauses,
      },
    })
    return { version: change.version + 1 }
  })
}
