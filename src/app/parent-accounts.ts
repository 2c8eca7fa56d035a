import { HavenError } from '../domain/errors.ts'
import { isParent } from '../domain/policy/accounts.ts'
import { listRolesInCentre } from '../storage/accounts.ts'
import {
  familyIdsOfAccount,
  familyReferences,
  findPerson,
  setPersonAccount,
} from '../storage/families.ts'
import type { Actor } from './actor.ts'
import { requireAbility } from './policy-access.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'

/**
 * Links an invited parent's account to their own person record, so that they read their own
 * family's record and contact details (SAR, CONTACT: "a parent sees their own") and never
 * the other parent's. Only the coordinator and staff link; only a parent account, only to
 * an adult of the family, and only once.
 */
export async function linkParentAccount(
  ctx: AppContext,
  actor: Actor,
  personId: string,
  accountId: string,
): Promise<void> {
  await requireAbility(ctx, actor, 'link_parent_accounts')
  await inCentre(ctx, actor.centreId, async (trx) => {
    const person = await findPerson(trx, actor.centreId, personId)
    if (!person) throw new HavenError('not_found', 'no such person')
    if (person.kind !== 'resident_parent' && person.kind !== 'non_resident_parent')
      throw new HavenError('invalid_input', 'only a parent is linked to an account', 'personId')
    if (person.accountId !== undefined)
      throw new HavenError('conflict', 'this person already has an account')
    const roles = await listRolesInCentre(trx, actor.centreId, accountId)
    if (!isParent(roles.map((role) => role.role)))
      throw new HavenError(
        'invalid_input',
        'that account is not a parent at this centre',
        'accountId',
      )
    await setPersonAccount(trx, actor.centreId, personId, accountId)
    await recordEvent(trx, {
      type: 'person.account_linked',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: personId,
      details: { accountId, familyId: person.familyId },
    })
  })
}

/** The person records a parent's account is linked to, with their family's reference. */
export async function ownPeople(
  ctx: AppContext,
  actor: Actor,
): Promise<{ personId: string; familyId: string; familyReference: string }[]> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const own = await familyIdsOfAccount(trx, actor.centreId, actor.accountId)
    const references = await familyReferences(
      trx,
      actor.centreId,
      own.map((o) => o.familyId),
    )
    return own
      .filter((o) => references.has(o.familyId))
      .map((o) => ({ ...o, familyReference: references.get(o.familyId) ?? '' }))
  })
}
