import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  centreWithCoordinator,
  drainOutbox,
  invite,
  testApp,
  type Person,
} from '../../test/support/accounts.ts'
import { referral, type Family } from '../../test/support/cases.ts'
import {
  dialectsUnderTest,
  dumpEveryTable,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { postForm, visibleText } from '../../test/support/pages.ts'
import type { AppContext } from '../app/context.ts'
import { sendRenewalReminders } from '../app/workers.ts'

interface Setup {
  ctx: AppContext
  centreId: string
  coordinator: Person
  volunteer: Person
  familyId: string
  people: Family['people']
  roomId: string
  otherRoomId: string
}

type Json = Record<string, unknown> & {
  error?: { code: string; message: string; clauses?: string[] }
}

/** A centre with an accepted family whose parents must be kept apart, two rooms and a volunteer. */
/** A clear standard check of the volunteer, issued 13 May 2023, recorded by the coordinator. */
function recordClearCheck(s: Setup, renewalDueOn: string) {
  return s.coordinator.client.json('POST', `/api/workers/${s.volunteer.accountId}/checks`, {
    kind: 'dbs',
    level: 'standard',
    issuedOn: '2023-05-13',
    renewalDueOn,
    outcome: 'clear',
  })
}

async function setup(ctx: AppContext): Promise<Setup> {
  const app = testApp(ctx)
  const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
  const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
    'volunteer',
  ])
  const made = await coordinator.client.json<{ familyId: string; referralId: string }>(
    'POST',
    '/api/referrals',
    referral(),
  )
  for (const [to, version] of [
    ['pre_visits', 1],
    ['risk_assessed', 2],
    ['accepted', 3],
  ] as const)
    await coordinator.client.json('POST', `/api/referrals/${made.body.referralId}/status`, {
      to,
      version,
    })
  const family = await coordinator.client.json<Family>('GET', `/api/families/${made.body.familyId}`)
  const room = await coordinator.client.json<{ id: string }>('POST', '/api/rooms', {
    name: 'Willow Room',
  })
  const other = await coordinator.client.json<{ id: string }>('POST', '/api/rooms', {
    name: 'Oak Room',
  })
  return {
    ctx,
    centreId,
    coordinator,
    volunteer,
    familyId: made.body.familyId,
    people: family.body.people,
    roomId: room.body.id,
    otherRoomId: other.body.id,
  }
}

const booking = (s: Setup, extra: Record<string, unknown> = {}) => ({
  familyId: s.familyId,
  roomId: s.roomId,
  kind: 'supported',
  startsAt: '2026-03-14T10:00',
  endsAt: '2026-03-14T12:00',
  ...extra,
})

const personOf = (s: Setup, kind: string) => s.people.find((p) => p.kind === kind)?.id ?? ''

