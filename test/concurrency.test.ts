import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createCentre } from '../src/app/centres.ts'
import type { AppContext } from '../src/app/context.ts'
import { isHavenError } from '../src/domain/errors.ts'
import type { Database } from '../src/storage/database.ts'
import { insertFamily } from '../src/storage/families.ts'
import {
  centreWithCoordinator,
  Client,
  drainOutbox,
  invite,
  PASSWORD,
  testApp,
  waitForMessages,
  type Person,
} from './support/accounts.ts'
import { linkParents, referral } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * Every check-then-write holds when twenty requests for it arrive at once, through the HTTP
 * layer, on both engines, and when they arrive one after another (decision 0032). On
 * PostgreSQL the twenty run on the pool's connections at the same time; on SQLite they
 * interleave between the statements of their work outside the transaction.
 */
const AT_ONCE = 20
const NAMES = /Morwenna|Trelawny|Idris|Pengelly|Elowen/

type Json = Record<string, unknown> & { error?: { code: string; message: string } }

interface Centre {
  ctx: AppContext
  app: ReturnType<typeof testApp>
  centreId: string
  coordinator: Person
}

async function centre(ctx: AppContext): Promise<Centre> {
  const app = testApp(ctx)
  const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
  return { ctx, app, centreId, coordinator }
}

/** A family referred and accepted, whose parents must be kept apart: its id and people. */
async function acceptedFamily(
  c: Centre,
): Promise<{ familyId: string; people: { id: string; kind: string }[] }> {
  const made = await c.coordinator.client.json<{ familyId: string; referralId: string }>(
    'POST',
    '/api/referrals',
    referral(),
  )
  assert.equal(made.status, 201)
  for (const [to, version] of [
    ['pre_visits', 1],
    ['risk_assessed', 2],
    ['accepted', 3],
  ] as const)
    assert.equal(
      (
        await c.coordinator.client.json('POST', `/api/referrals/${made.body.referralId}/status`, {
          to,
          version,
        })
      ).status,
      200,
    )
  const family = await c.coordinator.client.json<{ people: { id: string; kind: string }[] }>(
    'GET',
    `/api/families/${made.body.familyId}`,
  )
  return { familyId: made.body.familyId, people: family.body.people }
}

async function rooms(c: Centre, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 1; i <= count; i += 1) {
    const room = await c.coordinator.client.json<{ id: string }>('POST', '/api/rooms', {
      name: `Room ${String(i)}`,
    })
    ids.push(room.body.id)
  }
  return ids
}

const book = (
  c: Centre,
  familyId: string,
  roomId: string,
  startsAt = '2026-03-21T10:00',
  endsAt = '2026-03-21T12:00',
) =>
  c.coordinator.client.json<Json & { sessionId: string }>('POST', '/api/sessions', {
    familyId,
    roomId,
    kind: 'supported',
    startsAt,
    endsAt,
  })

const statuses = (answers: readonly { status: number }[]) => answers.map((a) => a.status)
const count = (list: readonly number[], status: number) => list.filter((s) => s === status).length

/**
 * Families referred through the API whose last use was four years ago (the centre's default
 * policy destroys what is unused for three): their ids.
 */
async function oldFamilies(c: Centre, database: Database, n: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i += 1) {
    const made = await c.coordinator.client.json<{ familyId: string }>(
      'POST',
      '/api/referrals',
      referral(),
    )
    assert.equal(made.status, 201)
    ids.push(made.body.familyId)
  }
  await database.db
    .updateTable('families')
    .set({ last_activity_at: '2022-01-10T10:00:00.000Z' })
    .where('id', 'in', ids)
    .execute()
  return ids
}

/** A disposal run planned now through the API, naming `families` families to destroy. */
async function plannedRun(c: Centre, families: number): Promise<string> {
  const planned = await c.coordinator.client.json<{
    runId: string
    status: string
    familiesToDestroy: number
  }>('POST', '/api/disposals')
  assert.equal(planned.body.status, 'awaiting_approval')
  assert.equal(planned.body.familiesToDestroy, families)
  return planned.body.runId
}

