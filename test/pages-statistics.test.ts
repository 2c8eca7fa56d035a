import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, invite, testApp } from './support/accounts.ts'
import { referral, type Family } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, visibleText } from './support/pages.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(`the quarter's statistics on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('counts the quarter, hides small numbers on the page, in the CSV and the PDF, and is refused to a volunteer', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-07-01T08:00:00Z')
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const api = coordinator.client
        const room = await api.json<{ id: string }>('POST', '/api/rooms', { name: 'Willow Room' })
        for (let i = 0; i < 7; i++) {
          const made = await api.json<{ familyId: string; referralId: string }>(
            'POST',
            '/api/referrals',
            referral({ receivedOn: '2026-06-01' }),
          )
          for (const [to, version] of [
            ['pre_visits', 1],
            ['risk_assessed', 2],
            ['accepted', 3],
          ] as const)
            await api.json('POST', `/api/referrals/${made.body.referralId}/status`, { to, version })
          const day = `2026-07-${String(10 + i).padStart(2, '0')}`
          const booked = await api.json<{ sessionId: string; version: number }>(
            'POST',
            '/api/sessions',
            {
              familyId: made.body.familyId,
              roomId: room.body.id,
              kind: 'supported',
              startsAt: `${day}T10:00`,
              endsAt: `${day}T12:00`,
            },
          )
          assert.equal(booked.status, 201)
          if (i === 6) {
            const cancelled = await api.json(
              'POST',
              `/api/sessions/${booked.body.sessionId}/close`,
              {
                outcome: 'cancelled',
                cancelledBy: 'resident_parent',
                version: 1,
              },
            )
            assert.ok(cancelled.status < 300, JSON.stringify(cancelled.body))
            continue
          }
          const family = await api.json<Family>('GET', `/api/families/${made.body.familyId}`)
          for (const kind of ['non_resident_parent', 'child'])
            await api.json('POST', `/api/sessions/${booked.body.sessionId}/door`, {
              what: 'arrived',
              personId: family.body.people.find((p) => p.kind === kind)?.id,
            })
        }
        const page = await getPage(api, '/centre/statistics?quarter=2026-Q3')
        assert.equal(page.status, 200)
        const text = visibleText(page.text)
        assert.match(text, /July to September 2026/)
        assert.match(text, /Families who came to at least one session\s+6/)
        assert.match(text, /Children who came to at least one session\s+6/)
        assert.match(text, /Sessions offered \(booked\)\s+7/)
        assert.match(text, /Cancelled\s+fewer than 5/)
        assert.match(text, /Median days from referral to first session\s+\d+/)
        for (const clear of ['Morwenna', 'Trelawny', 'Elowen', 'Quarry', 'Q1 7ZZ', '07700'])
          assert.ok(!text.includes(clear), `no ${clear} on the page`)

        const csv = await api.call('GET', '/centre/statistics.csv?quarter=2026-Q3')
        assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8')
        assert.match(csv.headers.get('content-disposition') ?? '', /statistics-2026-Q3\.csv/)
        const rows = await csv.text()
        assert.match(rows, /Sessions,Cancelled,fewer than 5\r\n/)
        assert.match(rows, /Families who came to at least one session,6\r\n/)
        assert.doesNotMatch(rows, /Morwenna|Trelawny|Q1 7ZZ|07700/)
        const pdf = await api.call('GET', '/centre/statistics.pdf?quarter=2026-Q3')
        assert.equal(pdf.headers.get('content-type'), 'application/pdf')
        assert.equal(
          Buffer.from(await pdf.arrayBuffer())
            .subarray(0, 5)
            .toString(),
          '%PDF-',
        )

        // The API: the same figures; a hidden one has no count, so its true value never leaves.
        const data = await api.json<{
          quarter: { label: string }
          sections: {
            title: string
            figures: { label: string; shown: string; count: number | null }[]
          }[]
        }>('GET', '/api/statistics?quarter=2026-Q3')
        assert.equal(data.status, 200)
        assert.equal(data.body.quarter.label, '2026-Q3')
        const figures = data.body.sections.flatMap((s) => s.figures)
        const cancelled = figures.find((f) => f.label === 'Cancelled')
        assert.deepEqual(cancelled, { label: 'Cancelled', shown: 'fewer than 5', count: null })
        const seen = figures.find((f) => f.label === 'Families who came to at least one session')
        assert.deepEqual(seen, {
          label: 'Families who came to at least one session',
          shown: '6',
          count: 6,
        })
        assert.ok(
          figures.every((f) => (f.count === null) === (f.shown !== String(f.count))),
          'a count only where it is shown',
        )
        assert.equal((await api.json('GET', '/api/statistics?quarter=2026-Q5')).status, 400)

        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        assert.equal((await getPage(volunteer.client, '/centre/statistics')).status, 403)
        assert.equal((await volunteer.client.call('GET', '/centre/statistics.csv')).status, 403)
        assert.equal((await volunteer.client.call('GET', '/api/statistics')).status, 403)
        const read = await database.db
          .selectFrom('audit_log')
          .select('details')
          .where('type', '=', 'statistics.read')
          .execute()
        assert.equal(read.length, 4, 'the page, the CSV, the PDF and the API each audited')
      }))
  })
}