for (const dialect of await dialectsUnderTest()) {
  describe(`sessions, the door and workers on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('books with staggered times when the parents must not meet, and refuses plans that bring them together', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const booked = await s.coordinator.client.json<{
          plan: { personId: string; arrivesAt: string; leavesAt: string }[]
        }>('POST', '/api/sessions', booking(s))
        assert.equal(booked.status, 201, JSON.stringify(booked.body))
        const times = Object.fromEntries(
          booked.body.plan.map((p) => [
            p.personId,
            `${p.arrivesAt.slice(11)}-${p.leavesAt.slice(11)}`,
          ]),
        )
        assert.equal(times[personOf(s, 'non_resident_parent')], '09:45-12:15')
        assert.equal(times[personOf(s, 'resident_parent')], '10:00-12:00')
        assert.equal(times[personOf(s, 'child')], '10:00-12:00')

        const together = await s.coordinator.client.json<Json>(
          'POST',
          '/api/sessions',
          booking(s, {
            roomId: s.otherRoomId,
            plan: [
              {
                personId: personOf(s, 'non_resident_parent'),
                arrivesAt: '2026-03-14T09:55',
                waitingRoomId: s.roomId,
              },
              { personId: personOf(s, 'resident_parent'), waitingRoomId: s.roomId },
            ],
          }),
        )
        assert.equal(together.status, 409)
        assert.match(
          together.body.error?.message ?? '',
          /arrive less than 15 minutes apart; the parents would wait in the same room/,
        )
        const clash = await s.coordinator.client.json<Json>(
          'POST',
          '/api/sessions',
          booking(s, { startsAt: '2026-03-14T11:00', endsAt: '2026-03-14T13:00' }),
        )
        assert.equal(clash.status, 409)
        assert.match(clash.body.error?.message ?? '', /room is booked/)
        const backwards = await s.coordinator.client.json<Json>(
          'POST',
          '/api/sessions',
          booking(s, { endsAt: '2026-03-14T09:00' }),
        )
        assert.equal(backwards.status, 400)
        const impossible = await s.coordinator.client.json<Json>(
          'POST',
          '/api/sessions',
          booking(s, { startsAt: '2026-02-30T10:00' }),
        )
        assert.equal(impossible.status, 400)
        assert.equal(
          (
            await s.volunteer.client.json(
              'POST',
              '/api/sessions',
              booking(s, { roomId: s.otherRoomId }),
            )
          ).status,
          403,
        )
      }))

    it('books only today or days to come, at times that happen in the UK, and says why a long one is refused', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        // 09:00 BST on 4 July 2026: 08:00 GMT.
        const s = await setup(testContext(database, new TestClock('2026-07-04T08:00:00Z')))
        const attempt = (startsAt: string, endsAt: string) =>
          s.coordinator.client.json<Json>('POST', '/api/sessions', booking(s, { startsAt, endsAt }))
        const yesterday = await attempt('2026-07-03T10:00', '2026-07-03T12:00')
        assert.equal(yesterday.status, 400)
        assert.match(yesterday.body.error?.message ?? '', /that day has passed \(03\/07\/2026\)/)
        const skipped = await attempt('2027-03-28T01:30', '2027-03-28T03:00')
        assert.equal(skipped.status, 400)
        assert.match(
          skipped.body.error?.message ?? '',
          /01:30 on 28\/03\/2027 does not happen in the UK/,
        )
        const repeated = await attempt('2026-10-25T01:30', '2026-10-25T03:00')
        assert.equal(repeated.status, 201, 'the hour the clocks go back happens (twice)')
        const long = await attempt('2026-07-05T09:00', '2026-07-05T22:30')
        assert.equal(long.status, 400)
        assert.match(
          long.body.error?.message ?? '',
          /a session lasts at most 12 hours; this one would last 13 hours 30 minutes/,
        )
        const earlier = await attempt('2026-07-04T07:30', '2026-07-04T08:30')
        assert.equal(earlier.status, 201, 'earlier today is recorded as it happens')
      }))

    it('shows a time that happened at 10:02 BST as 10:02 on every page, beside times planned in UK time', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-07-04T08:55:00Z') // 09:55 BST
        const s = await setup(testContext(database, clock))
        const booked = await s.coordinator.client.json<{ sessionId: string }>(
          'POST',
          '/api/sessions',
          booking(s, { startsAt: '2026-07-04T10:00', endsAt: '2026-07-04T12:00' }),
        )
        assert.equal(booked.status, 201)
        clock.advance(7 * 60_000) // 09:02 GMT, 10:02 BST
        const outOfOrder = await postForm(
          s.coordinator.client,
          `/my-sessions/${booked.body.sessionId}/door`,
          { what: 'arrived', personId: personOf(s, 'resident_parent') },
        )
        assert.equal(outOfOrder.status, 200)
        const warned = visibleText(outOfOrder.text)
        assert.match(warned, /Keep them apart/, 'an arrival out of the plan is a warning')
        assert.doesNotMatch(warned, /\bDone\b/, 'never a green "Done"')
        assert.match(warned, /\(visiting parent\), due at 09:45/)
        const arrived = await s.coordinator.client.json(
          'POST',
          `/api/sessions/${booked.body.sessionId}/door`,
          { what: 'arrived', personId: personOf(s, 'non_resident_parent') },
        )
        assert.equal(arrived.status, 200)
        for (const path of [`/sessions/${booked.body.sessionId}`, '/today', '/my-sessions']) {
          // What the page says, without its markup (the session-timeout meta holds an instant).
          const page = (await (await s.coordinator.client.call('GET', path)).text()).replace(
            /<[^>]*>/g,
            ' ',
          )
          if (path !== '/my-sessions')
            assert.match(page, /09:45/, `${path} shows the planned arrival in UK time`)
          assert.match(page, /10:02/, `${path} shows the arrival at 10:02 BST`)
          assert.doesNotMatch(page, /09:02/, `${path} shows no UTC time`)
        }
      }))

    it('books only accepted families', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const fresh = await s.coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const refused = await s.coordinator.client.json<Json>(
          'POST',
          '/api/sessions',
          booking(s, { familyId: fresh.body.familyId }),
        )
        assert.equal(refused.status, 409)
        assert.match(
          refused.body.error?.message ?? '',
          /once the family is accepted; its referral is received/,
        )
      }))

    it('lets a volunteer whose check is under way shadow a checked worker only where the check comes before becoming a full volunteer (CHECKS)', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const booked = await s.coordinator.client.json<{ sessionId: string }>(
          'POST',
          '/api/sessions',
          booking(s),
        )
        const assign = (accountId: string) =>
          s.coordinator.client.json<Json>(
            'POST',
            `/api/sessions/${booked.body.sessionId}/workers`,
            { accountId },
          )
        const record = (accountId: string, outcome: 'clear' | 'pending') =>
          s.coordinator.client.json('POST', `/api/workers/${accountId}/checks`, {
            kind: 'dbs',
            level: 'enhanced',
            issuedOn: '2025-06-01',
            renewalDueOn: '2028-06-01',
            outcome,
          })
        assert.equal((await record(s.volunteer.accountId, 'pending')).status, 201)
        assert.equal((await record(s.coordinator.accountId, 'clear')).status, 201)
        const toBirmingham = await s.coordinator.client.json('POST', '/api/policy/versions', {
          preset: 'birmingham',
        })
        assert.equal(toBirmingham.status, 201)
        const alone = await assign(s.volunteer.accountId)
        assert.equal(alone.status, 409)
        assert.match(alone.body.error?.message ?? '', /only shadows a worker with a clear check/)
        assert.deepEqual((await assign(s.coordinator.accountId)).body, { clauses: ['CHECKS'] })
        assert.deepEqual((await assign(s.volunteer.accountId)).body, { clauses: ['CHECKS'] })
        const register = await s.volunteer.client.json(
          'GET',
          `/api/sessions/${booked.body.sessionId}/register`,
        )
        assert.equal(
          register.status,
          200,
          'the shadow sees the family as a volunteer on the session',
        )
        const toCordomus = await s.coordinator.client.json('POST', '/api/policy/versions', {
          preset: 'cordomus',
        })
        assert.equal(toCordomus.status, 201)
        const reach = await s.volunteer.client.json(
          'GET',
          `/api/sessions/${booked.body.sessionId}/register`,
        )
        assert.equal(reach.status, 404, 'before starting: no family until the check is clear')
      }))

    it('assigns only workers whose checks meet the policy, and who do not know the family', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const booked = await s.coordinator.client.json<{ sessionId: string }>(
          'POST',
          '/api/sessions',
          booking(s),
        )
        const assign = () =>
          s.coordinator.client.json<Json>(
            'POST',
            `/api/sessions/${booked.body.sessionId}/workers`,
            { accountId: s.volunteer.accountId },
          )
        const unchecked = await assign()
        assert.equal(unchecked.status, 409)
        assert.deepEqual(unchecked.body.error?.clauses, ['CHECKS'])
        assert.match(JSON.stringify(unchecked.body), /no clear standard DBS check in date/)
        const check = await s.coordinator.client.json(
          'POST',
          `/api/workers/${s.volunteer.accountId}/checks`,
          {
            kind: 'dbs',
            level: 'standard',
            certificateReference: '001234567890',
            issuedOn: '2025-06-01',
            renewalDueOn: '2028-06-01',
            outcome: 'clear',
          },
        )
        assert.equal(check.status, 201)
        assert.deepEqual((await assign()).body, { clauses: ['CHECKS'] })
        const register = await s.volunteer.client.json<{
          people: { givenName?: string; arrivesAt: string }[]
          safetyFlags: string[]
        }>('GET', `/api/sessions/${booked.body.sessionId}/register`)
        assert.equal(register.status, 200)
        const [first, ...rest] = register.body.people.map((p) => p.givenName)
        assert.equal(first, 'Idris', 'the visiting parent comes first')
        assert.deepEqual(rest.sort(), ['Elowen', 'Morwenna'])
        assert.deepEqual(register.body.safetyFlags, ['no_photographs'])

        const workers = await s.coordinator.client.json<{
          workers: { accountId: string; checks?: { certificateReference: string }[] }[]
        }>('GET', '/api/workers')
        const mine = workers.body.workers.find((w) => w.accountId === s.volunteer.accountId)
        assert.equal(mine?.checks?.[0]?.certificateReference, '001234567890')
        assert.equal((await s.volunteer.client.json('GET', '/api/workers')).status, 403)
        assert.ok(
          !(await dumpEveryTable(database)).includes('001234567890'),
          'the certificate reference is sealed',
        )

        const declared = await s.volunteer.client.json(
          'POST',
          `/api/families/${s.familyId}/acquaintances`,
          {},
        )
        assert.equal(declared.status, 204)
        assert.equal(
          (await s.volunteer.client.json('GET', `/api/sessions/${booked.body.sessionId}/register`))
            .status,
          404,
        )
        const again = await s.coordinator.client.json<Json>(
          'POST',
          `/api/sessions/${booked.body.sessionId}/workers`,
          { accountId: s.volunteer.accountId },
        )
        assert.equal(again.status, 409)
        assert.match(again.body.error?.message ?? '', /declared that they know this family/)
      }))

    it('signs the named people in and out, warns out of order, and records an override as an incident', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const booked = await s.coordinator.client.json<{ sessionId: string }>(
          'POST',
          '/api/sessions',
          booking(s),
        )
        const door = (body: Record<string, unknown>) =>
          s.coordinator.client.json<{ warnings?: string[]; error?: { message: string } }>(
            'POST',
            `/api/sessions/${booked.body.sessionId}/door`,
            body,
          )
        const early = await door({ what: 'arrived', personId: personOf(s, 'resident_parent') })
        assert.equal(early.status, 200)
        assert.match(
          early.body.warnings?.[0] ?? '',
          /planned to arrive earlier is not here yet: \p{L}+ \(visiting parent\), due at 09:45\. Keep this arrival apart/u,
          'the warning names who is awaited',
        )
        assert.deepEqual(
          (await door({ what: 'arrived', personId: personOf(s, 'non_resident_parent') })).body,
          { warnings: [] },
        )
        assert.equal(
          (await door({ what: 'arrived', personId: personOf(s, 'non_resident_parent') })).status,
          409,
        )
        assert.equal(
          (await door({ what: 'departed', personId: personOf(s, 'child') })).status,
          409,
          'not yet arrived',
        )
        const stranger = await door({ what: 'arrived', visitor: 'A new partner' })
        assert.equal(stranger.status, 409)
        assert.match(stranger.body.error?.message ?? '', /not on the named-people list/)
        const override = await door({
          what: 'arrived',
          visitor: 'A new partner',
          overrideReason: 'agreed by phone with the coordinator',
        })
        assert.deepEqual(override.body, {
          warnings: ['recorded as an incident for the coordinator'],
        })
        const register = await s.coordinator.client.json<{
          session: { status: string; version: number }
          people: { arrivedAt: string | null }[]
        }>('GET', `/api/sessions/${booked.body.sessionId}/register`)
        assert.equal(register.body.session.status, 'attended')
        assert.equal(register.body.people.filter((p) => p.arrivedAt !== null).length, 2)
        assert.equal(
          (
            await s.volunteer.client.json('POST', `/api/sessions/${booked.body.sessionId}/door`, {
              what: 'arrived',
              personId: personOf(s, 'child'),
            })
          ).status,
          404,
          'a volunteer not on the session',
        )
        const closed = await s.coordinator.client.json(
          'POST',
          `/api/sessions/${booked.body.sessionId}/close`,
          { outcome: 'did_not_attend', version: register.body.session.version },
        )
        assert.equal(closed.status, 409, 'an attended session is not marked not attended')
      }))

    it('cancels saying who cancelled, and refuses a stale change', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const booked = await s.coordinator.client.json<{ sessionId: string }>(
          'POST',
          '/api/sessions',
          booking(s),
        )
        const path = `/api/sessions/${booked.body.sessionId}/close`
        assert.equal(
          (await s.coordinator.client.json('POST', path, { outcome: 'cancelled', version: 1 }))
            .status,
          400,
        )
        assert.deepEqual(
          (
            await s.coordinator.client.json('POST', path, {
              outcome: 'cancelled',
              cancelledBy: 'resident_parent',
              version: 1,
            })
          ).body,
          { status: 'cancelled', version: 2 },
        )
        assert.equal(
          (await s.coordinator.client.json('POST', path, { outcome: 'did_not_attend', version: 1 }))
            .status,
          409,
        )
        const rebooked = await s.coordinator.client.json('POST', '/api/sessions', booking(s))
        assert.equal(rebooked.status, 201, 'a cancelled session frees its room')
      }))

    it("shows the day's sessions: all to the coordinator, a volunteer only theirs and only around today", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const booked = await s.coordinator.client.json<{ sessionId: string }>(
          'POST',
          '/api/sessions',
          booking(s),
        )
        const day = await s.coordinator.client.json<{
          sessions: {
            sessionId: string
            people: { givenName: string }[]
            family: { safetyFlags: string[] }
          }[]
        }>('GET', '/api/sessions?date=2026-03-14')
        assert.deepEqual(
          day.body.sessions.map((x) => x.sessionId),
          [booked.body.sessionId],
        )
        assert.equal(
          day.body.sessions[0]?.people[0]?.givenName,
          'Idris',
          'in the order they arrive',
        )
        assert.deepEqual(
          day.body.sessions.map((x) => x.family.safetyFlags),
          [['no_photographs']],
        )
        const none = await s.volunteer.client.json<{ sessions: unknown[] }>('GET', '/api/sessions')
        assert.deepEqual(none.body.sessions, [], 'not assigned: nothing')
        await s.coordinator.client.json('POST', `/api/workers/${s.volunteer.accountId}/checks`, {
          kind: 'dbs',
          level: 'standard',
          issuedOn: '2025-06-01',
          renewalDueOn: '2028-06-01',
          outcome: 'clear',
        })
        await s.coordinator.client.json('POST', `/api/sessions/${booked.body.sessionId}/workers`, {
          accountId: s.volunteer.accountId,
        })
        const mine = await s.volunteer.client.json<{ sessions: { sessionId: string }[] }>(
          'GET',
          '/api/sessions',
        )
        assert.deepEqual(
          mine.body.sessions.map((x) => x.sessionId),
          [booked.body.sessionId],
        )
        assert.ok(!JSON.stringify(mine.body).includes('Trelawny'), 'first names only')
        assert.equal(
          (await s.volunteer.client.json('GET', '/api/sessions?date=2026-03-17')).status,
          403,
        )
        assert.equal(
          (await s.coordinator.client.json('GET', '/api/sessions?date=2026-13-01')).status,
          400,
        )
      }))

    it('books an assessment on the premises only with an agreement approved by the role the policy names', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const s = await setup(ctx)
        const staff = await invite(
          ctx,
          s.coordinator.client.app,
          s.centreId,
          'ashbury',
          'staff@ashbury.example.org',
          ['staff'],
        )
        const proposed = await staff.client.json<{ id: string }>('POST', '/api/assessments', {
          familyId: s.familyId,
          assessor: 'A CAFCASS family court adviser',
          place: 'premises',
          startsAt: '2026-03-20T10:00',
        })
        assert.equal(proposed.status, 201)
        const early = await staff.client.json<Json>(
          'POST',
          `/api/assessments/${proposed.body.id}/book`,
        )
        assert.equal(early.status, 409)
        assert.deepEqual(early.body.error?.clauses, ['ASSESS'])
        assert.match(JSON.stringify(early.body), /needs an agreement approved by the coordinator/)
        assert.equal(
          (await staff.client.json('POST', `/api/assessments/${proposed.body.id}/approve`)).status,
          403,
        )
        assert.equal(
          (await s.coordinator.client.json('POST', `/api/assessments/${proposed.body.id}/approve`))
            .status,
          204,
        )
        assert.equal(
          (await s.coordinator.client.json('POST', `/api/assessments/${proposed.body.id}/approve`))
            .status,
          409,
        )
        assert.deepEqual(
          (await staff.client.json('POST', `/api/assessments/${proposed.body.id}/book`)).body,
          { clauses: ['ASSESS'] },
        )
      }))

    it('changes a plan only in ways that keep the parents apart', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        const booked = await s.coordinator.client.json<{ sessionId: string }>(
          'POST',
          '/api/sessions',
          booking(s),
        )
        const path = `/api/sessions/${booked.body.sessionId}/plan`
        const dad = personOf(s, 'non_resident_parent')
        const together = await s.coordinator.client.json<Json>('PUT', path, {
          plan: [{ personId: dad, arrivesAt: '2026-03-14T09:55' }],
          version: 1,
        })
        assert.equal(together.status, 409)
        assert.match(JSON.stringify(together.body), /arrive less than 15 minutes apart/)
        const apart = await s.coordinator.client.json<{ version: number }>('PUT', path, {
          plan: [{ personId: dad, arrivesAt: '2026-03-14T09:40' }],
          version: 1,
        })
        assert.equal(apart.status, 200)
        assert.equal(apart.body.version, 2)
        const stale = await s.coordinator.client.json('PUT', path, {
          plan: [{ personId: dad, arrivesAt: '2026-03-14T09:30' }],
          version: 1,
        })
        assert.equal(stale.status, 409)
        const register = await s.coordinator.client.json<{
          people: { personId: string; arrivesAt: string }[]
        }>('GET', `/api/sessions/${booked.body.sessionId}/register`)
        assert.equal(
          register.body.people.find((p) => p.personId === dad)?.arrivesAt,
          '2026-03-14T09:40',
        )
        const stranger = await s.coordinator.client.json('PUT', path, {
          plan: [{ personId: s.roomId }],
          version: 2,
        })
        assert.equal(stranger.status, 400)
      }))

    it("staggers by the centre's own interval once the coordinator sets it", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        assert.equal(
          (await s.coordinator.client.json('PUT', '/api/centre/stagger', { minutes: 70 })).status,
          400,
        )
        assert.equal(
          (await s.volunteer.client.json('PUT', '/api/centre/stagger', { minutes: 10 })).status,
          403,
        )
        assert.deepEqual(
          (await s.coordinator.client.json('PUT', '/api/centre/stagger', { minutes: 10 })).body,
          { minutes: 10 },
        )
        const booked = await s.coordinator.client.json<{
          plan: { personId: string; arrivesAt: string }[]
        }>('POST', '/api/sessions', booking(s))
        const dad = booked.body.plan.find((p) => p.personId === personOf(s, 'non_resident_parent'))
        assert.equal(dad?.arrivesAt, '2026-03-14T09:50')
      }))

    it('reminds the coordinator of checks falling due, by count and with no names', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T08:00:00Z')
        const s = await setup(testContext(database, clock))
        const record = (renewalDueOn: string) => recordClearCheck(s, renewalDueOn)
        await record('2026-04-20')
        await drainOutbox(s.ctx)
        assert.equal(await sendRenewalReminders(s.ctx), 0, 'nothing exactly 60 or 14 days out')
        // Due 14 days after tomorrow: reminded tomorrow.
        await record('2026-03-29')
        clock.advance(24 * 60 * 60_000)
        assert.equal(await sendRenewalReminders(s.ctx), 1)
        const messages = await drainOutbox(s.ctx)
        assert.deepEqual(
          messages.map((m) => m.recipient),
          [s.coordinator.email],
        )
        assert.ok(!JSON.stringify(messages).includes('Person v'), 'no names in the message')
        // A restart later the same day works nothing out again.
        assert.equal(await sendRenewalReminders(s.ctx), 0, 'no second reminder on a restart')
        assert.deepEqual(await drainOutbox(s.ctx), [])
      }))

    it('remembers the days it reminded on, and catches up the days the server was down', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T08:00:00Z')
        const s = await setup(testContext(database, clock))
        const record = (renewalDueOn: string) => recordClearCheck(s, renewalDueOn)
        assert.equal(await sendRenewalReminders(s.ctx), 0, 'the first run works out today')
        await drainOutbox(s.ctx)
        // 14 days from 16 March: the server is down on the 15th and 16th, back on the 17th.
        await record('2026-03-30')
        clock.advance(3 * 24 * 60 * 60_000)
        assert.equal(await sendRenewalReminders(s.ctx), 1, 'the missed days are worked out')
        assert.equal((await drainOutbox(s.ctx)).length, 1, 'in one message')
        const worked = await database.db
          .selectFrom('reminder_days')
          .select('day')
          .orderBy('day')
          .execute()
        assert.deepEqual(
          worked.map((r) => r.day),
          ['2026-03-14', '2026-03-15', '2026-03-16', '2026-03-17'],
        )
      }))

    it("CHECKS: a check falls due at the end of the policy's renewal period, whatever date was recorded with it", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const s = await setup(testContext(database, new TestClock('2026-03-14T08:00:00Z')))
        // Issued 2023-05-13 under a 36-month renewal period: due 2026-05-13, 60 days from today,
        // although the form recorded 2075.
        const recorded = await s.coordinator.client.json(
          'POST',
          `/api/workers/${s.volunteer.accountId}/checks`,
          {
            kind: 'dbs',
            level: 'standard',
            issuedOn: '2023-05-13',
            renewalDueOn: '2075-01-01',
            outcome: 'clear',
          },
        )
        assert.equal(recorded.status, 201)
        const workers = await s.coordinator.client.json<{
          workers: { accountId: string; renewalDueOn: string | null }[]
        }>('GET', '/api/workers')
        assert.equal(
          workers.body.workers.find((w) => w.accountId === s.volunteer.accountId)?.renewalDueOn,
          '2026-05-13',
        )
        await drainOutbox(s.ctx)
        assert.equal(
          await sendRenewalReminders(s.ctx),
          1,
          'reminded 60 days before the policy says',
        )
      }))
  })
}
