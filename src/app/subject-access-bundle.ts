import { HavenError } from '../domain/errors.ts'
import {
  buildSubjectAccessBundle,
  subjectAccessDocument,
  type BundleFacts,
  type SubjectAccessBundle,
} from '../domain/outward/subject-access-bundle.ts'
import { findCentre } from '../storage/centres.ts'
import { listConsents } from '../storage/consents.ts'
import type { Db } from '../storage/database.ts'
import { listDisclosures } from '../storage/disclosures.ts'
import { findFamily, listPeopleOfFamily, type PersonRecord } from '../storage/families.ts'
import { listReferralEvents, listReferrals } from '../storage/referrals.ts'
import {
  incidentsAndGuidanceOf,
  insertRelease,
  listReleases,
  replaceWithheldItems,
  sessionsWithAttendanceOf,
  type StoredSubjectAccessRequest,
} from '../storage/subject-access.ts'
import type { CompiledPolicy } from '../domain/policy/engine.ts'
import { isRole } from '../domain/roles.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { todayAtCentre } from './case-access.ts'
import { openContactDetails } from './contact-details.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import { renderPdf } from './pdf.ts'
import { decide, policyActor, policyInForce, refusal } from './policy-access.ts'
import { requestInReach } from './subject-access.ts'

/**
 * Compiles the bundle that answers a subject access request (SAR), as JSON or PDF: the
 * subject's own data, with third parties' data withheld by default and each withholding
 * recorded with its ground and clause. The coordinator (who exports family data, NDX)
 * compiles it once identity is checked; the subject downloads it once the request is
 * completed. Every compilation is audited.
 */
export async function compileSubjectAccessBundle(
  ctx: AppContext,
  actor: Actor,
  id: string,
  format: 'json' | 'pdf',
): Promise<{
  fileName: string
  contentType: string
  body: Uint8Array
  bundle: SubjectAccessBundle
}> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const request = await requestInReach(ctx, trx, actor, id)
    const policy = await policyInForce(ctx, trx, actor.centreId)
    if (request.isSubject) {
      if (request.status !== 'completed')
        throw new HavenError('conflict', 'your answer is not ready yet', undefined, ['SAR'])
    } else {
      const mayExport = decide(policy, {
        action: 'export',
        actor: policyActor(actor, 'none'),
        resource: { type: 'family' },
      })
      if (mayExport.effect === 'deny') throw refusal(mayExport)
      if (request.identityStatus !== 'verified')
        throw new HavenError('conflict', "check the person's identity first", undefined, ['SAR'])
    }
    const bundle = await bundleOf(ctx, trx, actor, request, policy)
    const at = ctx.now().toISOString()
    if (!request.isSubject)
      await replaceWithheldItems(
        trx,
        actor.centreId,
        id,
        bundle.withheld.map((w) => ({ id: ctx.newId(), ...w })),
        at,
      )
    await recordEvent(trx, {
      type: 'subject_access.compiled',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { format, sections: bundle.sections.length, withheld: bundle.withheld.length },
    })
    const base = `subject-access-${bundle.compiledOn}-${id.slice(0, 8)}`
    if (format === 'json')
      return {
        fileName: `${base}.json`,
        contentType: 'application/json',
        body: new TextEncoder().encode(JSON.stringify(bundle, null, 2)),
        bundle,
      }
    return {
      fileName: `${base}.pdf`,
      contentType: 'application/pdf',
      body: await renderPdf(subjectAccessDocument(bundle), {
        centreName: bundle.centreName,
        createdAt: ctx.now(),
      }),
      bundle,
    }
  })
}

/**
 * Releases one item the request's bundle withholds, after review (SAR): decided by the engine
 * for the person releasing it (the roles who compile bundles) with their reason, which is kept
 * with the release; the release is audited (which record and what kind, never the reason's
 * words). The other parent's contact details are never released (CONTACT). From then on the
 * bundle includes the item. Only while the request is open.
 */
export async function releaseWithheldItem(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { recordId: string; reason: string },
): Promise<{ recordId: string; item: string; clauses: string[] }> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const request = await requestInReach(ctx, trx, actor, id)
    const policy = await policyInForce(ctx, trx, actor.centreId)
    // A parent's record is withheld twice: their contact details (never released) and the
    // rest of their details (which may be); a release is of the second.
    const ofRecord = (await bundleOf(ctx, trx, actor, request, policy)).withheld.filter(
      (w) => w.recordId !== undefined && w.recordId === input.recordId,
    )
    const withheld = ofRecord.find((w) => w.kind !== 'other_parent_contact_details') ?? ofRecord[0]
    if (!withheld) throw new HavenError('not_found', 'no such withheld item', 'recordId')
    const decision = decide(policy, {
      action: 'subject_access',
      actor: policyActor(actor, 'none'),
      item: withheld.kind,
      release: { byRoles: actor.roles, reason: input.reason },
    })
    if (decision.effect === 'deny') throw refusal(decision)
    if (request.status !== 'open')
      throw new HavenError('conflict', 'this request is completed', undefined, ['SAR'])
    const released = await insertRelease(trx, actor.centreId, {
      id: ctx.newId(),
      requestId: id,
      item: withheld.kind,
      recordId: input.recordId,
      reason: input.reason.trim(),
      releasedBy: actor.accountId,
      releasedRoles: [...actor.roles],
      releasedAt: ctx.now().toISOString(),
    })
    if (!released) throw new HavenError('conflict', 'this item is released already')
    await recordEvent(trx, {
      type: 'subject_access.released',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { recordId: input.recordId, item: withheld.kind },
    })
    return { recordId: input.recordId, item: withheld.kind, clauses: decision.clauses }
  })
}

