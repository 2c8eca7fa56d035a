import {
  attendanceLines,
  countOutcomes,
  type AttendanceLine,
} from '../domain/outward/attendance.ts'
import { HavenError } from '../domain/errors.ts'
import { isReferrer } from '../domain/policy/accounts.ts'
import { isRole } from '../domain/roles.ts'
import { ukDateTime } from '../domain/calendar.ts'
import { findAgencyOfRole } from '../storage/accounts.ts'
import type { Db } from '../storage/database.ts'
import { listConsents } from '../storage/consents.ts'
import {
  findDisclosure,
  listDisclosures,
  updateDisclosure,
  type StoredDisclosure,
} from '../storage/disclosures.ts'
import { familyReferences, findFamily, findPerson, touchFamily } from '../storage/families.ts'
import { attendanceFactsOfFamily } from '../storage/sessions.ts'
import type { Actor } from './actor.ts'
import { recordActorEvent, recordEvent } from './audit.ts'
import { agencyOfReferrer, todayAtCentre } from './case-access.ts'
import { consentView, type ConsentView } from './consents.ts'
import { openContactDetails, type ContactDetails } from './contact-details.ts'
import type { AppContext } from './context.ts'
import { decideDisclosure, factsOfEntry } from './disclosures.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { notifyRoles } from './incidents.ts'
import { decide, hasAbility, policyActor, policyInForce, refusal } from './policy-access.ts'

/** Who reads the whole register: the coordinator and the committee (NDX, EXCEPT). */

export interface RegisterEntryView {
  id: string
  familyId: string
  /** The family's reference (it names no one), for finding the entry by family. */
  familyReference: string
  subjectPersonId: string | null
  route: string
  agencyId: string | null
  requestedBy: string | null
  recipient: { kind: string; name: string }
  category: string
  purpose: string
  atRisk: string | null
  concernId: string | null
  reason: string | null
  legalBasis: string | null
  period: { from: string; to: string } | null
  status: string
  consentState: string
  decision: { effect: string; clauses: string[]; reasons: string[]; policyVersion: number }
  requestedAt: string
  authorisedBy: string | null
  secondSignOffBy: string | null
  decidedBy: string | null
  decidedAt: string | null
  released: { what: Record<string, unknown>; by: string | null; at: string | null } | null
  personTold: boolean | null
  notToldReason: string | null
  version: number
}

/**
 * What the reader may see of the register: every entry for the coordinator and committee; a
 * referrer their own agency's requests, without the register's notes on consent, reasons or
 * the person told (those are the centre's). Anyone else: nothing.
 */
async function registerScope(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
): Promise<{ agencyId?: string; isFull: boolean; isEmpty?: true }> {
  const policy = await policyInForce(ctx, trx, actor.centreId)
  if (hasAbility(policy, actor, 'read_register')) return { isFull: true }
  // A referrer who may ask for disclosures follows their own agency's requests.
  if (isReferrer(actor.roles) && hasAbility(policy, actor, 'follow_disclosures')) {
    const agencyId = await agencyOfReferrer(ctx, trx, actor)
    if (agencyId !== undefined) return { agencyId, isFull: false }
    // Their invitation names an agency the centre has not recorded yet: it has asked nothing.
    if (await findAgencyOfRole(trx, actor.centreId, actor.accountId))
      return { isFull: false, isEmpty: true }
  }
  throw new HavenError(
    'forbidden',
    'the disclosure register is kept by the coordinator',
    undefined,
    ['NDX'],
  )
}

export async function listRegister(
  ctx: AppContext,
  actor: Actor,
  filter: { familyId?: string | undefined; limit: number },
): Promise<RegisterEntryView[]> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const scope = await registerScope(ctx, trx, actor)
    if (scope.isEmpty) return []
    const rows = await listDisclosures(trx, actor.centreId, {
      limit: filter.limit,
      ...(filter.familyId === undefined ? {} : { familyId: filter.familyId }),
      ...(scope.agencyId === undefined ? {} : { agencyId: scope.agencyId }),
    })
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'disclosure_register', count: rows.length },
    })
    const references = await familyReferences(
      trx,
      actor.centreId,
      rows.map((r) => r.familyId),
    )
    return rows.map((row) => entryView(row, scope.isFull, references.get(row.familyId) ?? ''))
  })
}

