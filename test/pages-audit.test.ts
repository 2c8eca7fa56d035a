import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { writeAuditCheckpoints } from '../src/app/audit-trail.ts'
import { centreWithCoordinator, testApp } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, visibleText } from './support/pages.ts'

/**
 * Issue 16: the audit page says what the signed checkpoints do not yet cover, and shows
 * times as the UK reads them.
 */
for (const dialect of await dialectsUnderTest()) {
  describe(`the audit page on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('answers a position beyond the log as the first page, and the API refuses it in words', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { coordinator } = await centreWithCoordinator(ctx, testApp(ctx), 'ashbury')
        const page = await getPage(coordinator.client, '/centre/audit?before=4294967296')
        assert.equal(page.status, 200)
        const api = await coordinator.client.json<{ error?: { code: string } }>(
          'GET',
          '/api/audit?beforeSeq=4294967296',
        )
        assert.equal(api.status, 400)
        assert.equal(api.body.error?.code, 'invalid_input')
      }))

    it('names the entries written since the last checkpoint, in UK time', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        // Summer: 08:00 UTC is 09:00 in the UK.
        const clock = new TestClock('2026-07-14T08:00:00Z')
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const first = visibleText((await getPage(coordinator.client, '/centre/audit')).text)
        assert.match(first, /No checkpoint covers this centre's log yet/)
        await writeAuditCheckpoints(ctx.db, ctx.auditKey, ctx.now())
        const head = await ctx.db
          .selectFrom('audit_log')
          .select('chain_seq')
          .where('chain', '=', centreId)
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow()
        // Each view of the page is an entry, written once the page has read: the second view
        // sees the first's.
        await getPage(coordinator.client, '/centre/audit')
        const after = visibleText((await getPage(coordinator.client, '/centre/audit')).text)
        assert.match(
          after,
          new RegExp(
            `The last checkpoint \\(14 Jul 2026 09:00\\) covers entries up to ${String(head.chain_seq)}; 1 entry has been written since; until the next, it rests`,
          ),
        )
        assert.ok(!after.includes('14 Jul 2026 08:00'), 'no UTC times')
      }))
  })
}
