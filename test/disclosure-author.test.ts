import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, invite, testApp } from './support/accounts.ts'
import { referral } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * Staff record requests to disclose on the centre's behalf (record_disclosures) but do not
 * read the whole register (read_register): they follow the requests they recorded, and only
 * those, so the page a request leads to opens for them.
 */
for (const dialect of await dialectsUnderTest()) {
  describe(
    `a request followed by the one who recorded it, on ${dialect.name}`,
    { skip: dialect.skip },
    () => {
      it('opens for its author on staff, and for no other member of staff', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx, { write: () => undefined })
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'hazel')
          const made = await coordinator.client.json<{ familyId: string }>(
            'POST',
            '/api/referrals',
            referral(),
          )
          const staff = await invite(ctx, app, centreId, 'hazel', 's@hazel.example.org', ['staff'])
          const other = await invite(ctx, app, centreId, 'hazel', 't@hazel.example.org', ['staff'])
          const asked = await staff.client.json<{ id: string }>('POST', '/api/disclosures', {
            familyId: made.body.familyId,
            category: 'attendance',
            purpose: 'other',
            recipient: { kind: 'other_agency', name: 'Hazel Housing' },
          })
          assert.equal(asked.status, 201)
          const own = await staff.client.json<{ id: string }>(
            'GET',
            `/api/disclosures/${asked.body.id}`,
          )
          assert.equal(own.status, 200)
          assert.equal(own.body.id, asked.body.id)
          const page = await staff.client.call('GET', `/disclosures/${asked.body.id}`)
          assert.equal(page.status, 200)
          await page.arrayBuffer()
          const notTheirs = await other.client.call('GET', `/api/disclosures/${asked.body.id}`)
          assert.equal(notTheirs.status, 404)
          await notTheirs.arrayBuffer()
          const register = await staff.client.call('GET', '/api/disclosures')
          assert.equal(register.status, 403, 'the whole register stays the governors')
          await register.arrayBuffer()
        }))
    },
  )
}