/** One entry, with the consent it was decided on (CONTACT) for the register's keepers. */
export async function readRegisterEntry(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<RegisterEntryView & { consent: ConsentView | null }> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const { entry, isFull } = await entryInScope(ctx, trx, actor, id)
    const [consent] =
      isFull && entry.consentId !== undefined
        ? await listConsents(trx, actor.centreId, { id: entry.consentId })
        : []
    await recordEvent(trx, {
      type: 'record.read',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { resource: 'disclosure_register' },
    })
    const references = await familyReferences(trx, actor.centreId, [entry.familyId])
    return {
      ...entryView(entry, isFull, references.get(entry.familyId) ?? ''),
      consent: consent ? consentView(consent, todayAtCentre(ctx)) : null,
    }
  })
}

export async function entryInScope(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  id: string,
): Promise<{ entry: StoredDisclosure; isFull: boolean }> {
  const scope = await registerScope(ctx, trx, actor).catch(() => undefined)
  const entry = await findDisclosure(trx, actor.centreId, id)
  if (!entry) throw new HavenError('not_found', 'no such disclosure')
  // Whoever recorded a request on the centre's behalf follows it, whole (they wrote it).
  const policy = await policyInForce(ctx, trx, actor.centreId)
  if (entry.requestedBy === actor.accountId && hasAbility(policy, actor, 'record_disclosures'))
    return { entry, isFull: true }
  if (
    !scope ||
    scope.isEmpty ||
    (scope.agencyId !== undefined && entry.agencyId !== scope.agencyId)
  )
    throw new HavenError('not_found', 'no such disclosure')
  return { entry, isFull: scope.isFull }
}

function entryView(
  row: StoredDisclosure,
  isFull: boolean,
  familyReference: string,
): RegisterEntryView {
  const hidden = <T>(value: T): T | null => (isFull ? value : null)
  return {
    id: row.id,
    familyId: row.familyId,
    familyReference,
    subjectPersonId: hidden(row.subjectPersonId ?? null),
    route: row.route,
    agencyId: row.agencyId ?? null,
    requestedBy: hidden(row.requestedBy ?? null),
    recipient: { kind: row.recipientKind, name: row.recipientName },
    category: row.category,
    purpose: row.purpose,
    atRisk: hidden(row.atRisk ?? null),
    concernId: hidden(row.concernId ?? null),
    reason: hidden(row.reason ?? null),
    legalBasis: hidden(row.legalBasis ?? null),
    period:
      row.periodFrom !== undefined && row.periodTo !== undefined
        ? { from: row.periodFrom, to: row.periodTo }
        : null,
    status: row.status,
    consentState: isFull ? row.consentState : 'not_shown',
    decision: {
      effect: row.decisionEffect,
      clauses: row.decisionClauses,
      reasons: row.decisionReasons,
      policyVersion: row.policyVersion,
    },
    requestedAt: row.requestedAt,
    authorisedBy: hidden(row.authorisedBy ?? null),
    secondSignOffBy: hidden(row.secondSignOffBy ?? null),
    decidedBy: hidden(row.decidedBy ?? null),
    decidedAt: row.decidedAt ?? null,
    released:
      row.releasedWhat === undefined
        ? null
        : {
            what: row.releasedWhat,
            by: hidden(row.releasedBy ?? null),
            at: row.releasedAt ?? null,
          },
    personTold: hidden(row.personTold ?? null),
    notToldReason: hidden(row.notToldReason ?? null),
    version: row.version,
  }
}

export interface ConfirmInput {
  version: number
  personTold?: boolean | undefined
  notToldReason?: string | undefined
  /** CONTACT to the former partner: the consent the confirmer relies on, confirmed by its id. */
  consentId?: string | undefined
}

