import { isIsoDate } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import { consentFor, type ConsentState } from '../domain/outward/consent.ts'
import type { Decision } from '../domain/policy/decision.ts'
import type { CompiledPolicy } from '../domain/policy/engine.ts'
import { rolesFor } from '../domain/policy/abilities.ts'
import {
  EXCEPTION_NEEDS_CONCERN,
  EXCEPTION_NEEDS_REASON,
} from '../domain/policy/disclosure-rules.ts'
import type {
  AtRisk,
  DISCLOSURE_CATEGORIES,
  PURPOSES,
  RECIPIENT_KINDS,
} from '../domain/policy/request.ts'
import type { Role } from '../domain/roles.ts'
import { listConsents } from '../storage/consents.ts'
import type { Db } from '../storage/database.ts'
import { insertDisclosure, type StoredDisclosure } from '../storage/disclosures.ts'
import { findFamily, findPerson, touchFamily } from '../storage/families.ts'
import { findIncident } from '../storage/incidents.ts'
import { agencyIdsOfFamily, findAgency } from '../storage/referrals.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { linkAgencyOfReferrer, todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import { notifyRoles } from './incidents.ts'
import { decide, hasAbility, policyInForce, requireAbility } from './policy-access.ts'

export type DisclosureCategory = (typeof DISCLOSURE_CATEGORIES)[number]
export type Purpose = (typeof PURPOSES)[number]
export type { AtRisk }

export interface DisclosureInput {
  familyId: string
  category: DisclosureCategory
  purpose: Purpose
  /** Whose information, for a person's category (contact details). */
  personId?: string | undefined
  /** The agency asking, when the coordinator records a request on its behalf. */
  agencyId?: string | undefined
  /** Anyone else: the kind of recipient and their name. */
  recipient?: { kind: (typeof RECIPIENT_KINDS)[number]; name: string } | undefined
  /** For attendance: the period, YYYY-MM-DD to YYYY-MM-DD (by default, everything). */
  period?: { from: string; to: string } | undefined
  /** EXCEPT: who is at risk. */
  atRisk?: AtRisk | undefined
  /** EXCEPT: the safeguarding concern raised by a worker that this disclosure answers (required). */
  concernId?: string | undefined
  /** EXCEPT (required) and the law path: why, in the authoriser's words (kept in the register only). */
  reason?: string | undefined
  /** "Required by law" (Chichester): the legal basis, e.g. a court order's reference. */
  legalBasis?: string | undefined
}

const EXCEPTION_PURPOSES: readonly Purpose[] = ['safeguarding_child', 'risk_of_violence']

/** The facts the engine decides a disclosure on, rebuilt whenever it is decided again. */
export interface DisclosureFacts {
  category: DisclosureCategory
  purpose: Purpose
  recipient: { kind: string; name: string; isReferrerOfFamily: boolean; isVerified: boolean }
  subjectPersonId: string | undefined
  atRisk: AtRisk | undefined
  legalBasis: string | undefined
  /** EXCEPT: why, and whether the disclosure answers a safeguarding concern of the centre. */
  reason: string | undefined
  hasLinkedConcern: boolean
}

/**
 * Decides a disclosure (ATTEND, NOREPORT, CONTACT, EXCEPT) from its facts, the consents on
 * record today and whether a second person has signed it off, for the requester's roles.
 */
export async function decideDisclosure(
  ctx: AppContext,
  trx: Db,
  policy: CompiledPolicy,
  centreId: string,
  facts: DisclosureFacts,
  requesterRoles: readonly Role[],
  hasSecondSignOff: boolean,
): Promise<{ decision: Decision; consentState: ConsentState | 'not_needed'; consentId?: string }> {
  let consent: ReturnType<typeof consentFor> | undefined
  if (facts.subjectPersonId !== undefined) {
    const consents = await listConsents(trx, centreId, { personId: facts.subjectPersonId })
    consent = consentFor(
      consents,
      {
        personId: facts.subjectPersonId,
        category: facts.category,
        recipientKind: facts.recipient.kind,
        recipientName: facts.recipient.name,
        purpose: facts.purpose,
      },
      todayAtCentre(ctx),
    )
  }
  const decision = decide(policy, {
    action: 'disclose',
    actor: { roles: [...requesterRoles], relationship: 'none', hasSecondFactor: true },
    category: facts.category,
    recipient: {
      kind: facts.recipient.kind as (typeof RECIPIENT_KINDS)[number],
      isReferrerOfFamily: facts.recipient.isReferrerOfFamily,
      isVerified: facts.recipient.isVerified,
    },
    purpose: facts.purpose,
    ...(consent?.engine ? { consent: consent.engine } : {}),
    ...(facts.atRisk ? { atRisk: facts.atRisk } : {}),
    ...(facts.legalBasis ? { legalBasis: facts.legalBasis } : {}),
    ...(facts.reason ? { reason: facts.reason } : {}),
    hasLinkedConcern: facts.hasLinkedConcern,
    hasSecondSignOff,
  })
  return {
    decision,
    consentState: consent ? consent.state : 'not_needed',
    ...(consent?.consentId ? { consentId: consent.consentId } : {}),
  }
}

