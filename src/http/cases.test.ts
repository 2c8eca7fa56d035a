import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, invite, testApp } from '../../test/support/accounts.ts'
import {
  dialectsUnderTest,
  dumpEveryTable,
  dumpTables,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { ADDRESS, PHONE, referral, sessionToday, type Family } from '../../test/support/cases.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(`referrals and families on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('records a referral, moves it through its lifecycle, and refuses a stale or impossible move', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const made = await coordinator.client.json<{
          referralId: string
          familyId: string
          reference: string
        }>('POST', '/api/referrals', referral())
        assert.equal(made.status, 201, JSON.stringify(made.body))
        assert.equal(made.body.reference, 'F-0001')
        const move = (to: string, version: number) =>
          coordinator.client.json<{
            status?: string
            version?: number
            error?: { code: string; message: string }
          }>('POST', `/api/referrals/${made.body.referralId}/status`, { to, version })
        assert.equal((await move('accepted', 1)).status, 409)
        assert.deepEqual((await move('pre_visits', 1)).body, { status: 'pre_visits', version: 2 })
        const stale = await move('risk_assessed', 1)
        assert.equal(stale.status, 409)
        assert.match(stale.body.error?.message ?? '', /someone else changed/)
        assert.equal((await move('risk_assessed', 2)).status, 200)
        assert.equal((await move('declined', 3)).status, 200)
        const final = await move('accepted', 4)
        assert.equal(final.status, 409)
        assert.match(final.body.error?.message ?? '', /final/)

        const family = await coordinator.client.json<Family>(
          'GET',
          `/api/families/${made.body.familyId}`,
        )
        assert.equal(family.status, 200)
        assert.equal(family.body.status, 'declined')
        assert.deepEqual(
          family.body.people.map((p) => `${p.kind}:${p.givenName ?? ''} ${p.familyName ?? ''}`),
          [
            'resident_parent:Morwenna Trelawny',
            'non_resident_parent:Idris Pengelly',
            'child:Elowen Pengelly',
          ],
        )
        assert.deepEqual(family.body.safetyFlags, ['no_photographs'])
        assert.ok(family.body.courtOrder)
        const text = JSON.stringify(family.body)
        assert.ok(
          !text.includes(ADDRESS) && !text.includes(PHONE),
          'contact details are never read',
        )
      }))

    it('validates a referral at the boundary and writes nothing when it is wrong', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const bad = [
          [referral({ extra: 1 }), 'body.extra'],
          [referral({ children: [] }), 'body.children'],
          [
            referral({
              children: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2019-02-30' }],
            }),
            'children.0.dateOfBirth',
          ],
          [referral({ safetyFlags: ['No Photos'] }), 'body.safetyFlags.0'],
          [referral({ agencyId: ctx.newId() }), 'agencyId'],
        ] as const
        for (const [body, field] of bad) {
          const response = await coordinator.client.json<{
            error: { code: string; field: string }
          }>('POST', '/api/referrals', body)
          assert.equal(response.status, 400, field)
          assert.equal(response.body.error.code, 'invalid_input')
          assert.ok(
            response.body.error.field.endsWith(field),
            `${response.body.error.field} names ${field}`,
          )
        }
        const list = await coordinator.client.json<{ families: unknown[] }>('GET', '/api/families')
        assert.deepEqual(list.body.families, [])
        const query = await coordinator.client.json('GET', '/api/families?limit=0')
        assert.equal(query.status, 400)
      }))

    it("lets a referrer follow their own agency's families, and nobody else's", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const hollis = await invite(ctx, app, centreId, 'ashbury', 'r@hollis.example.org', [
          'referrer',
        ])
        const colleague = await invite(ctx, app, centreId, 'ashbury', 'r2@hollis.example.org', [
          'referrer',
        ])
        const other = await invite(
          ctx,
          app,
          centreId,
          'ashbury',
          'r@marsh.example.org',
          ['referrer'],
          {
            kind: 'mediator',
            name: 'Marsh Family Mediation',
          },
        )
        const made = await hollis.client.json<{ familyId: string; referralId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        assert.equal(made.status, 201)
        const own = await colleague.client.json<{
          referrals: { id: string; agency: { name: string } }[]
        }>('GET', '/api/referrals')
        assert.deepEqual(
          own.body.referrals.map((r) => [r.id, r.agency.name]),
          [[made.body.referralId, 'Hollis & Co Solicitors']],
        )
        const seen = await colleague.client.json('GET', `/api/referrals/${made.body.referralId}`)
        assert.equal(seen.status, 200)
        assert.deepEqual(
          Object.keys(seen.body).sort(),
          ['agency', 'familyId', 'id', 'receivedOn', 'reference', 'sessions', 'status', 'version'],
          'a referrer follows progress and dates and times, nothing else',
        )
        assert.equal(
          (await colleague.client.json('GET', `/api/families/${made.body.familyId}`)).status,
          404,
          "the family's record is not the referrer's",
        )
        const outsider = await other.client.json<{ referrals: unknown[] }>('GET', '/api/referrals')
        assert.deepEqual(outsider.body.referrals, [])
        const refused = await other.client.json('GET', `/api/referrals/${made.body.referralId}`)
        const missing = await other.client.json('GET', `/api/referrals/${ctx.newId()}`)
        assert.equal(refused.status, 404)
        assert.deepEqual(
          { ...(refused.body as { error: object }).error, requestId: undefined },
          { ...(missing.body as { error: object }).error, requestId: undefined },
          'refused looks exactly like missing',
        )
        const move = await hollis.client.json(
          'POST',
          `/api/referrals/${made.body.referralId}/status`,
          {
            to: 'pre_visits',
            version: 1,
          },
        )
        assert.equal(move.status, 403)
        const everything = await coordinator.client.json<{ referrals: unknown[] }>(
          'GET',
          '/api/referrals',
        )
        assert.equal(everything.body.referrals.length, 1)
      }))

    it('shows a volunteer only the families of their sessions, only while their check is good', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const ids: string[] = []
        for (let i = 0; i < 3; i += 1) {
          const made = await coordinator.client.json<{ familyId: string }>(
            'POST',
            '/api/referrals',
            referral(),
          )
          ids.push(made.body.familyId)
        }
        const [mine = '', lapsed = '', known = ''] = ids
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        const tired = await invite(ctx, app, centreId, 'ashbury', 'v2@ashbury.example.org', [
          'volunteer',
        ])
        const friend = await invite(ctx, app, centreId, 'ashbury', 'v3@ashbury.example.org', [
          'volunteer',
        ])
        await sessionToday(ctx, database.db, centreId, mine, volunteer, {
          level: 'standard',
          renewalDueOn: '2028-01-01',
        })
        await sessionToday(ctx, database.db, centreId, lapsed, tired, {
          level: 'standard',
          renewalDueOn: '2026-03-14',
        })
        await sessionToday(ctx, database.db, centreId, known, friend, {
          level: 'standard',
          renewalDueOn: '2028-01-01',
        })
        const declared = await friend.client.json(
          'POST',
          `/api/families/${known}/acquaintances`,
          {},
        )
        assert.equal(declared.status, 204)

        const view = await volunteer.client.json<Family>('GET', `/api/families/${mine}`)
        assert.equal(view.status, 200)
        assert.deepEqual(
          view.body.people.map((p) => [p.givenName, p.familyName]),
          [
            ['Morwenna', undefined],
            ['Idris', undefined],
            ['Elowen', undefined],
          ],
        )
        assert.deepEqual(view.body.safetyFlags, ['no_photographs'])
        assert.equal(view.body.sessions?.length, 1)
        assert.equal(view.body.courtOrder, undefined)
        assert.equal((await volunteer.client.json('GET', `/api/families/${lapsed}`)).status, 404)
        const list = await volunteer.client.json<{ families: Family[] }>('GET', '/api/families')
        assert.deepEqual(
          list.body.families.map((f) => f.id),
          [mine],
        )
        assert.equal(
          (await tired.client.json('GET', `/api/families/${lapsed}`)).status,
          404,
          'the check lapsed today',
        )
        assert.equal(
          (await friend.client.json('GET', `/api/families/${known}`)).status,
          404,
          'they know the family',
        )
        const reveal = await volunteer.client.json<{ error: { clauses: string[] } }>(
          'POST',
          `/api/people/${view.body.people[0]?.id ?? ''}/contact-details/reveal`,
          { reason: 'to ring about today' },
        )
        assert.equal(reveal.status, 403)
        assert.deepEqual(reveal.body.error.clauses, ['CONTACT'])
      }))

    it('reveals contact details to the coordinator with a reason, audits it, and keeps them out of the log', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const family = await coordinator.client.json<Family>(
          'GET',
          `/api/families/${made.body.familyId}`,
        )
        const mother = family.body.people[0]?.id ?? ''
        const path = `/api/people/${mother}/contact-details/reveal`
        const noReason = await coordinator.client.json<{
          error: { clauses: string[]; message: string }
        }>('POST', path, { reason: ' ' })
        assert.equal(noReason.status, 403)
        assert.deepEqual(noReason.body.error.clauses, ['CONTACT'])
        assert.match(noReason.body.error.message, /needs a reason/)
        const shown = await coordinator.client.json<{
          contactDetails: { address: string; phone: string }
          clauses: string[]
        }>('POST', path, { reason: 'arranging the pre-visit' })
        assert.equal(shown.status, 200)
        assert.deepEqual(shown.body.contactDetails, { address: ADDRESS, phone: PHONE })
        assert.deepEqual(shown.body.clauses, ['CONTACT'])
        const rows = await dumpTables(database.db)
        assert.ok(
          !rows.includes(ADDRESS) && !rows.includes('Quarry'),
          'no clear address in any account or audit table',
        )
        assert.ok(!rows.includes('arranging the pre-visit'), 'the reason is not in the audit log')
        assert.match(rows, /contact\.revealed/)
        assert.match(rows, /contact\.reveal_refused/)
        assert.equal(
          (
            await coordinator.client.json(
              'POST',
              `/api/people/${ctx.newId()}/contact-details/reveal`,
              { reason: 'x' },
            )
          ).status,
          404,
        )
      }))

    it('refuses a stale edit of the door details and keeps the newer one', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const path = `/api/families/${made.body.familyId}/door-details`
        const first = await coordinator.client.json('PUT', path, {
          isSeparationRequired: true,
          safetyFlags: ['escort_to_car'],
          version: 1,
        })
        assert.deepEqual(first.body, { version: 2 })
        const second = await coordinator.client.json('PUT', path, {
          isSeparationRequired: false,
          safetyFlags: [],
          version: 1,
        })
        assert.equal(second.status, 409)
        const family = await coordinator.client.json<Family>(
          'GET',
          `/api/families/${made.body.familyId}`,
        )
        assert.deepEqual(family.body.safetyFlags, ['escort_to_car'])
        assert.equal(family.body.version, 2)
      }))

    it("corrects a person's record, re-sealing new contact details, and refuses a stale edit", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const family = await coordinator.client.json<Family>(
          'GET',
          `/api/families/${made.body.familyId}`,
        )
        const mother = family.body.people.find((p) => p.kind === 'resident_parent')?.id ?? ''
        const change = {
          givenName: 'Morwenna',
          familyName: 'Penrose',
          hasParentalResponsibility: true,
          mayAttend: true,
          contactDetails: { phone: '07700 900999', address: '' },
          version: 1,
        }
        assert.equal(
          (await volunteer.client.json('PUT', `/api/people/${mother}`, change)).status,
          404,
          'a volunteer who may not see the family is told the person does not exist',
        )
        assert.deepEqual(
          (await coordinator.client.json('PUT', `/api/people/${mother}`, change)).body,
          { version: 2 },
        )
        assert.equal(
          (await coordinator.client.json('PUT', `/api/people/${mother}`, change)).status,
          409,
        )
        const shown = await coordinator.client.json<{ contactDetails: Record<string, string> }>(
          'POST',
          `/api/people/${mother}/contact-details/reveal`,
          { reason: 'checking the correction' },
        )
        assert.deepEqual(shown.body.contactDetails, { phone: '07700 900999' })
        const after = await coordinator.client.json<Family>(
          'GET',
          `/api/families/${made.body.familyId}`,
        )
        assert.equal(after.body.people.find((p) => p.id === mother)?.familyName, 'Penrose')
        assert.ok(!(await dumpEveryTable(database)).includes('900999'), 'the new phone is sealed')
      }))
  })
}
