import { operatorActor } from '../../src/app/actor.ts'
import type { AppContext } from '../../src/app/context.ts'
import { linkParentAccount } from '../../src/app/parent-accounts.ts'
import type { Db } from '../../src/storage/database.ts'
import { insertContactSessions, insertRooms } from '../../src/storage/sessions.ts'
import { insertCheck, insertSessionWorker } from '../../src/storage/workers.ts'
import type { Person } from './accounts.ts'

/** Synthetic case data for the record tests: Q postcodes, Ofcom drama phone numbers. */
export const ADDRESS = '14 Quarry Lane, Q1 7ZZ'
export const PHONE = '07700 900461'

export const referral = (overrides: Record<string, unknown> = {}) => ({
  parents: [
    {
      kind: 'resident_parent',
      givenName: 'Morwenna',
      familyName: 'Trelawny',
      relationship: 'mother',
      hasParentalResponsibility: true,
      contactDetails: { address: ADDRESS, phone: PHONE },
    },
    {
      kind: 'non_resident_parent',
      givenName: 'Idris',
      familyName: 'Pengelly',
      relationship: 'father',
      hasParentalResponsibility: true,
      contactDetails: { address: '2 Tidewater Row, Q9 1AA' },
    },
  ],
  children: [{ givenName: 'Elowen', familyName: 'Pengelly', dateOfBirth: '2019-05-02' }],
  courtOrder: { kind: 'child arrangements order', reference: 'ZE26C00417' },
  isSeparationRequired: true,
  safetyFlags: ['no_photographs'],
  ...overrides,
})

export interface Family {
  id: string
  reference: string
  version: number
  status?: string
  people: { id: string; kind: string; givenName?: string; familyName?: string }[]
  safetyFlags?: string[]
  courtOrder?: unknown
  sessions?: { startsAt: string }[]
  withheld: string[]
}

/** A session today for the family, in a new room, with the worker assigned to it. */
export async function sessionToday(
  ctx: AppContext,
  db: Db,
  centreId: string,
  familyId: string,
  worker: Person,
  check: { level: string; renewalDueOn: string } | undefined,
): Promise<string> {
  const roomId = ctx.newId()
  await insertRooms(db, [{ id: roomId, centreId, name: 'Willow Room' }])
  const sessionId = ctx.newId()
  await insertContactSessions(db, [
    {
      id: sessionId,
      centreId,
      familyId,
      roomId,
      kind: 'supported',
      startsAt: '2026-03-14T10:00',
      endsAt: '2026-03-14T12:00',
      status: 'booked',
      createdAt: ctx.now().toISOString(),
    },
  ])
  await insertSessionWorker(db, {
    centreId,
    sessionId,
    accountId: worker.accountId,
    assignedAt: ctx.now().toISOString(),
    assignedBy: undefined,
  })
  if (check)
    await insertCheck(db, {
      id: ctx.newId(),
      centreId,
      accountId: worker.accountId,
      kind: 'dbs',
      level: check.level,
      certificateCiphertext: undefined,
      issuedOn: '2025-01-01',
      renewalDueOn: check.renewalDueOn,
      outcome: 'clear',
      recordedBy: undefined,
      createdAt: ctx.now().toISOString(),
      version: 1,
    })
  return sessionId
}

/** Three past sessions of the family: attended, cancelled, did not attend; one to come. */
export async function pastSessions(ctx: AppContext, db: Db, centreId: string, familyId: string) {
  const roomId = ctx.newId()
  await insertRooms(db, [{ id: roomId, centreId, name: 'Hazel Room' }])
  const session = (startsAt: string, endsAt: string, status: string) => ({
    id: ctx.newId(),
    centreId,
    familyId,
    roomId,
    kind: 'supported',
    startsAt,
    endsAt,
    status,
    createdAt: ctx.now().toISOString(),
  })
  await insertContactSessions(db, [
    session('2026-02-07T10:00', '2026-02-07T12:00', 'attended'),
    session('2026-02-21T10:00', '2026-02-21T11:30', 'cancelled'),
    session('2026-03-07T10:00', '2026-03-07T12:00', 'did_not_attend'),
    session('2026-03-21T10:00', '2026-03-21T12:00', 'booked'),
  ])
}

/**
 * The family's two parents, each linked to a parent's account where one is given, as the
 * coordinator links them: their person ids, for the tests that follow what each may see.
 */
export async function linkParents(
  ctx: AppContext,
  centreId: string,
  coordinator: Person,
  familyId: string,
  accounts: { mother?: string | undefined; father?: string | undefined },
): Promise<{ motherId: string; fatherId: string }> {
  const family = await coordinator.client.json<Family>('GET', `/api/families/${familyId}`)
  const idOf = (kind: string) => family.body.people.find((p) => p.kind === kind)?.id ?? ''
  const ids = { motherId: idOf('resident_parent'), fatherId: idOf('non_resident_parent') }
  if (accounts.mother !== undefined)
    await linkParentAccount(ctx, operatorActor(centreId), ids.motherId, accounts.mother)
  if (accounts.father !== undefined)
    await linkParentAccount(ctx, operatorActor(centreId), ids.fatherId, accounts.father)
  return ids
}
