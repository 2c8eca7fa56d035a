import type { AppContext } from '../../src/app/context.ts'
import type { Database } from '../../src/storage/database.ts'
import { insertDisposalItems, insertDisposalRun } from '../../src/storage/disposal-runs.ts'
import type { testApp } from './accounts.ts'
import { centreWithCoordinator, invite, type Person } from './accounts.ts'
import { linkParents, referral, sessionToday } from './cases.ts'

/**
 * A centre with one of everything that has an id in an API path, and people who stand in
 * every relation to it: family X (referred by one agency, its parents with accounts, a
 * session today with an assigned volunteer) and family Y (another family, with its own
 * parent), and those who must learn nothing of X: a volunteer not assigned, a referrer of
 * another agency, Y's parent, the committee, another centre's coordinator.
 */
export const WORLD_ACTORS = [
  'coordinator',
  'staff',
  'volunteer_assigned',
  'volunteer_other',
  'chair',
  'management',
  'referrer_of_family',
  'referrer_other_agency',
  'parent_self',
  'parent_coparent',
  'parent_other_family',
  'coordinator_elsewhere',
] as const
export type WorldActor = (typeof WORLD_ACTORS)[number]

const ROLES: Record<WorldActor, string[]> = {
  coordinator: ['coordinator'],
  staff: ['staff'],
  volunteer_assigned: ['volunteer'],
  volunteer_other: ['volunteer'],
  chair: ['chair'],
  management: ['management'],
  referrer_of_family: ['referrer'],
  referrer_other_agency: ['referrer'],
  parent_self: ['parent'],
  parent_coparent: ['parent'],
  parent_other_family: ['parent'],
  coordinator_elsewhere: ['coordinator'],
}

export interface World {
  centreId: string
  people: Record<WorldActor, Person>
  spare: Person
  familyId: string
  otherFamilyId: string
  motherId: string
  fatherId: string
  referralId: string
  sessionId: string
  roomId: string
  assessmentId: string
  guidanceId: string
  consentId: string
  releasedId: string
  refusedId: string
  toConfirmId: string
  completedRunId: string
  waitingRunId: string
  sarOpenId: string
  sarDoneId: string
}

