import { HavenError } from '../domain/errors.ts'
import type { Decision } from '../domain/policy/decision.ts'
import { findFamily, findPerson, insertRevealReason } from '../storage/families.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import {
  maySeeFamily,
  relationshipThroughFamily,
  relationshipToFamily,
  todayAtCentre,
} from './case-access.ts'
import type { AppContext } from './context.ts'
import { decryptField, unwrapFamilyKey } from './field-crypto.ts'
import { inCentre } from './in-centre.ts'
import { keyedHash } from './secrets.ts'
import { decide, policyActor, policyInForce } from './policy-access.ts'

export interface ContactDetails {
  address?: string
  phone?: string
  email?: string
}

export type RevealOutcome =
  | { effect: 'permit'; clauses: string[]; contactDetails: ContactDetails }
  | { effect: 'deny'; clauses: string[]; reasons: string[] }

/**
 * Reveals one person's contact details (CONTACT, SECURE): only the roles the policy names,
 * with a reason that is kept with the family, or the person themselves; never the other
 * parent. Every reveal, and every refusal, is in the audit log (ids and a keyed hash of the
 * reason, never the details or the reason's words). A refusal is a value, not an error, for
 * whoever may see the person's family; to anyone else the person is `not_found`, exactly as
 * one that does not exist (the refusal is audited all the same).
 */
export async function revealContactDetails(
  ctx: AppContext,
  actor: Actor,
  personId: string,
  reason: string,
): Promise<RevealOutcome> {
  const outcome = await inCentre(ctx, actor.centreId, async (trx) => {
    const person = await findPerson(trx, actor.centreId, personId)
    if (!person) return undefined
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const today = todayAtCentre(ctx)
    const toFamily = await relationshipToFamily(ctx, trx, policy, actor, person.familyId, today)
    const relationship = relationshipThroughFamily(actor, person, toFamily)
    const decision: Decision = decide(policy, {
      action: 'reveal',
      actor: policyActor(actor, relationship),
      resource: { type: 'person', field: 'contact_details' },
      reason,
    })
    const base = {
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: personId,
    }
    // Nobody reveals the details of a person whose family they may not see: the family read
    // comes first (NDX), whatever the reveal decision (a policy may name a role for reveals
    // that reads no family records).
    const maySee = await maySeeFamily(ctx, trx, policy, actor, person.familyId, toFamily)
    if (decision.effect === 'deny' || !maySee) {
      await recordEvent(trx, {
        ...base,
        type: 'contact.reveal_refused',
        details: { familyId: person.familyId, relationship, clauses: decision.clauses },
      })
      if (!maySee || decision.effect !== 'deny') return undefined
      return { effect: 'deny' as const, clauses: decision.clauses, reasons: decision.reasons }
    }
    const family = await findFamily(trx, actor.centreId, person.familyId)
    if (!family) return undefined
    let reasonId: string | null = null
    if (decision.obligations.some((o) => o.kind === 'record_reason')) {
      reasonId = ctx.newId()
      await insertRevealReason(trx, {
        id: reasonId,
        centreId: actor.centreId,
        familyId: person.familyId,
        personId,
        accountId: actor.accountId,
        reason: reason.trim(),
        at: ctx.now().toISOString(),
      })
    }
    await recordEvent(trx, {
      ...base,
      type: 'contact.revealed',
      details: {
        familyId: person.familyId,
        relationship,
        clauses: decision.clauses,
        reasonId,
        reasonHash: keyedHash(ctx.masterKey, 'reveal-reason', reason.trim()),
      },
    })
    const contactDetails = openContactDetails(ctx, family, person)
    return {
      effect: 'permit' as const,
      clauses: decision.clauses,
      contactDetails,
    }
  })
  if (!outcome) throw new HavenError('not_found', 'no such person')
  return outcome
}

/**
 * Opens a person's sealed contact details under their family's key (unwrapped only when there
 * is something to open: a family whose key was shredded has nothing left to open).
 */
export function openContactDetails(
  ctx: AppContext,
  family: { id: string; wrappedKey: string; keyVersion: number },
  person: {
    id: string
    addressCiphertext: string | undefined
    phoneCiphertext: string | undefined
    emailCiphertext: string | undefined
  },
): ContactDetails {
  const details: ContactDetails = {}
  let key: Buffer | undefined
  const fields = [
    ['address', person.addressCiphertext],
    ['phone', person.phoneCiphertext],
    ['email', person.emailCiphertext],
  ] as const
  for (const [field, sealed] of fields) {
    if (sealed === undefined) continue
    key ??= unwrapFamilyKey(ctx.masterKey, family.id, family.wrappedKey)
    details[field] = decryptField(
      key,
      { familyId: family.id, field: `person:${person.id}:${field}`, keyVersion: family.keyVersion },
      sealed,
    )
  }
  return details
}