/**
 * The bundle as the policy decides it today, record by record: the subject's age and whether
 * they are a child of the family go with each question (SAR: children may ask up to the age
 * the policy names), and so does each release recorded for the request.
 */
export async function bundleOf(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  request: StoredSubjectAccessRequest & { subject: PersonRecord },
  policy: CompiledPolicy,
): Promise<SubjectAccessBundle> {
  const centre = await findCentre(trx, actor.centreId)
  const facts = await gatherFacts(ctx, trx, actor.centreId, request.subject)
  const releases = await listReleases(trx, actor.centreId, request.id)
  const today = todayAtCentre(ctx)
  const subject = request.subject
  const age = subject.dateOfBirth === undefined ? undefined : ageOn(subject.dateOfBirth, today)
  return buildSubjectAccessBundle(
    facts,
    { centreName: centre?.name ?? '', requestId: request.id, compiledOn: today },
    (item, recordId) => {
      const release = releases.find((r) => r.item === item && r.recordId === recordId)
      return decide(policy, {
        action: 'subject_access',
        actor: { roles: actor.roles, relationship: 'self', hasSecondFactor: actor.hasSecondFactor },
        item,
        subject: { isChild: subject.kind === 'child', ...(age === undefined ? {} : { age }) },
        ...(release
          ? {
              release: {
                byRoles: release.releasedRoles.filter(isRole),
                reason: release.reason,
              },
            }
          : {}),
      })
    },
  )
}

/** Whole years from a date of birth to a day (YYYY-MM-DD both). */
function ageOn(dateOfBirth: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(dateOfBirth.slice(0, 4))
  return today.slice(5) < dateOfBirth.slice(5) ? years - 1 : years
}

async function gatherFacts(
  ctx: AppContext,
  trx: Db,
  centreId: string,
  subject: PersonRecord,
): Promise<BundleFacts> {
  const family = await findFamily(trx, centreId, subject.familyId)
  if (!family) throw new HavenError('not_found', 'no such subject access request')
  const people = await listPeopleOfFamily(trx, centreId, family.id)
  const referrals = await listReferrals(trx, centreId, { familyIds: [family.id], limit: 100 })
  const sessions = await sessionsWithAttendanceOf(trx, centreId, family.id, subject.id)
  const consents = await listConsents(trx, centreId, { personId: subject.id })
  const disclosures = await listDisclosures(trx, centreId, { familyId: family.id, limit: 1000 })
  const { incidents, guidance } = await incidentsAndGuidanceOf(trx, centreId, family.id)
  return {
    subject: {
      id: subject.id,
      kind: subject.kind,
      givenName: subject.givenName,
      familyName: subject.familyName,
      dateOfBirth: subject.dateOfBirth,
      relationship: subject.relationship,
      hasParentalResponsibility: subject.hasParentalResponsibility,
      mayAttend: subject.mayAttend,
      contactDetails: openContactDetails(ctx, family, subject),
    },
    familyReference: family.reference,
    others: people
      .filter((p) => p.id !== subject.id)
      .map((p) => ({ id: p.id, kind: p.kind, givenName: p.givenName, familyName: p.familyName })),
    referrals: await Promise.all(
      referrals.map(async (r) => ({
        id: r.id,
        receivedOn: r.receivedOn,
        status: r.status,
        courtOrder: r.courtOrder
          ? [r.courtOrder.kind, r.courtOrder.reference, r.courtOrder.madeOn]
              .filter(Boolean)
              .join(', ')
          : undefined,
        events: (await listReferralEvents(trx, centreId, r.id)).map((e) => ({
          at: e.at,
          toStatus: e.toStatus,
        })),
      })),
    ),
    sessions: sessions.map((s) => ({
      id: s.id,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      status: s.status,
      myArrival: s.arrivedAt,
      myDeparture: s.departedAt,
    })),
    consents: consents.map((c) => ({
      id: c.id,
      category: c.category,
      recipient: c.recipientName,
      purpose: c.purpose,
      givenOn: c.givenOn,
      expiresOn: c.expiresOn,
      withdrawnOn: c.withdrawnOn,
    })),
    disclosures: disclosures
      .filter((d) => d.subjectPersonId === undefined || d.subjectPersonId === subject.id)
      .map((d) => ({
        id: d.id,
        category: d.category,
        recipient: d.recipientName,
        purpose: d.purpose,
        requestedAt: d.requestedAt,
        status: d.status,
        isException: d.route === 'exception',
      })),
    incidents,
    guidance,
  }
}
