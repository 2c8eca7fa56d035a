import { familiesFound } from './family-search.ts'
import { addDays } from '../domain/calendar.ts'
import { presentFamily, type FamilyFacts, type FamilyView } from '../domain/cases/family-view.ts'
import { HavenError } from '../domain/errors.ts'
import type { Relationship } from '../domain/policy/request.ts'
import { isParent, isReferrer, isVolunteer } from '../domain/policy/accounts.ts'
import { staggerMinutesOf } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import {
  familyIdsOfAccount,
  findFamily,
  findFamilyByReference,
  listFamilies as listStoredFamilies,
  listPeopleOfFamilies,
  listPeopleOfFamily,
  type PersonRecord,
  updateFamilyDoorDetails,
  type FamilyRecord,
} from '../storage/families.ts'
import { listReferralEvents, listReferrals, type StoredReferral } from '../storage/referrals.ts'
import { listSessionsOfFamily } from '../storage/sessions.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import {
  decideRecordRead,
  familiesInReach,
  familiesOfReferrer,
  maySeeFamily,
  relationshipThroughFamily,
  relationshipToFamily,
  todayAtCentre,
} from './case-access.ts'
import type { AppContext } from './context.ts'
import type { CompiledPolicy } from '../domain/policy/engine.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { decide, hasAbility, policyActor, policyInForce, refusal } from './policy-access.ts'

/**
 * Reads a family as the policy lets this actor see it (NDX, ATTEND, SAR, CONTACT): the
 * engine decides on the actor's roles and relationship, the presenter leaves out every
 * redacted field group, and the read is audited, refusals too. A family the actor may not
 * see is `not_found`, the same as one that does not exist.
 */
export async function readFamily(
  ctx: AppContext,
  actor: Actor,
  familyId: string,
): Promise<FamilyView & { actions: FamilyActions }> {
  const outcome = await auditedRead(ctx, actor.centreId, async (trx) => {
    const family = await findFamily(trx, actor.centreId, familyId)
    if (!family) return undefined
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const { decision, relationship } = await decideRecordRead(ctx, trx, policy, actor, {
      familyId,
      resource: 'family',
      subjectId: familyId,
    })
    if (decision.effect === 'deny') return undefined
    const seesAll = hasAbility(policy, actor, 'see_all_families')
    const view = await viewFor(
      trx,
      seesAll,
      family,
      relationship,
      decision.redact,
      todayAtCentre(ctx),
    )
    const people = await listPeopleOfFamily(trx, actor.centreId, familyId)
    return { ...view, actions: familyActions(policy, actor, relationship, people) }
  })
  if (!outcome) throw new HavenError('not_found', 'no such family')
  return outcome
}

/**
 * What this reader may do from a family's record, as the policy decides (abilities.ts): the
 * page offers these and nothing else. `reveal` lists the people whose contact details the
 * reader may ask to see, giving a reason (CONTACT).
 */
export interface FamilyActions {
  bookSessions: boolean
  recordDisclosure: boolean
  recordConsents: boolean
  /** Put the family on legal hold or lift it (those who see and plan disposal). */
  holdRecords: boolean
  /** Correct a person's record: names, parental responsibility, contact details; add a child (DPA). */
  correctPeople: boolean
  /** Change what the door needs to know: the safety flags, and whether the parents are kept apart. */
  changeDoorDetails: boolean
  reveal: string[]
}

function familyActions(
  policy: CompiledPolicy,
  actor: Actor,
  relationship: Relationship,
  people: readonly PersonRecord[],
): FamilyActions {
  return {
    bookSessions: hasAbility(policy, actor, 'book_sessions'),
    recordDisclosure: hasAbility(policy, actor, 'record_disclosures'),
    recordConsents: hasAbility(policy, actor, 'record_consents'),
    holdRecords: hasAbility(policy, actor, 'read_disposals'),
    correctPeople:
      decide(policy, {
        action: 'rectify',
        actor: policyActor(actor, 'none'),
        resource: { type: 'person' },
      }).effect === 'permit',
    changeDoorDetails:
      decide(policy, {
        action: 'rectify',
        actor: policyActor(actor, 'none'),
        resource: { type: 'family' },
      }).effect === 'permit',
    reveal: people
      .filter(
        (person) =>
          decide(policy, {
            action: 'reveal',
            actor: policyActor(actor, relationshipThroughFamily(actor, person, relationship)),
            resource: { type: 'person', field: 'contact_details' },
            // Whether the form may be offered: the reason is asked on the form itself.
            reason: 'asked on the form',
          }).effect === 'permit',
      )
      .map((person) => person.id),
  }
}