/**
 * Receives a request to disclose (ATTEND, NOREPORT, CONTACT, EXCEPT, NDX): from a referrer
 * for their own agency, or recorded by the coordinator or staff for an agency or anyone else;
 * an exception or "required by law" disclosure is raised by the role the policy names. The
 * engine decides at once and the entry joins the register: refused (with its clauses), or
 * waiting for the coordinator's confirmation (and a second person's sign-off where the
 * decision asks for one). A family the requester may not know of is not found, and nothing
 * is written.
 */
export async function requestDisclosure(
  ctx: AppContext,
  actor: Actor,
  input: DisclosureInput,
): Promise<{ id: string; status: string; clauses: string[]; reasons: string[] }> {
  await requireAbility(ctx, actor, 'ask_disclosures')
  validatePeriod(input.period)
  if (EXCEPTION_PURPOSES.includes(input.purpose)) {
    // The policy refuses an exception without these (EXCEPT); asked here first, so that a
    // form left short is answered beside its field and nothing enters the register.
    if ((input.reason ?? '').trim() === '')
      throw new HavenError('invalid_input', EXCEPTION_NEEDS_REASON, 'reason', ['EXCEPT'])
    if (input.concernId === undefined)
      throw new HavenError('invalid_input', EXCEPTION_NEEDS_CONCERN, 'concernId', ['EXCEPT'])
  }
  return inCentre(ctx, actor.centreId, async (trx) => {
    const family = await findFamily(trx, actor.centreId, input.familyId)
    if (!family || family.disposedOn !== undefined)
      throw new HavenError('not_found', 'no such family')
    const facts = await disclosureFacts(ctx, trx, actor, input)
    if (input.concernId !== undefined) {
      const concern = await findIncident(trx, actor.centreId, input.concernId)
      if (concern?.kind !== 'safeguarding_concern' || concern.familyId !== family.id)
        throw new HavenError(
          'invalid_input',
          'no such safeguarding concern about this family',
          'concernId',
        )
    }
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const asked = await decideDisclosure(
      ctx,
      trx,
      policy,
      actor.centreId,
      facts.facts,
      actor.roles,
      false,
    )
    const withSignOff = await decideDisclosure(
      ctx,
      trx,
      policy,
      actor.centreId,
      facts.facts,
      actor.roles,
      true,
    )
    const needsSignOff =
      withSignOff.decision.effect === 'permit' &&
      withSignOff.decision.obligations.some((o) => o.kind === 'second_sign_off')
    const decision = needsSignOff ? withSignOff.decision : asked.decision
    const status =
      decision.effect === 'deny'
        ? 'refused'
        : needsSignOff
          ? 'awaiting_sign_off'
          : 'awaiting_confirmation'
    const id = ctx.newId()
    const now = ctx.now().toISOString()
    const today = todayAtCentre(ctx)
    const entry: StoredDisclosure = {
      id,
      centreId: actor.centreId,
      familyId: family.id,
      subjectPersonId: facts.facts.subjectPersonId,
      route: EXCEPTION_PURPOSES.includes(input.purpose)
        ? 'exception'
        : input.purpose === 'required_by_law'
          ? 'law'
          : 'request',
      agencyId: facts.agencyId,
      requestedBy: actor.accountId,
      requesterRoles: [...actor.roles],
      recipientKind: facts.facts.recipient.kind,
      recipientName: facts.facts.recipient.name,
      category: input.category,
      purpose: input.purpose,
      atRisk: input.atRisk,
      concernId: input.concernId,
      reason: input.reason?.trim() || undefined,
      legalBasis: input.legalBasis?.trim() || undefined,
      periodFrom:
        input.category === 'attendance' ? (input.period?.from ?? '2000-01-01') : undefined,
      periodTo: input.category === 'attendance' ? (input.period?.to ?? today) : undefined,
      status,
      consentId: asked.consentId,
      consentState: asked.consentState,
      decisionEffect: decision.effect,
      decisionClauses: decision.clauses,
      decisionReasons: decision.effect === 'deny' ? decision.reasons : [],
      policyVersion: decision.policy.version,
      policyHash: decision.policy.hash,
      requestedAt: now,
      authorisedBy:
        input.purpose === 'required_by_law' || EXCEPTION_PURPOSES.includes(input.purpose)
          ? actor.accountId
          : undefined,
      secondSignOffBy: undefined,
      secondSignOffAt: undefined,
      decidedBy: undefined,
      decidedAt: decision.effect === 'deny' ? now : undefined,
      releasedWhat: undefined,
      releasedBy: undefined,
      releasedAt: undefined,
      personTold: undefined,
      notToldReason: undefined,
      version: 1,
    }
    await insertDisclosure(trx, entry)
    await touchFamily(trx, actor.centreId, family.id, now)
    await recordEvent(trx, {
      type: decision.effect === 'deny' ? 'disclosure.refused' : 'disclosure.requested',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: {
        familyId: family.id,
        category: input.category,
        purpose: input.purpose,
        route: entry.route,
        status,
        consentState: asked.consentState,
        clauses: decision.clauses,
      },
    })
    if (status !== 'refused')
      await notifyRoles(
        ctx,
        trx,
        actor.centreId,
        rolesFor(
          'authorise_disclosures',
          (await policyInForce(ctx, trx, actor.centreId)).parameters,
        ),
      )
    return {
      id,
      status,
      clauses: decision.clauses,
      reasons: decision.effect === 'deny' ? decision.reasons : [],
    }
  })
}

