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
  replaceWithheldItems,
  sessionsWithAttendanceOf,
} from '../storage/subject-access.ts'
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
    const centre = await findCentre(trx, actor.centreId)
    const facts = await gatherFacts(ctx, trx, actor.centreId, request.subject)
    const bundle = buildSubjectAccessBundle(
      facts,
      { centreName: centre?.name ?? '', requestId: id, compiledOn: todayAtCentre(ctx) },
      (item) =>
        decide(policy, {
          action: 'subject_access',
          actor: {
            roles: actor.roles,
            relationship: 'self',
            hasSecondFactor: actor.hasSecondFactor,
          },
          item,
        }),
    )
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
    others: people.filter((p) => p.id !== subject.id).map((p) => ({ id: p.id, kind: p.kind })),
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
