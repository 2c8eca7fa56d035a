import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, invite, testApp } from './support/accounts.ts'
import { referral, sessionToday, type Family } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText } from './support/pages.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(
    `a family's children and safety on the pages, on ${dialect.name}`,
    {
      skip: dialect.skip,
    },
    () => {
      it('the coordinator adds a child and corrects a child’s date of birth by the referral’s rules; a volunteer is refused', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
          const made = await coordinator.client.json<{ familyId: string }>(
            'POST',
            '/api/referrals',
            referral({ receivedOn: '2026-01-05' }),
          )
          const familyPath = `/families/${made.body.familyId}`
          const addPath = `${familyPath}/children/new`
          const record = await getPage(coordinator.client, familyPath)
          assert.match(record.text, new RegExp(`href="${addPath}">Add a child<`))
          assert.equal((await getPage(coordinator.client, addPath)).status, 200)

          const child = {
            givenName: 'Tegen',
            familyName: 'Pengelly',
            dateOfBirth: '2024-01-09',
            mayAttend: 'yes',
          }
          const post = (fields: Record<string, string>) =>
            postForm(coordinator.client, `${familyPath}/children`, { ...child, ...fields })
          for (const [dateOfBirth, words] of [
            ['', /Enter the date of birth/],
            ['2024-02-30', /The date of birth must be a real date, like 2026-03-14/],
            ['2026-04-01', /a date of birth is today or before: that date is still to come/i],
            ['2008-03-14', /that date of birth makes the child 18 or older; check the year/i],
          ] as const) {
            const refused = await post({ dateOfBirth })
            assert.equal(refused.status, 400, `date of birth "${dateOfBirth}"`)
            assert.match(refused.text, /<a href="#dateOfBirth">/)
            assert.match(visibleText(refused.text), words)
            assert.match(refused.text, /value="Tegen"/, 'what was typed is kept')
          }
          const noName = await post({ givenName: ' ' })
          assert.equal(noName.status, 400)
          assert.match(noName.text, /<a href="#givenName">Enter the first name<\/a>/)

          const added = await post({})
          assert.equal(added.status, 303)
          assert.equal(added.location, `${familyPath}?done=child`)
          const after = visibleText((await getPage(coordinator.client, added.location)).text)
          assert.match(after, /The child is added\./)
          assert.match(after, /Tegen Pengelly's details Who Child Date of birth 2024-01-09/)
          const found = await postForm(coordinator.client, '/families/search', { q: 'Tegen' })
          assert.match(found.text, new RegExp(`href="${familyPath}"`), 'found by the new name')

          const family = await coordinator.client.json<Family>(
            'GET',
            `/api/families/${made.body.familyId}`,
          )
          const elowen = family.body.people.find((p) => p.givenName === 'Elowen')
          assert.ok(elowen)
          const editPath = `${familyPath}/people/${elowen.id}/edit`
          const form = await getPage(coordinator.client, editPath)
          assert.equal(form.status, 200)
          assert.match(form.text, /name="dateOfBirth" type="date" value="2019-05-02"/)
          assert.doesNotMatch(form.text, /name="address"/, 'a child has no contact details')
          const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? ''
          const fields = {
            version,
            givenName: 'Elowen',
            familyName: 'Pengelly',
            mayAttend: 'yes',
            dateOfBirth: '2019-05-12',
          }
          const late = await postForm(coordinator.client, editPath, {
            ...fields,
            dateOfBirth: '2027-01-01',
          })
          assert.equal(late.status, 400)
          assert.match(visibleText(late.text), /that date is still to come/)
          const adult = await postForm(coordinator.client, editPath, {
            ...fields,
            dateOfBirth: '2008-01-05',
          })
          assert.equal(adult.status, 400)
          assert.match(
            visibleText(adult.text),
            /makes the child 18 or older when referred; check the year/i,
            '18 on the day the family was referred',
          )
          const empty = await postForm(coordinator.client, editPath, { ...fields, dateOfBirth: '' })
          assert.equal(empty.status, 400)
          assert.match(empty.text, /<a href="#dateOfBirth">Enter the date of birth<\/a>/)
          const corrected = await postForm(coordinator.client, editPath, fields)
          assert.equal(corrected.status, 303)
          assert.match(
            visibleText((await getPage(coordinator.client, familyPath)).text),
            /Elowen Pengelly's details Who Child Date of birth 2019-05-12/,
          )
          const stale = await postForm(coordinator.client, editPath, {
            ...fields,
            dateOfBirth: '2019-05-13',
          })
          assert.equal(stale.status, 409, 'a form from before the change is refused')
          assert.match(visibleText(stale.text), /someone else changed this person; reload it/i)
          const mother = family.body.people.find((p) => p.kind === 'resident_parent')
          const parentBorn = await coordinator.client.json<{ error: { message: string } }>(
            'PUT',
            `/api/people/${mother?.id ?? ''}`,
            {
              givenName: 'Morwenna',
              familyName: 'Trelawny',
              hasParentalResponsibility: true,
              mayAttend: true,
              dateOfBirth: '1990-01-01',
              version: 1,
            },
          )
          assert.equal(parentBorn.status, 400)
          assert.match(parentBorn.body.error.message, /kept for children only/)

          const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
            'volunteer',
          ])
          await sessionToday(ctx, database.db, centreId, made.body.familyId, volunteer, {
            level: 'standard',
            renewalDueOn: '2028-01-01',
          })
          const seen = await getPage(volunteer.client, familyPath)
          assert.equal(seen.status, 200, 'the volunteer on the day sees the family')
          assert.doesNotMatch(seen.text, /children\/new/, 'but is not offered to add a child')
          assert.equal((await getPage(volunteer.client, addPath)).status, 403)
          const posted = await postForm(volunteer.client, `${familyPath}/children`, {
            ...child,
            givenName: 'Jenna',
          })
          assert.equal(posted.status, 403)
          assert.equal(
            (
              await database.db
                .selectFrom('people')
                .select('id')
                .where('given_name', '=', 'Jenna')
                .execute()
            ).length,
            0,
          )

          const entries = await database.db
            .selectFrom('audit_log')
            .select(['type', 'details'])
            .where('type', 'in', ['person.added', 'person.corrected'])
            .orderBy('seq')
            .execute()
          assert.deepEqual(
            entries.map((e) => e.type),
            ['person.added', 'person.corrected'],
          )
          assert.ok(
            entries.every((e) => !/Tegen|Elowen|Pengelly|2019|2024/.test(e.details)),
            'no names or dates in the log',
          )
          assert.deepEqual(
            (JSON.parse(entries[1]?.details ?? '{}') as { fields: string[] }).fields,
            ['dateOfBirth'],
          )
        }))

      it('the coordinator sets the safety flags and whether the parents are kept apart; a stale form is refused; a volunteer is refused', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
          const made = await coordinator.client.json<{ familyId: string }>(
            'POST',
            '/api/referrals',
            referral(),
          )
          const familyPath = `/families/${made.body.familyId}`
          const safetyPath = `${familyPath}/safety`
          const record = await getPage(coordinator.client, familyPath)
          assert.match(record.text, new RegExp(`href="${safetyPath}"`))
          assert.match(visibleText(record.text), /Safety: no photographs\./)
          assert.match(visibleText(record.text), /The parents must not meet/)
          const form = await getPage(coordinator.client, safetyPath)
          assert.equal(form.status, 200)
          assert.match(form.text, /name="separation" type="radio" value="yes" checked/)
          assert.match(form.text, />no photographs<\/textarea>/)
          const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? ''

          const unchosen = await postForm(coordinator.client, safetyPath, { version, flags: '' })
          assert.equal(unchosen.status, 400)
          assert.match(unchosen.text, /<a href="#separation">/)
          const badFlag = await postForm(coordinator.client, safetyPath, {
            version,
            separation: 'no',
            flags: 'No photographs\n1st floor only',
          })
          assert.equal(badFlag.status, 400)
          assert.match(visibleText(badFlag.text), /The flag "1st floor only" must be a short code/)
          assert.match(badFlag.text, /1st floor only<\/textarea>/, 'what was typed is kept')
          const many = await postForm(coordinator.client, safetyPath, {
            version,
            separation: 'no',
            flags: Array.from({ length: 21 }, (_, i) => `flag ${String.fromCharCode(97 + i)}`).join(
              '\n',
            ),
          })
          assert.equal(many.status, 400)
          assert.match(visibleText(many.text), /The safety flags may be 20 at most/)

          const saved = await postForm(coordinator.client, safetyPath, {
            version,
            separation: 'no',
            flags: 'No photographs\n\nEscort to car\nno photographs',
          })
          assert.equal(saved.status, 303)
          assert.equal(saved.location, `${familyPath}?done=safety`)
          const after = visibleText((await getPage(coordinator.client, saved.location)).text)
          assert.match(after, /Safety and keeping apart saved\./)
          assert.match(after, /Safety: no photographs, escort to car\./)
          assert.doesNotMatch(after, /The parents must not meet/)
          const family = await coordinator.client.json<Family>(
            'GET',
            `/api/families/${made.body.familyId}`,
          )
          assert.deepEqual(family.body.safetyFlags, ['no_photographs', 'escort_to_car'])

          const stale = await postForm(coordinator.client, safetyPath, {
            version,
            separation: 'yes',
            flags: '',
          })
          assert.equal(stale.status, 409, 'a form drawn before the change is refused')
          assert.match(visibleText(stale.text), /someone else changed this family; reload it/i)
          assert.match(stale.text, />no photographs\nescort to car<\/textarea>/, 'drawn again')

          const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
            'volunteer',
          ])
          await sessionToday(ctx, database.db, centreId, made.body.familyId, volunteer, {
            level: 'standard',
            renewalDueOn: '2028-01-01',
          })
          const seen = await getPage(volunteer.client, familyPath)
          assert.equal(seen.status, 200)
          assert.doesNotMatch(seen.text, /\/safety"/, 'no link for a volunteer')
          assert.equal((await getPage(volunteer.client, safetyPath)).status, 403)
          const posted = await postForm(volunteer.client, safetyPath, {
            version: String(Number(version) + 1),
            separation: 'yes',
            flags: '',
          })
          assert.equal(posted.status, 403)

          const entries = await database.db
            .selectFrom('audit_log')
            .select('details')
            .where('type', '=', 'family.updated')
            .execute()
          assert.equal(entries.length, 1)
          const details = JSON.parse(entries[0]?.details ?? '{}') as { fields: string[] }
          assert.deepEqual(details.fields, ['separation_plan', 'safety_flags'])
          assert.doesNotMatch(entries[0]?.details ?? '', /photographs|escort/, 'no flags logged')
        }))
    },
  )
}