/** The most families one search finds: a search that finds more says too little. */
export const MOST_FOUND = 500

/**
 * The families this actor may see, each as they may see it: every family for the
 * coordinator and staff; a volunteer's families of the day before to the day after; a
 * referrer's agency's; a parent's own. The listing is audited with its count.
 */
export async function listFamilies(
  ctx: AppContext,
  actor: Actor,
  page: { limit: number; offset: number },
  /** Names, a postcode or a phone number (the blind index, decision 0037); all must match. */
  search?: string,
): Promise<FamilyView[]> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const today = todayAtCentre(ctx)
    const inReach = isVolunteer(actor.roles) ? await familiesInReach(trx, policy, actor, today) : []
    const reachable = hasAbility(policy, actor, 'see_all_families')
      ? undefined
      : await reachableFamilies(ctx, trx, actor, inReach)
    const found =
      search === undefined
        ? undefined
        : await familiesFound(ctx, trx, actor.centreId, search, MOST_FOUND)
    const ids =
      found === undefined
        ? reachable
        : reachable === undefined
          ? found
          : found.filter((id) => reachable.includes(id))
    const families = await listStoredFamilies(trx, actor.centreId, {
      ...page,
      ...(ids ? { ids } : {}),
    })
    // What a list shows of each family, read for the whole page at once.
    const pageIds = families.map((f) => f.id)
    const prefetched: Prefetched = {
      people: await listPeopleOfFamilies(trx, actor.centreId, pageIds),
      referrals: new Map(),
      staggerMinutes: await staggerMinutesOf(trx, actor.centreId),
    }
    for (const r of await listReferrals(trx, actor.centreId, {
      familyIds: pageIds,
      limit: pageIds.length * 20,
    }))
      if (!prefetched.referrals.has(r.familyId)) prefetched.referrals.set(r.familyId, r)
    const views: FamilyView[] = []
    for (const family of families) {
      const relationship = await relationshipToFamily(
        ctx,
        trx,
        policy,
        actor,
        family.id,
        today,
        inReach,
      )
      const decision = decide(policy, {
        action: 'read',
        actor: policyActor(actor, relationship),
        resource: { type: 'family' },
      })
      if (decision.effect === 'permit')
        views.push(
          summary(presentFamily(factsFrom(family, prefetched, [], [], undefined), decision.redact)),
        )
    }
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      // That a search was made, never what was typed (it names someone).
      details: { resource: 'family', count: views.length, ...(found ? { searched: true } : {}) },
    })
    return views
  })
}

/**
 * Changes what the door needs to know: whether the parents must be kept apart, and the
 * safety flags (DPA: the coordinator and staff correct records). A stale version is a
 * conflict; the newer data stays. Refused to whoever may see the family; to anyone else it
 * is not found.
 */
export async function changeDoorDetails(
  ctx: AppContext,
  actor: Actor,
  familyId: string,
  change: { isSeparationRequired: boolean; safetyFlags: string[]; version: number },
): Promise<{ version: number }> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const family = await findFamily(trx, actor.centreId, familyId)
    if (!family) throw new HavenError('not_found', 'no such family')
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decision = decide(policy, {
      action: 'rectify',
      actor: policyActor(actor, 'none'),
      resource: { type: 'family' },
    })
    if (decision.effect === 'deny')
      throw (await maySeeFamily(ctx, trx, policy, actor, familyId))
        ? refusal(decision)
        : new HavenError('not_found', 'no such family')
    const isChanged = await updateFamilyDoorDetails(
      trx,
      { centreId: actor.centreId, id: familyId, version: change.version },
      { ...change, at: ctx.now().toISOString() },
    )
    if (!isChanged)
      throw new HavenError('conflict', 'someone else changed this family; reload it', 'version')
    await recordEvent(trx, {
      type: 'family.updated',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: familyId,
      // Which changed, never the flags themselves.
      details: {
        fields: [
          ...(change.isSeparationRequired !== family.isSeparationRequired
            ? ['separation_plan']
            : []),
          ...(JSON.stringify(change.safetyFlags) !== JSON.stringify(family.safetyFlags)
            ? ['safety_flags']
            : []),
        ],
        clauses: decision.clauses,
      },
    })
    return { version: change.version + 1 }
  })
}

/** The families a volunteer, referrer or parent may see: in reach, their agency's, their own. */
async function reachableFamilies(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  inReach: readonly string[],
): Promise<string[]> {
  const ids = new Set<string>(inReach)
  if (isReferrer(actor.roles))
    for (const id of await familiesOfReferrer(ctx, trx, actor)) ids.add(id)
  if (isParent(actor.roles))
    for (const row of await familyIdsOfAccount(trx, actor.centreId, actor.accountId))
      ids.add(row.familyId)
  return [...ids]
}

