import { isIsoDate } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import { consentStateOn, type ConsentState } from '../domain/outward/consent.ts'
import type { DISCLOSURE_CATEGORIES, PURPOSES, RECIPIENT_KINDS } from '../domain/policy/request.ts'
import {
  insertConsent,
  insertConsentWithdrawal,
  listConsents as listStoredConsents,
  type ConsentWithWithdrawal,
} from '../storage/consents.ts'
import type { Db } from '../storage/database.ts'
import { findPerson, touchFamily, type PersonRecord } from '../storage/families.ts'
import { findAgency } from '../storage/referrals.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { hasAbility, policyInForce } from './policy-access.ts'

export const CONSENT_EVIDENCE = ['written', 'verbal', 'in_haven'] as const

export interface ConsentInput {
  personId: string
  category: (typeof DISCLOSURE_CATEGORIES)[number]
  /** A named recipient: one of the centre's agencies by id, or a kind and a name. */
  recipient: { agencyId: string } | { kind: (typeof RECIPIENT_KINDS)[number]; name: string }
  purpose: (typeof PURPOSES)[number]
  evidence: (typeof CONSENT_EVIDENCE)[number]
  evidenceReference?: string | undefined
  givenOn: string
  expiresOn?: string | undefined
}

export interface ConsentView {
  id: string
  personId: string
  category: string
  recipient: { kind: string; name: string }
  purpose: string
  evidence: string
  evidenceReference: string | null
  givenOn: string
  expiresOn: string | null
  withdrawnOn: string | null
  state: ConsentState
}

/**
 * Who may record or withdraw a person's consent (CONTACT): the coordinator or staff, or the
 * parent themselves for their own. Anyone else is told the person does not exist.
 */
async function personForConsent(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  personId: string,
): Promise<{ person: PersonRecord; isSelf: boolean; isRecorder: boolean }> {
  const person = await findPerson(trx, actor.centreId, personId)
  const isSelf = person !== undefined && person.accountId === actor.accountId
  const isRecorder = hasAbility(
    await policyInForce(ctx, trx, actor.centreId),
    actor,
    'record_consents',
  )
  if (!person || (!isSelf && !isRecorder)) throw new HavenError('not_found', 'no such person')
  if (person.kind === 'child')
    throw new HavenError('invalid_input', 'consent is recorded for an adult', 'personId')
  return { person, isSelf, isRecorder }
}

/**
 * Records a consent given (CONTACT): per person, per category, per named recipient, for a
 * purpose, with how it was given, when, and any expiry. A recipient that is not one of the
 * centre's agencies, or has no name, is refused and nothing is written. A parent may consent
 * to their former partner having their contact details (the seeds forbid it only "without
 * their permission"); what then goes is decided, confirmed and registered like any other
 * disclosure (decision 0027).
 */
export async function recordConsent(
  ctx: AppContext,
  actor: Actor,
  input: ConsentInput,
): Promise<{ id: string }> {
  if (!isIsoDate(input.givenOn))
    throw new HavenError('invalid_input', 'givenOn is a date, YYYY-MM-DD', 'givenOn')
  if (
    input.expiresOn !== undefined &&
    !(isIsoDate(input.expiresOn) && input.expiresOn >= input.givenOn)
  )
    throw new HavenError('invalid_input', 'expiresOn is a date on or after givenOn', 'expiresOn')
  if (input.givenOn > todayAtCentre(ctx))
    throw new HavenError('invalid_input', 'consent cannot be given in the future', 'givenOn')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const { person, isSelf, isRecorder } = await personForConsent(ctx, trx, actor, input.personId)
    let recipient: { kind: string; name: string }
    if ('agencyId' in input.recipient) {
      const agency = await findAgency(trx, actor.centreId, input.recipient.agencyId)
      if (!agency)
        throw new HavenError('invalid_input', 'no such agency at this centre', 'recipient.agencyId')
      recipient = { kind: 'referring_agency', name: agency.name }
    } else {
      if (input.recipient.name.trim() === '')
        throw new HavenError('invalid_input', 'name the recipient', 'recipient.name')
      recipient = { kind: input.recipient.kind, name: input.recipient.name.trim() }
    }
    const id = ctx.newId()
    const at = ctx.now().toISOString()
    await insertConsent(trx, {
      id,
      centreId: actor.centreId,
      familyId: person.familyId,
      personId: person.id,
      category: input.category,
      recipientKind: recipient.kind,
      recipientName: recipient.name,
      purpose: input.purpose,
      evidence: isSelf && !isRecorder ? 'in_haven' : input.evidence,
      evidenceReference: input.evidenceReference?.trim() || undefined,
      givenOn: input.givenOn,
      expiresOn: input.expiresOn,
      recordedBy: actor.accountId,
      recordedAt: at,
    })
    await touchFamily(trx, actor.centreId, person.familyId, at)
    await recordEvent(trx, {
      type: 'consent.given',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { personId: person.id, category: input.category, purpose: input.purpose },
    })
    return { id }
  })
}