export type ConfirmOutcome =
  | { status: 'released'; version: number; clauses: string[]; contactDetails?: ContactDetails }
  | { status: 'refused'; version: number; clauses: string[]; reasons: string[] }

/**
 * The coordinator confirms a decided request, and Haven releases it (NDX: only the roles the
 * policy names export family data). The engine decides again on today's facts: a consent
 * withdrawn since, or a policy changed, refuses it now. Where the decision asks for a second
 * sign-off, the confirmer must be another person than the one who raised it; where it asks
 * that the person be told, the confirmer records whether they were, and if not, why. What
 * left is recorded: for attendance, the very lines of the statement.
 */
export async function confirmDisclosure(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: ConfirmInput,
): Promise<ConfirmOutcome> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const { entry } = await entryInScope(ctx, trx, actor, id)
    const mayExport = decide(policy, {
      action: 'export',
      actor: policyActor(actor, 'none'),
      resource: { type: 'family' },
    })
    if (mayExport.effect === 'deny') throw refusal(mayExport)
    if (entry.version !== input.version)
      throw new HavenError('conflict', 'someone else changed this request; reload it', 'version')
    if (entry.status !== 'awaiting_confirmation' && entry.status !== 'awaiting_sign_off')
      throw new HavenError(
        'conflict',
        `this request is already ${entry.status.replaceAll('_', ' ')}`,
      )
    const isSecondPerson = entry.requestedBy !== actor.accountId
    if (entry.status === 'awaiting_sign_off' && !isSecondPerson)
      throw new HavenError('conflict', 'a second person signs this disclosure off', undefined, [
        'EXCEPT',
      ])
    const facts = await factsOfEntry(trx, entry)
    const again = await decideDisclosure(
      ctx,
      trx,
      policy,
      actor.centreId,
      facts,
      entry.requesterRoles.filter(isRole),
      entry.status === 'awaiting_sign_off' && isSecondPerson,
    )
    const now = ctx.now().toISOString()
    const common = {
      decidedBy: actor.accountId,
      decidedAt: now,
      consentState: again.consentState,
      policyVersion: again.decision.policy.version,
      policyHash: again.decision.policy.hash,
      decisionClauses: again.decision.clauses,
      ...(again.consentId ? { consentId: again.consentId } : {}),
    }
    const stale = () =>
      new HavenError('conflict', 'someone else changed this request; reload it', 'version')
    if (again.decision.effect === 'deny') {
      const isChanged = await updateDisclosure(trx, entry, {
        ...common,
        status: 'refused',
        decisionEffect: 'deny',
        decisionReasons: again.decision.reasons,
      })
      if (!isChanged) throw stale()
      await recordActorEvent(ctx, trx, actor, 'disclosure.refused', entry.id, {
        familyId: entry.familyId,
        category: entry.category,
        clauses: again.decision.clauses,
      })
      return {
        status: 'refused',
        version: entry.version + 1,
        clauses: again.decision.clauses,
        reasons: again.decision.reasons,
      }
    }
    if (again.decision.obligations.some((o) => o.kind === 'confirm_consent')) {
      if (input.consentId === undefined)
        throw new HavenError(
          'invalid_input',
          "confirm the parent's consent you rely on: it releases their address and phone number to their former partner",
          'consentId',
          again.decision.clauses,
        )
      if (input.consentId !== again.consentId)
        throw new HavenError(
          'conflict',
          'the consent on record is not the one you confirmed; read it again before you release',
          'consentId',
          again.decision.clauses,
        )
    }
    const mustTell = again.decision.obligations.some(
      (o) => o.kind === 'tell_person_or_record_why_not',
    )
    if (mustTell && input.personTold === undefined)
      throw new HavenError(
        'invalid_input',
        'say whether the person concerned was told',
        'personTold',
        again.decision.clauses,
      )
    if (input.personTold === false && (input.notToldReason ?? '').trim() === '')
      throw new HavenError(
        'invalid_input',
        'say why the person concerned was not told',
        'notToldReason',
      )
    const released = await releasePayload(ctx, trx, entry)
    const isReleased = await updateDisclosure(trx, entry, {
      ...common,
      status: 'released',
      decisionEffect: 'permit',
      decisionReasons: [],
      releasedWhat: released.what,
      releasedBy: actor.accountId,
      releasedAt: now,
      ...(entry.status === 'awaiting_sign_off'
        ? { secondSignOffBy: actor.accountId, secondSignOffAt: now }
        : {}),
      ...(input.personTold === undefined ? {} : { personTold: input.personTold }),
      ...(input.personTold === false ? { notToldReason: (input.notToldReason ?? '').trim() } : {}),
    })
    // Two confirmations at once: only the one that moved the entry on releases anything.
    if (!isReleased) throw stale()
    await touchFamily(trx, actor.centreId, entry.familyId, now)
    await recordActorEvent(ctx, trx, actor, 'disclosure.released', entry.id, {
      familyId: entry.familyId,
      category: entry.category,
      clauses: again.decision.clauses,
      released: released.what.kind,
    })
    for (const obligation of again.decision.obligations)
      if (obligation.kind === 'notify')
        await notifyRoles(ctx, trx, actor.centreId, obligation.roles)
    return {
      status: 'released',
      version: entry.version + 1,
      clauses: again.decision.clauses,
      ...(released.contactDetails ? { contactDetails: released.contactDetails } : {}),
    }
  })
}

