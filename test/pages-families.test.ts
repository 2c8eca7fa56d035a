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
import { getPage, postForm, visibleText } from './support/pages.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(
    `correcting a family's record on the pages, on ${dialect.name}`,
    { skip: dialect.skip },
    () => {
      it("the coordinator changes a parent's address and phone; the family is found by the new postcode, not the old", () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
          const made = await coordinator.client.json<{ familyId: string }>(
            'POST',
            '/api/referrals',
            referral(),
          )
          const family = await coordinator.client.json<Family>(
            'GET',
            `/api/families/${made.body.familyId}`,
          )
          const mother = family.body.people.find((p) => p.kind === 'resident_parent')
          assert.ok(mother)
          const familyPath = `/families/${made.body.familyId}`
          const editPath = `${familyPath}/people/${mother.id}/edit`

          const record = await getPage(coordinator.client, familyPath)
          assert.match(record.text, new RegExp(`href="${editPath}"`), 'a Change link on the record')
          const form = await getPage(coordinator.client, editPath)
          assert.equal(form.status, 200)
          assert.match(form.text, /value="Morwenna"/, 'the names as held')
          assert.doesNotMatch(
            form.text,
            /Quarry Lane|Q1 7ZZ|07700/,
            'the details held are not shown',
          )
          const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? ''

          const fields = {
            version,
            givenName: 'Morwenna',
            familyName: 'Trelawny',
            relationship: 'mother',
            hasParentalResponsibility: 'yes',
            mayAttend: 'yes',
            address: '9 Ropewalk,\nQ4 6TT',
            phone: '07700 900999',
            email: '',
          }
          const empty = await postForm(coordinator.client, editPath, { ...fields, givenName: '' })
          assert.equal(empty.status, 400)
          assert.match(empty.text, /<a href="#givenName">/, 'the summary links to the field')
          assert.match(empty.text, /9 Ropewalk/, 'what was typed is kept')

          const saved = await postForm(coordinator.client, editPath, fields)
          assert.equal(saved.status, 303)
          assert.equal(saved.location, `${familyPath}?done=corrected`)
          assert.match(
            visibleText((await getPage(coordinator.client, saved.location)).text),
            /The changes are saved/,
          )

          const stale = await postForm(coordinator.client, editPath, {
            ...fields,
            phone: '07700 900111',
          })
          assert.equal(stale.status, 409, 'a form from before the change is refused')
          assert.match(visibleText(stale.text), /someone else changed this person; reload it/i)

          const revealed = await coordinator.client.json<{
            contactDetails: Record<string, string>
          }>('POST', `/api/people/${mother.id}/contact-details/reveal`, {
            reason: 'checking the correction',
          })
          assert.equal(revealed.body.contactDetails.address, '9 Ropewalk,\nQ4 6TT')
          assert.equal(revealed.body.contactDetails.phone, '07700 900999')

          const found = async (q: string) =>
            (await postForm(coordinator.client, '/families/search', { q })).text.includes(
              `href="${familyPath}"`,
            )
          assert.equal(await found('Q4 6TT'), true, 'found by the new postcode')
          assert.equal(await found('Q1 7ZZ'), false, 'not by the old one')
          assert.equal(await found('07700900999'), true)

          const removed = await postForm(coordinator.client, editPath, {
            ...fields,
            version: String(Number(version) + 1),
            address: '',
            phone: '',
            remove: 'phone',
          })
          assert.equal(removed.status, 303)
          const after = await coordinator.client.json<{ contactDetails: Record<string, string> }>(
            'POST',
            `/api/people/${mother.id}/contact-details/reveal`,
            { reason: 'checking the removal' },
          )
          assert.equal(after.body.contactDetails.phone, undefined, 'the phone number removed')
          assert.equal(after.body.contactDetails.address, '9 Ropewalk,\nQ4 6TT', 'the address kept')

          const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
            'volunteer',
          ])
          const refused = await getPage(volunteer.client, editPath)
          assert.ok([403, 404].includes(refused.status), `a volunteer: ${String(refused.status)}`)
          const posted = await postForm(volunteer.client, editPath, { ...fields, givenName: 'X' })
          assert.ok([403, 404].includes(posted.status))
          const entries = await database.db
            .selectFrom('audit_log')
            .select('details')
            .where('type', '=', 'person.corrected')
            .execute()
          assert.equal(entries.length, 2)
          assert.ok(
            entries.every((e) => !/Ropewalk|Q4|07700/.test(e.details)),
            'no values logged',
          )
        }))

      it('the coordinator records when the family can come and the court order; a referrer sees neither', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
          const referrer = await invite(ctx, app, centreId, 'ashbury', 'r@hollis.example.org', [
            'referrer',
          ])
          const made = await referrer.client.json<{ referralId: string }>(
            'POST',
            '/api/referrals',
            referral({ availability: 'Saturday mornings' }),
          )
          const path = `/referrals/${made.body.referralId}`
          const shown = visibleText((await getPage(coordinator.client, path)).text)
          assert.match(shown, /When the family can come\s+Saturday mornings/)
          assert.match(shown, /Court order\s+child arrangements order, ZE26C00417/)
          const form = await getPage(coordinator.client, `${path}/arrangements`)
          assert.equal(form.status, 200)
          assert.match(form.text, /Saturday mornings/)
          const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? ''
          const orphan = await postForm(coordinator.client, `${path}/arrangements`, {
            version,
            availability: 'Sundays',
            court_kind: '',
            court_reference: 'ZE26C00999',
          })
          assert.equal(orphan.status, 400, 'a reference without its kind of order')
          assert.match(orphan.text, /<a href="#court_kind">/)
          const saved = await postForm(coordinator.client, `${path}/arrangements`, {
            version,
            availability: 'Sunday afternoons, not the first of the month',
            court_kind: 'child arrangements order',
            court_reference: 'ZE26C00999',
            court_madeOn: '2026-02-01',
            court_court: 'Truro Family Court',
          })
          assert.equal(saved.status, 303)
          const after = visibleText((await getPage(coordinator.client, saved.location ?? '')).text)
          assert.match(after, /The arrangements are saved/)
          assert.match(after, /Sunday afternoons, not the first of the month/)
          assert.match(after, /ZE26C00999, Truro Family Court/)
          const stale = await postForm(coordinator.client, `${path}/arrangements`, {
            version,
            availability: 'Any day',
          })
          assert.equal(stale.status, 409)
          // A version past what the database holds is bad input, not an error of Haven's.
          for (const form of [
            { version: '4294967296', availability: 'Any day' },
            { version: '0', availability: 'Any day' },
          ])
            assert.equal(
              (await postForm(coordinator.client, `${path}/arrangements`, form)).status,
              400,
            )
          const huge = await coordinator.client.json(
            'PUT',
            `/api/referrals/${made.body.referralId}/arrangements`,
            { version: 4294967296 },
          )
          assert.equal(huge.status, 400)
          const asReferrer = visibleText((await getPage(referrer.client, path)).text)
          assert.doesNotMatch(asReferrer, /Sunday afternoons|ZE26C00999|When the family can come/)
          assert.equal((await getPage(referrer.client, `${path}/arrangements`)).status, 403)
          const entry = await database.db
            .selectFrom('audit_log')
            .select('details')
            .where('type', '=', 'referral.changed')
            .executeTakeFirstOrThrow()
          assert.deepEqual(JSON.parse(entry.details), { fields: ['availability', 'courtOrder'] })
        }))

      it('a form too large to read is answered as a page saying what to do, and saves nothing', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const { coordinator } = await centreWithCoordinator(ctx, testApp(ctx), 'ashbury')
          const page = await postForm(coordinator.client, '/referrals', {
            availability: 'x'.repeat(150_000),
          })
          assert.equal(page.status, 413)
          assert.match(page.text, /^<!doctype html>/i, 'a page, not JSON')
          assert.match(visibleText(page.text), /larger than 97 KB, so nothing was saved\. Go back/)
          assert.equal((await database.db.selectFrom('families').select('id').execute()).length, 0)
        }))

      it('a reveal refused for want of a reason shows the error summary', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
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
          const mother = family.body.people.find((p) => p.kind === 'resident_parent')
          const page = await postForm(
            coordinator.client,
            `/families/${made.body.familyId}/people/${mother?.id ?? ''}/reveal`,
            { reason: '' },
          )
          assert.match(page.text, /govuk-error-summary/)
          assert.match(
            page.text,
            new RegExp(`<a href="#reason-${mother?.id ?? ''}">Say why you need them</a>`),
          )
        }))
    },
  )
}