function validatePeriod(period: DisclosureInput['period']): void {
  if (period === undefined) return
  if (!isIsoDate(period.from))
    throw new HavenError('invalid_input', 'a date, YYYY-MM-DD', 'period.from')
  if (!isIsoDate(period.to) || period.to < period.from)
    throw new HavenError('invalid_input', 'a date on or after the start', 'period.to')
}

/**
 * Who the recipient is, and what the engine is told of them: a referrer asks for their own
 * agency (verified by their account); the coordinator names an agency of the centre (its
 * contact verified by the coordinator) or another recipient by kind and name.
 */
async function disclosureFacts(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  input: DisclosureInput,
): Promise<{ facts: DisclosureFacts; agencyId: string | undefined }> {
  let recipient: DisclosureFacts['recipient']
  let agencyId: string | undefined
  const referredBy = await agencyIdsOfFamily(trx, actor.centreId, input.familyId)
  const policy = await policyInForce(ctx, trx, actor.centreId)
  if (!hasAbility(policy, actor, 'record_disclosures')) {
    agencyId = await linkAgencyOfReferrer(ctx, trx, actor)
    // A referrer asking about a family their agency did not refer learns nothing of it.
    if (agencyId === undefined || !referredBy.includes(agencyId))
      throw new HavenError('not_found', 'no such family')
    const agency = await findAgency(trx, actor.centreId, agencyId)
    recipient = {
      kind: 'referring_agency',
      name: agency?.name ?? 'the referring agency',
      isReferrerOfFamily: true,
      isVerified: true,
    }
  } else if (input.agencyId !== undefined) {
    const agency = await findAgency(trx, actor.centreId, input.agencyId)
    if (!agency) throw new HavenError('invalid_input', 'no such agency at this centre', 'agencyId')
    agencyId = agency.id
    recipient = {
      kind: 'referring_agency',
      name: agency.name,
      isReferrerOfFamily: referredBy.includes(agency.id),
      isVerified: true,
    }
  } else if (input.recipient !== undefined) {
    if (input.recipient.kind === 'referring_agency')
      throw new HavenError('invalid_input', 'name the referring agency by its id', 'agencyId')
    if (input.recipient.name.trim() === '')
      throw new HavenError('invalid_input', 'name the recipient', 'recipient.name')
    recipient = {
      kind: input.recipient.kind,
      name: input.recipient.name.trim(),
      isReferrerOfFamily: false,
      isVerified: false,
    }
  } else {
    throw new HavenError('invalid_input', 'say who the information would go to', 'recipient')
  }
  let subjectPersonId: string | undefined
  if (input.personId !== undefined) {
    const person = await findPerson(trx, actor.centreId, input.personId)
    if (!person || person.familyId !== input.familyId)
      throw new HavenError('invalid_input', 'no such person in this family', 'personId')
    subjectPersonId = person.id
  } else if (input.category === 'contact_details') {
    throw new HavenError('invalid_input', 'say whose contact details', 'personId')
  }
  return {
    agencyId,
    facts: {
      category: input.category,
      purpose: input.purpose,
      recipient,
      subjectPersonId,
      atRisk: input.atRisk,
      legalBasis: input.legalBasis?.trim() || undefined,
      reason: input.reason?.trim() || undefined,
      hasLinkedConcern: input.concernId !== undefined,
    },
  }
}

/** The facts of a register entry, as the engine is asked about them again at confirmation. */
export async function factsOfEntry(trx: Db, entry: StoredDisclosure): Promise<DisclosureFacts> {
  const referredBy = await agencyIdsOfFamily(trx, entry.centreId, entry.familyId)
  return {
    category: entry.category as DisclosureCategory,
    purpose: entry.purpose as Purpose,
    recipient: {
      kind: entry.recipientKind,
      name: entry.recipientName,
      isReferrerOfFamily: entry.agencyId !== undefined && referredBy.includes(entry.agencyId),
      isVerified: entry.agencyId !== undefined,
    },
    subjectPersonId: entry.subjectPersonId,
    atRisk: entry.atRisk as AtRisk | undefined,
    legalBasis: entry.legalBasis,
    reason: entry.reason,
    hasLinkedConcern: entry.concernId !== undefined,
  }
}