/**
 * The coordinator declines a request the policy would allow (the coordinator confirms; the
 * engine only permits). The entry stays in the register as declined.
 */
export async function declineDisclosure(
  ctx: AppContext,
  actor: Actor,
  id: string,
  version: number,
): Promise<{ status: 'declined'; version: number }> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const { entry } = await entryInScope(ctx, trx, actor, id)
    const mayExport = decide(policy, {
      action: 'export',
      actor: policyActor(actor, 'none'),
      resource: { type: 'family' },
    })
    if (mayExport.effect === 'deny') throw refusal(mayExport)
    if (entry.status !== 'awaiting_confirmation' && entry.status !== 'awaiting_sign_off')
      throw new HavenError(
        'conflict',
        `this request is already ${entry.status.replaceAll('_', ' ')}`,
      )
    const now = ctx.now().toISOString()
    const isChanged = await updateDisclosure(
      trx,
      { ...entry, version },
      { status: 'declined', decidedBy: actor.accountId, decidedAt: now },
    )
    if (!isChanged)
      throw new HavenError('conflict', 'someone else changed this request; reload it', 'version')
    await recordActorEvent(ctx, trx, actor, 'disclosure.declined', entry.id, {
      familyId: entry.familyId,
      category: entry.category,
    })
    return { status: 'declined', version: version + 1 }
  })
}

/** What leaves: the statement's lines for attendance; the details for contact details. */
async function releasePayload(
  ctx: AppContext,
  trx: Db,
  entry: StoredDisclosure,
): Promise<{ what: Record<string, unknown> & { kind: string }; contactDetails?: ContactDetails }> {
  if (entry.category === 'attendance') {
    const lines: AttendanceLine[] = attendanceLines(
      await attendanceFactsOfFamily(trx, entry.centreId, entry.familyId),
      { from: entry.periodFrom ?? '2000-01-01', to: entry.periodTo ?? todayAtCentre(ctx) },
      ukDateTime(ctx.now()),
    )
    return { what: { kind: 'attendance_statement', lines, counts: countOutcomes(lines) } }
  }
  if (entry.category === 'contact_details' && entry.subjectPersonId !== undefined) {
    const person = await findPerson(trx, entry.centreId, entry.subjectPersonId)
    const family = await findFamily(trx, entry.centreId, entry.familyId)
    if (!person || !family) throw new HavenError('not_found', 'no such person')
    const details = openContactDetails(ctx, family, person)
    return {
      what: { kind: 'contact_details', fields: Object.keys(details) },
      contactDetails: details,
    }
  }
  return { what: { kind: entry.category } }
}