/** The family as a permitted read shows it. */
async function viewFor(
  trx: Db,
  /** The actor sees every family of the centre (see_all_families). */
  seesAll: boolean,
  family: FamilyRecord,
  relationship: Relationship,
  redact: readonly string[],
  today: string,
): Promise<FamilyView> {
  // A worker who is on the family's session sees only the sessions around today.
  const window =
    seesAll || relationship !== 'assigned'
      ? undefined
      : { from: `${addDays(today, -1)}T00:00`, to: `${addDays(today, 1)}T23:59` }
  return presentFamily(await factsOf(trx, family, window), redact)
}

interface Prefetched {
  people: ReadonlyMap<string, readonly PersonRecord[]>
  referrals: Map<string, StoredReferral>
  staggerMinutes: number
}

async function factsOf(
  trx: Db,
  family: FamilyRecord,
  window: { from: string; to: string } | undefined,
): Promise<FamilyFacts> {
  const [people, referrals, sessions, staggerMinutes] = await Promise.all([
    listPeopleOfFamily(trx, family.centreId, family.id),
    listReferrals(trx, family.centreId, { familyIds: [family.id], limit: 1 }),
    listSessionsOfFamily(trx, family.centreId, family.id, window),
    staggerMinutesOf(trx, family.centreId),
  ])
  const referral = referrals[0]
  const events = referral ? await listReferralEvents(trx, family.centreId, referral.id) : []
  const prefetched: Prefetched = {
    people: new Map([[family.id, people]]),
    referrals: new Map(referral ? [[family.id, referral]] : []),
    staggerMinutes,
  }
  return factsFrom(family, prefetched, sessions, events, referral?.courtOrder)
}

/** A family's facts from what was read (a list reads no sessions or history). */
function factsFrom(
  family: FamilyRecord,
  prefetched: Prefetched,
  sessions: Awaited<ReturnType<typeof listSessionsOfFamily>>,
  events: Awaited<ReturnType<typeof listReferralEvents>>,
  courtOrder: StoredReferral['courtOrder'],
): FamilyFacts {
  const people = prefetched.people.get(family.id) ?? []
  const referral = prefetched.referrals.get(family.id)
  return {
    id: family.id,
    reference: family.reference,
    version: family.version,
    status: referral?.status,
    isSeparationRequired: family.isSeparationRequired,
    staggerMinutes: prefetched.staggerMinutes,
    safetyFlags: family.safetyFlags,
    people: [...people].sort(byKind).map((person) => ({
      id: person.id,
      kind: person.kind,
      givenName: person.givenName,
      familyName: person.familyName,
      relationship: person.relationship,
      dateOfBirth: person.dateOfBirth,
      hasParentalResponsibility: person.hasParentalResponsibility,
      mayAttend: person.mayAttend,
      version: person.version,
      hasContactDetails:
        person.addressCiphertext !== undefined ||
        person.phoneCiphertext !== undefined ||
        person.emailCiphertext !== undefined,
    })),
    courtOrder,
    sessions: sessions.map((s) => ({
      id: s.id,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      room: s.room,
      kind: s.kind,
      status: s.status,
    })),
    history: events.map((e) => ({ at: e.at, from: e.fromStatus, to: e.toStatus })),
  }
}

const KIND_ORDER = ['resident_parent', 'non_resident_parent', 'child', 'other_adult']

/** Parents first, then the children, then the others named on the referral. */
function byKind(a: { kind: string; givenName: string }, b: { kind: string; givenName: string }) {
  return (
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    a.givenName.localeCompare(b.givenName)
  )
}

/** A list entry: who and where in the lifecycle, without sessions or history. */
function summary(view: FamilyView): FamilyView {
  const entry: FamilyView = { ...view }
  delete entry.sessions
  delete entry.history
  delete entry.courtOrder
  return entry
}

/**
 * A family's record found by its reference (what the coordinator has on paper), as readFamily
 * gives it: a reference that does not exist and one this reader may not see are the same
 * "not found".
 */
export async function readFamilyByReference(
  ctx: AppContext,
  actor: Actor,
  reference: string,
): Promise<FamilyView & { actions: FamilyActions }> {
  const wanted = reference.trim().toUpperCase()
  const found =
    wanted === '' || wanted.length > 40
      ? undefined
      : await auditedRead(ctx, actor.centreId, (trx) =>
          findFamilyByReference(trx, actor.centreId, wanted),
        )
  if (!found) throw new HavenError('not_found', 'no such family')
  return readFamily(ctx, actor, found.id)
}
