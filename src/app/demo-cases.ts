import { defaultPlan } from '../domain/cases/separation.ts'
import type { Db } from '../storage/database.ts'
import type { StoredPerson } from '../storage/families.ts'
import { updateFamilyDoorDetails } from '../storage/families.ts'
import { findOrCreateAgency, insertReferral, insertReferralEvent } from '../storage/referrals.ts'
import { insertSessionPeople, type SessionPerson } from '../storage/session-people.ts'
import { addDays, ukDateOf } from '../domain/calendar.ts'
import type { FamilyView } from '../domain/cases/family-view.ts'
import { operatorActor } from './actor.ts'
import { todayAtCentre } from './case-access.ts'
import { recordConsent } from './consents.ts'
import type { AppContext } from './context.ts'
import { requestDisclosure } from './disclosures.ts'
import { listFamilies } from './families.ts'
import { listReferralSummaries } from './referral-views.ts'
import { attendeeRole } from './sessions.ts'
import { openSubjectAccessRequest } from './subject-access.ts'

/** Made-up agencies for the demo: no real firm or office. */
const DEMO_AGENCIES = [
  { kind: 'solicitor', name: 'Hollis & Quarry Family Law (demo)' },
  { kind: 'mediator', name: 'Marshfield Family Mediation (demo)' },
  { kind: 'cafcass', name: 'CAFCASS Quarrington team (demo)' },
]
const FLAGS = ['no_photographs', 'escort_to_car', 'collect_from_side_door']

/**
 * The demo's case records: each family referred (by one of three made-up agencies, or by
 * itself), most of them active and some waiting; every other family's parents kept apart,
 * with a safety flag here and there; and each session's plan of who arrives when.
 */
export async function addDemoCaseRecords(
  ctx: AppContext,
  trx: Db,
  centreId: string,
  families: { id: string; people: StoredPerson[] }[],
  sessions: { id: string; familyId: string; startsAt: string; endsAt: string }[],
): Promise<void> {
  const now = ctx.now().toISOString()
  const agencies = []
  for (const agency of DEMO_AGENCIES)
    agencies.push(
      await findOrCreateAgency(trx, { id: ctx.newId(), centreId, createdAt: now, ...agency }),
    )
  const separated = new Set<string>()
  for (const [index, family] of families.entries()) {
    const status = index % 6 === 5 ? 'waiting' : 'active'
    const referralId = ctx.newId()
    await insertReferral(trx, {
      id: referralId,
      centreId,
      familyId: family.id,
      agencyId: agencies[index % 4]?.id,
      referredBy: undefined,
      status,
      receivedOn: ukDateOf(now),
      childrenLiveWith: family.people.find((p) => p.kind === 'resident_parent')?.id,
      courtOrder: index % 3 === 0 ? { kind: 'child arrangements order' } : undefined,
      availability: 'Alternate Saturday mornings',
      version: 1,
      createdAt: now,
      updatedAt: now,
    })
    let from: string | undefined
    for (const to of ['received', 'pre_visits', 'risk_assessed', 'accepted', status]) {
      await insertReferralEvent(trx, centreId, {
        id: ctx.newId(),
        referralId,
        fromStatus: from,
        toStatus: to,
        at: now,
        byAccount: undefined,
      })
      from = to
    }
    const isSeparated = index % 2 === 0
    if (isSeparated) separated.add(family.id)
    await updateFamilyDoorDetails(
      trx,
      { centreId, id: family.id, version: 1 },
      {
        isSeparationRequired: isSeparated,
        safetyFlags: index % 5 === 0 ? [FLAGS[index % 3] ?? 'no_photographs'] : [],
        at: now,
      },
    )
  }
  const people = new Map(families.map((f) => [f.id, f.people]))
  const rows: SessionPerson[] = []
  for (const session of sessions) {
    const plan = defaultPlan(
      session,
      (people.get(session.familyId) ?? []).map((p) => ({
        personId: p.id,
        role: attendeeRole(p.kind),
      })),
      { isSeparationRequired: separated.has(session.familyId), staggerMinutes: 15 },
    )
    for (const p of plan)
      rows.push({
        sessionId: session.id,
        personId: p.personId,
        arrivesAt: p.arrivesAt,
        leavesAt: p.leavesAt,
        waitingRoomId: undefined,
        arrivedAt: undefined,
        departedAt: undefined,
      })
  }
  for (let start = 0; start < rows.length; start += 500)
    await insertSessionPeople(trx, centreId, rows.slice(start, start + 500))
}

/**
 * The demo's outward paths, made through the same use cases as the pages: an agency's request
 * for dates of attendance waiting for the coordinator, the other parent's request for a
 * mother's address refused by the policy (CONTACT), a consent on record, and an open subject
 * access request with its clock running.
 */
export async function addDemoOutwardRecords(ctx: AppContext, centreId: string): Promise<void> {
  const operator = operatorActor(centreId)
  const families = await listFamilies(ctx, operator, { limit: 6, offset: 0 })
  const [first, second, third] = families
  const parent = (family: FamilyView | undefined, kind: string) =>
    family?.people.find((p) => p.kind === kind)
  // The agency that referred the first family asks for its dates of attendance (ATTEND).
  const referred = (await listReferralSummaries(ctx, operator, { limit: 50 })).find(
    (r) => r.familyId === first?.id,
  )
  if (first && referred?.agency)
    await requestDisclosure(ctx, operator, {
      familyId: first.id,
      category: 'attendance',
      purpose: 'family_proceedings',
      agencyId: referred.agency.id,
    })
  const mother = parent(first, 'resident_parent')
  const father = parent(first, 'non_resident_parent')
  if (first && mother)
    await requestDisclosure(ctx, operator, {
      familyId: first.id,
      category: 'contact_details',
      personId: mother.id,
      purpose: 'other',
      recipient: {
        kind: 'former_partner',
        name:
          [father?.givenName, father?.familyName].filter(Boolean).join(' ') || 'The other parent',
      },
    })
  const consenting = parent(second, 'resident_parent')
  if (consenting)
    await recordConsent(ctx, operator, {
      personId: consenting.id,
      category: 'contact_details',
      recipient: { kind: 'other_agency', name: 'Quarrington Health Visiting Team (demo)' },
      purpose: 'safeguarding_child',
      evidence: 'written',
      givenOn: addDays(todayAtCentre(ctx), -30),
    })
  const asking = parent(third, 'non_resident_parent')
  if (asking)
    await openSubjectAccessRequest(ctx, operator, {
      personId: asking.id,
      receivedOn: addDays(todayAtCentre(ctx), -10),
      identityMethod: 'Passport seen at the centre (demo)',
    })
}
