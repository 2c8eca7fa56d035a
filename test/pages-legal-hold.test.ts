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
import { getPage, postForm, visibleText } from './support/pages.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(
    `a family's legal hold from the pages on ${dialect.name}`,
    { skip: dialect.skip },
    () => {
      it('is put on with a reason and lifted by the coordinator; staff are not offered it', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
          const client = coordinator.client
          const made = await client.json<{ familyId: string; reference: string }>(
            'POST',
            '/api/referrals',
            referral(),
          )
          const familyId = made.body.familyId
          const path = `/families/${familyId}/legal-hold`
          const held = async () =>
            (
              await database.db
                .selectFrom('families')
                .select(['is_on_legal_hold', 'legal_hold_reason'])
                .where('id', '=', familyId)
                .executeTakeFirstOrThrow()
            ).is_on_legal_hold === 1

          const family = await getPage(client, `/families/${familyId}`)
          assert.match(family.text, new RegExp(`href="${path}"`))
          const before = await getPage(client, path)
          assert.equal(before.status, 200)
          assert.match(visibleText(before.text), /On legal hold\s+No/)

          const bare = await postForm(client, path, { isOnHold: 'yes', reason: ' ' })
          assert.equal(bare.status, 400)
          assert.match(visibleText(bare.text), /say why the family is held/i)
          const long = await postForm(client, path, { isOnHold: 'yes', reason: 'x'.repeat(501) })
          assert.equal(long.status, 400)
          assert.match(visibleText(long.text), /The reason must be 500 characters or fewer/)
          assert.equal(await held(), false)

          const put = await postForm(client, path, {
            isOnHold: 'yes',
            reason: 'Court case Q-1234 until judgment',
          })
          assert.equal(put.status, 303)
          assert.equal(put.location, `${path}?done=held`)
          assert.equal(await held(), true)
          const shown = visibleText((await getPage(client, put.location)).text)
          assert.match(shown, /On legal hold\s+Yes\s+Why\s+Court case Q-1234 until judgment/)
          assert.match(shown, /no disposal run destroys its records until the hold is lifted/)

          const lifted = await postForm(client, path, { isOnHold: 'no' })
          assert.equal(lifted.status, 303)
          assert.equal(await held(), false)

          const entries = await database.db
            .selectFrom('audit_log')
            .select(['type', 'details'])
            .where('subject_id', '=', familyId)
            .where('type', 'in', ['family.legal_hold', 'record.read'])
            .execute()
          assert.equal(entries.filter((e) => e.type === 'family.legal_hold').length, 2)
          assert.ok(
            entries.some((e) => e.details.includes('legal_hold')),
            'the read is audited',
          )
          assert.ok(
            entries.every((e) => !e.details.includes('Q-1234')),
            'never the reason',
          )

          const staff = await invite(ctx, app, centreId, 'ashbury', 's@ashbury.example.org', [
            'staff',
          ])
          const theirs = await getPage(staff.client, `/families/${familyId}`)
          assert.equal(theirs.status, 200)
          assert.ok(!theirs.text.includes(path), 'no link for staff')
          assert.equal((await getPage(staff.client, path)).status, 403)
          assert.equal((await postForm(staff.client, path, { isOnHold: 'no' })).status, 403)
          const missing = await getPage(
            client,
            '/families/00000000-0000-4000-8000-000000000000/legal-hold',
          )
          assert.equal(missing.status, 404)
        }))
    },
  )
}