export async function buildWorld(
  ctx: AppContext,
  app: ReturnType<typeof testApp>,
  database: Database,
): Promise<World> {
  const slug = 'alder'
  const { centreId, coordinator } = await centreWithCoordinator(ctx, app, slug)
  const elsewhere = await centreWithCoordinator(ctx, app, 'birch')
  const people: Partial<Record<WorldActor, Person>> = {
    coordinator,
    coordinator_elsewhere: elsewhere.coordinator,
  }
  for (const name of WORLD_ACTORS) {
    if (people[name]) continue
    people[name] = await invite(
      ctx,
      app,
      centreId,
      slug,
      `${name}@alder.example.org`,
      ROLES[name],
      name === 'referrer_other_agency'
        ? { kind: 'mediator', name: 'Marsh Family Mediation' }
        : undefined,
    )
  }
  const all = people as Record<WorldActor, Person>
  const spare = await invite(ctx, app, centreId, slug, 'spare@alder.example.org', ['volunteer'])
  const refer = async (by: Person) => {
    const made = await by.client.json<{ familyId: string; referralId: string }>(
      'POST',
      '/api/referrals',
      referral(),
    )
    if (made.status !== 201) throw new Error(`referral: ${JSON.stringify(made.body)}`)
    return made.body
  }
  const x = await refer(all.referrer_of_family)
  const y = await refer(all.referrer_other_agency)
  const { motherId, fatherId } = await linkParents(ctx, centreId, coordinator, x.familyId, {
    mother: all.parent_self.accountId,
    father: all.parent_coparent.accountId,
  })
  await linkParents(ctx, centreId, coordinator, y.familyId, {
    mother: all.parent_other_family.accountId,
  })
  const sessionId = await sessionToday(
    ctx,
    database.db,
    centreId,
    x.familyId,
    all.volunteer_assigned,
    { level: 'standard', renewalDueOn: '2028-01-01' },
  )
  const created = async (who: Person, path: string, body: unknown): Promise<string> => {
    const answer = await who.client.json<{ id: string }>('POST', path, body)
    if (answer.status !== 201) throw new Error(`${path}: ${JSON.stringify(answer.body)}`)
    return answer.body.id
  }
  const assessmentId = await created(coordinator, '/api/assessments', {
    familyId: x.familyId,
    assessor: 'A CAFCASS officer',
    place: 'premises',
    startsAt: '2026-03-20T10:00',
  })
  const guidanceId = await created(all.volunteer_assigned, '/api/guidance', {
    familyId: x.familyId,
    question: 'May the grandmother come in?',
  })
  const disclosure = (category: string, purpose: string) =>
    created(all.referrer_of_family, '/api/disclosures', {
      familyId: x.familyId,
      category,
      purpose,
    })
  const releasedId = await disclosure('attendance', 'other')
  await coordinator.client.json('POST', `/api/disclosures/${releasedId}/confirm`, { version: 1 })
  const consentId = await created(coordinator, '/api/consents', {
    personId: motherId,
    category: 'contact_details',
    recipient: { kind: 'other_agency', name: 'World GP Surgery' },
    purpose: 'other',
    evidence: 'written',
    givenOn: '2026-03-14',
  })
  const run = async (status: 'completed' | 'awaiting_approval') => {
    const id = ctx.newId()
    await insertDisposalRun(database.db, {
      id,
      centreId,
      asOf: '2026-03-14',
      status,
      policyVersion: 1,
      isAutomatic: false,
      plannedAt: ctx.now().toISOString(),
      approvedBy: undefined,
      approvedRole: undefined,
      approvedAt: undefined,
      completedAt: status === 'completed' ? ctx.now().toISOString() : undefined,
      certificate:
        status === 'completed'
          ? {
              runId: id,
              clause: 'RETAIN',
              policyVersion: 1,
              asOf: '2026-03-14',
              completedAt: ctx.now().toISOString(),
              approvedBy: 'automatic',
              families: { wholly: 0, partly: 0 },
              standaloneRecords: 0,
              destroyed: {},
              kept: {},
              skipped: 0,
            }
          : undefined,
    })
    // A waiting run lists family X (what keeping a family out of a run acts on); it was
    // used today, so carrying the run out would skip it.
    if (status === 'awaiting_approval')
      await insertDisposalItems(database.db, centreId, [
        {
          id: ctx.newId(),
          runId: id,
          itemKind: 'family',
          itemId: x.familyId,
          lastUsedOn: '2022-03-14',
          dueOn: '2025-03-14',
          counts: { destroy: { family_record: 1 }, keep: {}, whole: true },
          outcome: undefined,
          reference: 'F-0001',
          kept: undefined,
        },
      ])
    return id
  }
  const sar = () =>
    created(coordinator, '/api/subject-access', {
      personId: motherId,
      identityMethod: 'passport seen',
    })
  const sarOpenId = await sar()
  const sarDoneId = await sar()
  await coordinator.client.json('POST', `/api/subject-access/${sarDoneId}/events`, {
    version: 1,
    event: { kind: 'completed' },
  })
  return {
    centreId,
    people: all,
    spare,
    familyId: x.familyId,
    otherFamilyId: y.familyId,
    motherId,
    fatherId,
    referralId: x.referralId,
    sessionId,
    roomId: await created(coordinator, '/api/rooms', { name: 'World Room' }),
    assessmentId,
    guidanceId,
    consentId,
    releasedId,
    refusedId: await disclosure('notes_or_reports', 'family_proceedings'),
    toConfirmId: await disclosure('attendance', 'other'),
    completedRunId: await run('completed'),
    waitingRunId: await run('awaiting_approval'),
    sarOpenId,
    sarDoneId,
  }
}
