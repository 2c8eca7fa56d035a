import { ukToday } from '../domain/calendar.ts'
import {
  planDemoCentre,
  type DemoCentreOptions,
  type DemoCentrePlan,
} from '../domain/demo-centre.ts'
import { HavenError } from '../domain/errors.ts'
import {
  countCentres,
  findCentreBySlug,
  insertCentre,
  lockCentreCreation,
  type Centre,
} from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import { insertFamily, insertPeople, type StoredPerson } from '../storage/families.ts'
import { indexFamily } from './family-search.ts'
import { insertContactSessions, insertRooms, type Room } from '../storage/sessions.ts'
import type { AppContext } from './context.ts'
import { createFamilyKey, encryptField } from './field-crypto.ts'
import { issueInvitation } from './invitations.ts'
import { adoptPreset } from './centre-policy.ts'
import { addDemoCaseRecords, addDemoOutwardRecords } from './demo-cases.ts'

/** Who a demo centre's coordinator invitation is for: a reserved, undeliverable domain. */
export function demoCoordinatorEmail(slug: string): string {
  return `coordinator@${slug}.haven.invalid`
}

export interface DemoCentreSummary {
  /** The one-time link for the demo coordinator to set a password (also in the outbox). */
  coordinatorLink: string
  centre: Centre
  families: number
  people: number
  sessions: number
}

/**
 * Creates the demo centre on first start: only when the database holds no centre at all, so
 * a real centre's database never gains demo data. Returns undefined when nothing was made.
 * Runs in one transaction: a crash leaves either the whole demo or none of it.
 */
export async function ensureDemoCentre(
  ctx: AppContext,
  options: Partial<DemoCentreOptions> = {},
): Promise<DemoCentreSummary | undefined> {
  const made = await ctx.db.transaction().execute(async (trx) => {
    await lockCentreCreation(trx)
    if ((await countCentres(trx)) > 0) return undefined
    return writeDemoCentre(ctx, trx, plan(ctx, options))
  })
  if (made) await addDemoOutwardRecords(ctx, made.centre.id)
  return made
}

/** Creates a demo centre under the given slug (default `demo`), beside any centres there are. */
export async function createDemoCentre(
  ctx: AppContext,
  options: Partial<DemoCentreOptions> = {},
): Promise<DemoCentreSummary> {
  const made = await ctx.db.transaction().execute(async (trx) => {
    await lockCentreCreation(trx)
    return writeDemoCentre(ctx, trx, plan(ctx, options))
  })
  await addDemoOutwardRecords(ctx, made.centre.id)
  return made
}

function plan(ctx: AppContext, options: Partial<DemoCentreOptions>): DemoCentrePlan {
  return planDemoCentre({
    seed: options.seed ?? 20_240_301,
    today: options.today ?? ukToday(ctx.now()),
    ...(options.familyCount === undefined ? {} : { familyCount: options.familyCount }),
    ...(options.weeksBack === undefined ? {} : { weeksBack: options.weeksBack }),
    ...(options.weeksAhead === undefined ? {} : { weeksAhead: options.weeksAhead }),
    ...(options.slug === undefined ? {} : { slug: options.slug }),
  })
}

async function writeDemoCentre(
  ctx: AppContext,
  trx: Db,
  plan: DemoCentrePlan,
): Promise<DemoCentreSummary> {
  const now = ctx.now().toISOString()
  if (await findCentreBySlug(trx, plan.slug)) {
    throw new HavenError('conflict', `a centre with the slug "${plan.slug}" already exists`, 'slug')
  }
  const centre: Centre = {
    id: ctx.newId(),
    slug: plan.slug,
    name: plan.name,
    isDemo: true,
    // Synthetic data, so listed on the front page: a new installation shows where to start.
    isPubliclyListed: true,
    createdAt: now,
  }
  await insertCentre(trx, centre)
  await adoptPreset(ctx, trx, centre, 'cordomus', undefined)
  const rooms: Room[] = plan.rooms.map((name) => ({ id: ctx.newId(), centreId: centre.id, name }))
  await insertRooms(trx, rooms)
  const familyIds: string[] = []
  const familyPeople: { id: string; people: StoredPerson[] }[] = []
  let people = 0
  for (const family of plan.families) {
    const familyId = ctx.newId()
    familyIds.push(familyId)
    const { key, wrapped } = createFamilyKey(ctx.masterKey, familyId)
    await insertFamily(trx, {
      id: familyId,
      centreId: centre.id,
      reference: family.reference,
      wrappedKey: wrapped,
      keyVersion: 1,
      createdAt: now,
      lastActivityAt: now,
    })
    const seal = (field: string, value: string | undefined): string | undefined =>
      value === undefined ? undefined : encryptField(key, { familyId, field, keyVersion: 1 }, value)
    const stored: StoredPerson[] = family.people.map((person) => {
      const id = ctx.newId()
      return {
        id,
        centreId: centre.id,
        familyId,
        kind: person.kind,
        givenName: person.givenName,
        familyName: person.familyName,
        dateOfBirth: person.dateOfBirth,
        addressCiphertext: seal(`person:${id}:address`, person.address),
        phoneCiphertext: seal(`person:${id}:phone`, person.phone),
        hasParentalResponsibility: person.kind !== 'child',
        mayAttend: true,
        createdAt: now,
      }
    })
    await insertPeople(trx, stored)
    await indexFamily(ctx, trx, centre.id, familyId)
    familyPeople.push({ id: familyId, people: stored })
    people += stored.length
  }
  const sessions = plan.sessions.map((session) => ({
    id: ctx.newId(),
    centreId: centre.id,
    familyId: familyIds[session.familyIndex] ?? '',
    roomId: rooms[session.roomIndex]?.id ?? '',
    kind: session.kind,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    status: session.status,
    createdAt: now,
  }))
  await insertContactSessions(trx, sessions)
  await addDemoCaseRecords(ctx, trx, centre.id, familyPeople, sessions)
  // No default accounts, even in the demo: the coordinator sets their own password.
  const invitation = await issueInvitation(ctx, trx, centre, undefined, {
    email: demoCoordinatorEmail(plan.slug),
    roles: ['coordinator'],
  })
  return {
    centre,
    families: familyIds.length,
    people,
    sessions: plan.sessions.length,
    coordinatorLink: invitation.link,
  }
}