for (const dialect of await dialectsUnderTest()) {
  describe(`check-then-write under concurrency on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('a family is booked into one room at a time: twenty rooms at once give one session; one after another, a clash; a cancelled session is no clash', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const { familyId } = await acceptedFamily(c)
        const ids = await rooms(c, AT_ONCE + 1)
        const answers = await Promise.all(ids.slice(0, AT_ONCE).map((id) => book(c, familyId, id)))
        const got = statuses(answers)
        assert.equal(count(got, 201), 1, got.join(','))
        assert.equal(count(got, 409), AT_ONCE - 1, got.join(','))
        const booked = await database.db
          .selectFrom('contact_sessions')
          .select(['id', 'room_id'])
          .where('family_id', '=', familyId)
          .execute()
        assert.equal(booked.length, 1)

        // One after another: an overlapping time in the spare room is refused, saying with
        // what it clashes and naming no one.
        const later = await book(
          c,
          familyId,
          ids[AT_ONCE] ?? '',
          '2026-03-21T11:00',
          '2026-03-21T13:00',
        )
        assert.equal(later.status, 409)
        const room = ids.indexOf(booked[0]?.room_id ?? '') + 1
        assert.equal(
          later.body.error?.message,
          `the family already has a session at that time (Room ${String(room)}, 10:00 to 12:00)`,
        )
        assert.doesNotMatch(JSON.stringify(later.body), NAMES)

        // Cancelled, it clashes with nothing.
        const cancelled = await c.coordinator.client.json(
          'POST',
          `/api/sessions/${booked[0]?.id ?? ''}/close`,
          { outcome: 'cancelled', cancelledBy: 'centre', version: 1 },
        )
        assert.equal(cancelled.status, 200)
        assert.equal(
          (await book(c, familyId, ids[AT_ONCE] ?? '', '2026-03-21T11:00', '2026-03-21T13:00'))
            .status,
          201,
        )
      }))

    it('a room holds one session at a time: twenty families at once give one booking', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const families: string[] = []
        for (let i = 0; i < AT_ONCE; i += 1) families.push((await acceptedFamily(c)).familyId)
        const [roomId = ''] = await rooms(c, 1)
        const got = statuses(await Promise.all(families.map((f) => book(c, f, roomId))))
        assert.equal(count(got, 201), 1, got.join(','))
        assert.equal(count(got, 409), AT_ONCE - 1, got.join(','))
        const inRoom = await database.db
          .selectFrom('contact_sessions')
          .select('id')
          .where('room_id', '=', roomId)
          .execute()
        assert.equal(inRoom.length, 1)
      }))

    it('a parent linked to records in two families is in one place at a time, at once and one after another', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const first = await acceptedFamily(c)
        const second = await acceptedFamily(c)
        const parent = await invite(c.ctx, c.app, c.centreId, 'ashbury', 'p@ashbury.example.org', [
          'parent',
        ])
        await linkParents(c.ctx, c.centreId, c.coordinator, first.familyId, {
          mother: parent.accountId,
        })
        await linkParents(c.ctx, c.centreId, c.coordinator, second.familyId, {
          mother: parent.accountId,
        })
        const ids = await rooms(c, AT_ONCE + 1)
        const answers = await Promise.all(
          ids
            .slice(0, AT_ONCE)
            .map((id, i) => book(c, i % 2 === 0 ? first.familyId : second.familyId, id)),
        )
        const got = statuses(answers)
        assert.equal(count(got, 201), 1, got.join(','))
        assert.equal(count(got, 409), AT_ONCE - 1, got.join(','))
        const winner = answers.findIndex((a) => a.status === 201)
        const other = winner % 2 === 0 ? second : first

        const later = await book(
          c,
          other.familyId,
          ids[AT_ONCE] ?? '',
          '2026-03-21T11:30',
          '2026-03-21T13:30',
        )
        assert.equal(later.status, 409)
        assert.match(
          later.body.error?.message ?? '',
          /^the resident parent is due at another session at that time \(Room \d+, 10:00 to 12:00\)$/,
        )
        assert.doesNotMatch(JSON.stringify(later.body), NAMES)
        assert.equal(
          (
            await book(
              c,
              other.familyId,
              ids[AT_ONCE] ?? '',
              '2026-03-21T12:30',
              '2026-03-21T14:30',
            )
          ).status,
          201,
          'after the other session, the same parent is free',
        )
      }))

    it('each person of a family is in one place at a time: a staggered parent back to back, and a plan changed to overlap', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const { familyId, people } = await acceptedFamily(c)
        const [one = '', two = ''] = await rooms(c, 2)
        assert.equal((await book(c, familyId, one)).status, 201)
        // The visiting parent stays until 12:15 and would arrive at 11:45 for the next one.
        const backToBack = await book(c, familyId, two, '2026-03-21T12:00', '2026-03-21T14:00')
        assert.equal(backToBack.status, 409)
        assert.equal(
          backToBack.body.error?.message,
          'the non-resident parent is due at another session at that time (Room 1, 09:45 to 12:15)',
        )
        const after = await book(c, familyId, two, '2026-03-21T13:00', '2026-03-21T15:00')
        assert.equal(after.status, 201)
        const visiting = people.find((p) => p.kind === 'non_resident_parent')?.id ?? ''
        const replans = await Promise.all(
          Array.from({ length: AT_ONCE }, () =>
            c.coordinator.client.json<Json>('PUT', `/api/sessions/${after.body.sessionId}/plan`, {
              version: 1,
              plan: [{ personId: visiting, arrivesAt: '2026-03-21T12:00' }],
            }),
          ),
        )
        const got = statuses(replans)
        assert.equal(count(got, 409), AT_ONCE, got.join(','))
        assert.match(
          replans[0]?.body.error?.message ?? '',
          /^the non-resident parent is due at another session at that time/,
        )
        const kept = await database.db
          .selectFrom('session_people')
          .select('arrives_at')
          .where('session_id', '=', after.body.sessionId)
          .where('person_id', '=', visiting)
          .executeTakeFirstOrThrow()
        assert.equal(kept.arrives_at, '2026-03-21T12:45')
      }))

    it('a worker works one session at a time: twenty assignments at once to two sessions at the same time land on one', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const volunteer = await invite(
          c.ctx,
          c.app,
          c.centreId,
          'ashbury',
          'v@ashbury.example.org',
          ['volunteer'],
        )
        const check = await c.coordinator.client.json(
          'POST',
          `/api/workers/${volunteer.accountId}/checks`,
          {
            kind: 'dbs',
            level: 'enhanced',
            issuedOn: '2025-06-01',
            renewalDueOn: '2028-06-01',
            outcome: 'clear',
          },
        )
        assert.equal(check.status, 201)
        const [one = '', two = '', three = ''] = await rooms(c, 3)
        const a = await book(c, (await acceptedFamily(c)).familyId, one)
        const b = await book(c, (await acceptedFamily(c)).familyId, two)
        const sessions = [a.body.sessionId, b.body.sessionId]
        const answers = await Promise.all(
          Array.from({ length: AT_ONCE }, (_, i) =>
            c.coordinator.client.json<Json>(
              'POST',
              `/api/sessions/${sessions[i % 2] ?? ''}/workers`,
              { accountId: volunteer.accountId },
            ),
          ),
        )
        const won = new Set(
          answers.flatMap((answer, i) => (answer.status === 200 ? [sessions[i % 2]] : [])),
        )
        assert.equal(won.size, 1, statuses(answers).join(','))
        assert.ok(
          answers.every((answer) => answer.status === 200 || answer.status === 409),
          statuses(answers).join(','),
        )
        const assigned = await database.db
          .selectFrom('session_workers')
          .select('session_id')
          .where('account_id', '=', volunteer.accountId)
          .execute()
        assert.equal(assigned.length, 1)

        // One after another: the other session at the same time is refused; a later one is not.
        const loser = sessions.find((s) => !won.has(s)) ?? ''
        const again = await c.coordinator.client.json<Json>(
          'POST',
          `/api/sessions/${loser}/workers`,
          { accountId: volunteer.accountId },
        )
        assert.equal(again.status, 409)
        assert.match(
          again.body.error?.message ?? '',
          /^this worker already works another session at that time \(Room [12], 10:00 to 12:00\)$/,
        )
        const later = await book(
          c,
          (await acceptedFamily(c)).familyId,
          three,
          '2026-03-21T12:00',
          '2026-03-21T13:00',
        )
        assert.equal(
          (
            await c.coordinator.client.json(
              'POST',
              `/api/sessions/${later.body.sessionId}/workers`,
              { accountId: volunteer.accountId },
            )
          ).status,
          200,
        )
      }))

    it('family references: twenty referrals at once get twenty references, never one given twice', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const answers = await Promise.all(
          Array.from({ length: AT_ONCE }, () =>
            c.coordinator.client.json<{ familyId: string }>('POST', '/api/referrals', referral()),
          ),
        )
        assert.deepEqual([...new Set(statuses(answers))], [201], statuses(answers).join(','))
        const references = await database.db
          .selectFrom('families')
          .select('reference')
          .where('centre_id', '=', c.centreId)
          .orderBy('reference')
          .execute()
        assert.deepEqual(
          references.map((r) => r.reference),
          Array.from({ length: AT_ONCE }, (_, i) => `F-${String(i + 1).padStart(4, '0')}`),
        )
        // The backstop: the database itself refuses a reference twice in a centre.
        const family = (reference: string) => ({
          id: c.ctx.newId(),
          centreId: c.centreId,
          reference,
          wrappedKey: 'x',
          keyVersion: 1,
          createdAt: '2026-03-14T08:00:00.000Z',
          lastActivityAt: '2026-03-14T08:00:00.000Z',
          isSeparationRequired: false,
          safetyFlags: [],
        })
        await assert.rejects(insertFamily(database.db, family('F-0001')))
        // A reference written without the counter (a restore of an older backup): the next
        // referral goes past it rather than failing.
        await insertFamily(database.db, family('F-0021'))
        const next = await c.coordinator.client.json<{ reference: string; familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        assert.equal(next.status, 201)
        assert.equal(next.body.reference, 'F-0022')
        // Disposed of (its rows removed as a disposal run removes them), the newest family's
        // reference is not given again.
        const gone = next.body.familyId
        const referrals = database.db
          .selectFrom('referrals')
          .select('id')
          .where('family_id', '=', gone)
        await database.db
          .deleteFrom('referral_events')
          .where('referral_id', 'in', referrals)
          .execute()
        for (const table of ['referrals', 'people'] as const)
          await database.db.deleteFrom(table).where('family_id', '=', gone).execute()
        await database.db.deleteFrom('families').where('id', '=', gone).execute()
        const after = await c.coordinator.client.json<{ reference: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        assert.equal(after.body.reference, 'F-0023')
      }))

    it('a recovery code works once: the same code twenty times at once, and several codes at once for one session', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database))
        const codes = c.coordinator.recoveryCodes
        assert.equal(codes.length, 10)
        const unused = async () =>
          (
            await database.db
              .selectFrom('recovery_codes')
              .select('id')
              .where('account_id', '=', c.coordinator.accountId)
              .where('used_at', 'is', null)
              .execute()
          ).length

        // One session waiting for its second factor, five different codes sent together:
        // the session passes once, and only one code is spent.
        const one = c.coordinator.client
        assert.equal((await one.signIn('ashbury', c.coordinator.email, PASSWORD)).status, 200)
        const several = await Promise.all(
          codes
            .slice(1, 6)
            .map((code) =>
              one.json<Json>('POST', '/api/auth/second-factor', { recoveryCode: code }),
            ),
        )
        assert.equal(count(statuses(several), 200), 1, statuses(several).join(','))
        assert.ok(
          statuses(several).every((s) => s === 200 || s === 409 || s === 401),
          JSON.stringify(several.map((a) => a.body)),
        )
        assert.equal(await unused(), 9)

        // The same code from twenty browsers at once: one passes.
        const browsers = Array.from({ length: AT_ONCE }, () => new Client(c.app))
        for (const browser of browsers)
          assert.equal((await browser.signIn('ashbury', c.coordinator.email, PASSWORD)).status, 200)
        const same = await Promise.all(
          browsers.map((browser) =>
            browser.json<Json>('POST', '/api/auth/second-factor', { recoveryCode: codes[0] }),
          ),
        )
        const got = statuses(same)
        assert.equal(count(got, 200), 1, got.join(','))
        assert.ok(
          got.every((s) => s === 200 || s === 401 || s === 429),
          got.join(','),
        )
        assert.equal(await unused(), 8)
      }))

    it('a password reset link works once, even twenty times at once', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database))
        await drainOutbox(c.ctx)
        const asked = await new Client(c.app).json('POST', '/api/auth/password-reset', {
          email: c.coordinator.email,
        })
        assert.equal(asked.status, 202)
        const [message] = await waitForMessages(c.ctx)
        const token = /\/password-reset\/(\S+)/.exec(message?.body ?? '')?.[1] ?? ''
        const answers = await Promise.all(
          Array.from({ length: AT_ONCE }, (_, i) =>
            new Client(c.app).json('POST', '/api/auth/password-reset/complete', {
              token,
              password: `quartz meadow ${String(i)} lantern`,
            }),
          ),
        )
        const got = statuses(answers)
        assert.equal(count(got, 200), 1, got.join(','))
        assert.equal(count(got, 410), AT_ONCE - 1, got.join(','))
        const winner = answers.findIndex((a) => a.status === 200)
        assert.equal(
          (
            await new Client(c.app).signIn(
              'ashbury',
              c.coordinator.email,
              `quartz meadow ${String(winner)} lantern`,
            )
          ).status,
          200,
        )
      }))

    it('no session outlives a password reset: twenty sign-ins with the old password sent with the reset', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database))
        await drainOutbox(c.ctx)
        await new Client(c.app).json('POST', '/api/auth/password-reset', {
          email: c.coordinator.email,
        })
        const [message] = await waitForMessages(c.ctx)
        const token = /\/password-reset\/(\S+)/.exec(message?.body ?? '')?.[1] ?? ''
        const [reset, ...signIns] = await Promise.all([
          new Client(c.app).json('POST', '/api/auth/password-reset/complete', {
            token,
            password: 'quartz meadow lantern',
          }),
          ...Array.from({ length: AT_ONCE }, () =>
            new Client(c.app).signIn('ashbury', c.coordinator.email, PASSWORD),
          ),
        ])
        assert.equal(reset.status, 200)
        assert.ok(
          signIns.every((s) => [200, 401, 429].includes(s.status)),
          statuses(signIns).join(','),
        )
        const open = await database.db
          .selectFrom('auth_sessions')
          .select('id')
          .where('account_id', '=', c.coordinator.accountId)
          .where('ended_at', 'is', null)
          .execute()
        assert.equal(open.length, 0, 'every session made with the old password has ended')
      }))

    it('a slug names one centre: twenty creations at once make one', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const made = await Promise.allSettled(
          Array.from({ length: AT_ONCE }, (_, i) =>
            createCentre(ctx, {
              name: 'Brackenford',
              slug: 'brackenford',
              coordinatorEmail: `c${String(i)}@brackenford.example.org`,
            }),
          ),
        )
        assert.equal(made.filter((m) => m.status === 'fulfilled').length, 1)
        for (const m of made)
          if (m.status === 'rejected')
            assert.ok(isHavenError(m.reason) && m.reason.code === 'conflict', String(m.reason))
        const rows = await database.db
          .selectFrom('centres')
          .select('id')
          .where('slug', '=', 'brackenford')
          .execute()
        assert.equal(rows.length, 1)
      }))

    it('a disposal run is approved once: twenty approvals at once destroy its families once', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const families = await oldFamilies(c, database, 3)
        const runId = await plannedRun(c, 3)
        const answers = await Promise.all(
          Array.from({ length: AT_ONCE }, () =>
            c.coordinator.client.json<Json>('POST', `/api/disposals/${runId}/approve`, {
              familiesToDestroy: 3,
            }),
          ),
        )
        const got = statuses(answers)
        assert.equal(count(got, 200), 1, got.join(','))
        assert.equal(count(got, 409), AT_ONCE - 1, got.join(','))
        const ledger = await database.db
          .selectFrom('disposal_ledger')
          .select('item_id')
          .where('item_kind', '=', 'family')
          .execute()
        assert.deepEqual(ledger.map((l) => l.item_id).sort(), [...families].sort(), 'once each')
        const approvals = await database.db
          .selectFrom('audit_log')
          .select('seq')
          .where('type', '=', 'disposal.approved')
          .execute()
        assert.equal(approvals.length, 1)
      }))

    it('a family kept out of a run while it is approved is never destroyed: ten keeps and ten approvals at once', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const c = await centre(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const families = await oldFamilies(c, database, 10)
        const runId = await plannedRun(c, 10)
        // Each approval names another count: whichever interleaving happens, at most one
        // can match the run as it is when it is claimed.
        const keeps = families.map((familyId, i) =>
          c.coordinator.client
            .json<Json>('POST', `/api/disposals/${runId}/families/${familyId}/keep`, {
              as: i % 2 === 0 ? 'held' : 'excluded',
              reason: 'asked to wait',
            })
            .then((answer) => ({ familyId, status: answer.status })),
        )
        const approvals = families.map((_, k) =>
          c.coordinator.client
            .json<Json>('POST', `/api/disposals/${runId}/approve`, { familiesToDestroy: 10 - k })
            .then((answer) => ({ count: 10 - k, status: answer.status })),
        )
        const [kept, approved] = await Promise.all([Promise.all(keeps), Promise.all(approvals)])
        for (const answer of [...kept, ...approved])
          assert.ok(answer.status === 200 || answer.status === 409, JSON.stringify(answer))
        const keptIds = kept.filter((k) => k.status === 200).map((k) => k.familyId)
        const winners = approved.filter((a) => a.status === 200)
        assert.ok(winners.length <= 1, JSON.stringify(approved))
        const left = async () =>
          (
            await database.db
              .selectFrom('families')
              .select('id')
              .where('id', 'in', families)
              .where('disposed_on', 'is', null)
              .execute()
          ).map((r) => r.id)
        for (const id of keptIds)
          assert.ok(
            (await left()).includes(id),
            'a family kept out answered 200 is never destroyed',
          )
        const [winner] = winners
        if (winner) {
          assert.equal(winner.count, 10 - keptIds.length, 'the approval named the run as claimed')
          assert.deepEqual((await left()).sort(), [...keptIds].sort(), 'and destroyed the rest')
        } else {
          // One after another: the count of the run as it is now is accepted.
          const now = await c.coordinator.client.json<{ familiesToDestroy: number }>(
            'GET',
            `/api/disposals/${runId}`,
          )
          assert.equal(now.body.familiesToDestroy, 10 - keptIds.length)
          const last = await c.coordinator.client.json('POST', `/api/disposals/${runId}/approve`, {
            familiesToDestroy: now.body.familiesToDestroy,
          })
          assert.equal(last.status, 200)
          assert.deepEqual((await left()).sort(), [...keptIds].sort())
        }
      }))
  })
}