/**
 * Withdraws a consent (CONTACT): a new event, never an edit of the consent. From the day of
 * withdrawal nothing more goes under it; what went before stays in the register.
 */
export async function withdrawConsent(
  ctx: AppContext,
  actor: Actor,
  consentId: string,
  input: { withdrawnOn?: string | undefined; evidence: (typeof CONSENT_EVIDENCE)[number] },
): Promise<{ id: string; withdrawnOn: string }> {
  const today = todayAtCentre(ctx)
  const withdrawnOn = input.withdrawnOn ?? today
  if (!isIsoDate(withdrawnOn) || withdrawnOn > today)
    throw new HavenError('invalid_input', 'withdrawnOn is a date, today or before', 'withdrawnOn')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const [consent] = await listStoredConsents(trx, actor.centreId, { id: consentId })
    if (!consent) throw new HavenError('not_found', 'no such consent')
    const { isSelf, isRecorder } = await personForConsent(ctx, trx, actor, consent.personId).catch(
      () => {
        throw new HavenError('not_found', 'no such consent')
      },
    )
    if (consent.withdrawnOn !== undefined)
      throw new HavenError('conflict', 'this consent has already been withdrawn')
    if (withdrawnOn < consent.givenOn)
      throw new HavenError('invalid_input', 'withdrawn before it was given', 'withdrawnOn')
    const id = ctx.newId()
    const at = ctx.now().toISOString()
    await insertConsentWithdrawal(trx, {
      id,
      centreId: actor.centreId,
      consentId,
      familyId: consent.familyId,
      withdrawnOn,
      evidence: isSelf && !isRecorder ? 'in_haven' : input.evidence,
      recordedBy: actor.accountId,
      recordedAt: at,
    })
    await touchFamily(trx, actor.centreId, consent.familyId, at)
    await recordEvent(trx, {
      type: 'consent.withdrawn',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: consentId,
      details: { personId: consent.personId },
    })
    return { id, withdrawnOn }
  })
}

/**
 * A person's consents and their state today: all of a family's for the coordinator and staff,
 * a parent's own for that parent. Audited as a read.
 */
export async function listConsents(
  ctx: AppContext,
  actor: Actor,
  personId: string,
): Promise<ConsentView[]> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const { person } = await personForConsent(ctx, trx, actor, personId)
    const rows = await listStoredConsents(trx, actor.centreId, { personId: person.id })
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: person.id,
      details: { resource: 'consent', count: rows.length },
    })
    const today = todayAtCentre(ctx)
    return rows.map((row) => consentView(row, today))
  })
}

export function consentView(row: ConsentWithWithdrawal, today: string): ConsentView {
  return {
    id: row.id,
    personId: row.personId,
    category: row.category,
    recipient: { kind: row.recipientKind, name: row.recipientName },
    purpose: row.purpose,
    evidence: row.evidence,
    evidenceReference: row.evidenceReference ?? null,
    givenOn: row.givenOn,
    expiresOn: row.expiresOn ?? null,
    withdrawnOn: row.withdrawnOn ?? null,
    state: consentStateOn(row, today),
  }
}
