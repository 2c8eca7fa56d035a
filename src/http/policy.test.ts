import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { centreWithCoordinator, invite, testApp } from '../../test/support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { createCentre } from '../app/centres.ts'
import type { preset } from '../domain/policy/presets.ts'

const DAY = 24 * 60 * 60 * 1000

for (const dialect of await dialectsUnderTest()) {
  describe(`the centre's policy on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('starts from a preset, readable by everyone, even without signing in', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        await createCentre(ctx, {
          name: 'Brackenford Contact Centre',
          slug: 'brackenford',
          coordinatorEmail: 'c@brackenford.example.org',
          preset: 'birmingham',
        })
        const json = await app.request('/api/centres/brackenford/policy')
        assert.equal(json.status, 200)
        const body = (await json.json()) as {
          version: number
          markdown: string
          centreName: string
        }
        assert.equal(body.version, 1)
        assert.match(body.markdown, /^# Brackenford Contact Centre: Confidentiality Policy/)
        assert.match(body.markdown, /not been used for five years/)
        const page = await app.request('/centres/brackenford/policy')
        assert.equal(page.status, 200)
        assert.match(await page.text(), /<li id="clause-retain">/)
        assert.equal((await app.request('/centres/nowhere/policy')).status, 404)
        await assert.rejects(
          createCentre(ctx, { name: 'X', coordinatorEmail: 'x@example.org', preset: 'atlantis' }),
          /preset must be one of/,
        )
      }))

    it('publishes new versions (never changed afterwards) and compares them in words', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T10:00:00Z')
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        const current = await coordinator.client.json<{
          document: ReturnType<typeof preset>
          version: number
        }>('GET', '/api/policy')
        assert.equal(current.body.version, 1)
        const next = structuredClone(current.body.document)
        next.version = 2
        next.parameters.retention.years = 5
        assert.equal(
          (await volunteer.client.json('POST', '/api/policy/versions', { document: next })).status,
          403,
        )
        const published = await coordinator.client.json<{ version: number; changes: string[] }>(
          'POST',
          '/api/policy/versions',
          { document: next },
        )
        assert.equal(published.status, 201)
        assert.deepEqual(published.body.changes, [
          'Years before unused information is destroyed: 3 → 5.',
        ])
        const stale = await coordinator.client.json<{ error: { code: string } }>(
          'POST',
          '/api/policy/versions',
          { document: next },
        )
        assert.equal(stale.status, 409)
        const broken = structuredClone(next) as unknown as {
          version: number
          parameters: { retention: { years: unknown } }
        }
        broken.version = 3
        broken.parameters.retention.years = 'many'
        const invalid = await coordinator.client.json<{ error: { field: string } }>(
          'POST',
          '/api/policy/versions',
          { document: broken },
        )
        assert.equal(invalid.status, 400)
        assert.equal(invalid.body.error.field, 'parameters.retention.years')
        const history = await volunteer.client.json<{
          versions: { version: number; changes: string[] }[]
        }>('GET', '/api/policy/history')
        assert.deepEqual(
          history.body.versions.map((v) => [v.version, v.changes.length]),
          [
            [1, 0],
            [2, 1],
          ],
        )
        await assert.rejects(sql`update policy_versions set hash = 'forged'`.execute(database.db))
        await assert.rejects(sql`delete from policy_versions`.execute(database.db))
        const rows = await database.db
          .selectFrom('policy_versions')
          .select('version')
          .where('centre_id', '=', centreId)
          .execute()
        assert.equal(rows.length, 2)
      }))

    it('records a review even when nothing changes, and flags one overdue', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T10:00:00Z')
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const first = await coordinator.client.json<{
          nextReviewDue: string
          isReviewOverdue: boolean
        }>('GET', '/api/policy')
        assert.equal(first.body.nextReviewDue, '2027-03-14')
        assert.equal(first.body.isReviewOverdue, false)
        clock.advance(400 * DAY)
        const signedIn = await coordinator.client.signIn(
          'ashbury',
          coordinator.email,
          'lantern orchard pebble',
        )
        assert.equal(signedIn.body.secondFactor, 'verify')
        const { currentCode } = await import('../../test/support/accounts.ts')
        await coordinator.client.json('POST', '/api/auth/second-factor', {
          code: currentCode(coordinator.secret ?? '', ctx),
        })
        assert.equal(
          (await coordinator.client.json<{ isReviewOverdue: boolean }>('GET', '/api/policy')).body
            .isReviewOverdue,
          true,
        )
        const reviewed = await coordinator.client.json<{ nextReviewDue: string }>(
          'POST',
          '/api/policy/reviews',
          { notes: 'Reviewed by the committee; no change.' },
        )
        assert.equal(reviewed.status, 201)
        assert.equal(reviewed.body.nextReviewDue, '2028-04-18')
        const after = await coordinator.client.json<{
          isReviewOverdue: boolean
          version: number
          lastReviewedOn: string
        }>('GET', '/api/policy')
        assert.deepEqual(
          [after.body.isReviewOverdue, after.body.version, after.body.lastReviewedOn],
          [false, 1, '2027-04-18'],
        )
      }))

    it('moves a centre to another preset as its next version, and says what changed', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T10:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const moved = await coordinator.client.json<{ version: number; changes: string[] }>(
          'POST',
          '/api/policy/versions',
          { preset: 'birmingham' },
        )
        assert.equal(moved.status, 201, JSON.stringify(moved.body))
        assert.equal(moved.body.version, 2)
        assert.ok(
          moved.body.changes.some((line) => /five|5/.test(line)),
          moved.body.changes.join('\n'),
        )
        const now = await coordinator.client.json<{ markdown: string; document: { id: string } }>(
          'GET',
          '/api/policy',
        )
        assert.match(now.body.markdown, /five years/)
        assert.equal(now.body.document.id, 'ashbury')
        const both = await coordinator.client.json('POST', '/api/policy/versions', {
          preset: 'preston',
          document: {},
        })
        assert.equal(both.status, 400)
        const unknown = await coordinator.client.json('POST', '/api/policy/versions', {
          preset: 'atlantis',
        })
        assert.equal(unknown.status, 400)
      }))
  })
}
