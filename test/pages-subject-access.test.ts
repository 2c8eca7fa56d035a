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
    `subject access requests made outside Haven, on ${dialect.name}`,
    {
      skip: dialect.skip,
    },
    () => {
      it('the coordinator records a request received by letter; answered requests are listed on time or late, a page at a time', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
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

          const list = await getPage(coordinator.client, '/centre/subject-access')
          assert.match(list.text, /href="\/centre\/subject-access\/new"/)
          assert.match(visibleText(list.text), /Answered requests No requests answered yet\./)
          const unknown = await getPage(
            coordinator.client,
            '/centre/subject-access/new?reference=F-0099',
          )
          assert.equal(unknown.status, 404)
          assert.match(visibleText(unknown.text), /No family has the reference F-0099/)
          const form = await getPage(
            coordinator.client,
            '/centre/subject-access/new?reference=f-0001',
          )
          assert.equal(form.status, 200)
          assert.match(visibleText(form.text), /Morwenna Trelawny, parent the children live with/)
          assert.match(form.text, new RegExp(`name="personId" type="radio" value="${mother}"`))
          assert.match(form.text, /name="receivedOn" type="date" value="2026-03-14"/)

          const letter = {
            reference: 'F-0001',
            personId: mother,
            receivedOn: '2026-03-02',
            receivedVia: 'letter',
            identityMethod: 'passport seen at the centre',
            note: 'Asks for everything since the referral',
          }
          const post = (fields: Record<string, string>) =>
            postForm(coordinator.client, '/centre/subject-access', { ...letter, ...fields })
          const nobody = await post({ personId: '' })
          assert.equal(nobody.status, 400)
          assert.match(nobody.text, /<a href="#personId">Choose who made the request<\/a>/)
          const noWay = await post({ receivedVia: '' })
          assert.equal(noWay.status, 400)
          assert.match(noWay.text, /<a href="#receivedVia">Choose how it came<\/a>/)
          const future = await post({ receivedOn: '2026-03-20' })
          assert.equal(future.status, 400)
          assert.match(
            visibleText(future.text),
            /The day it was received is a date, today or before/,
          )
          assert.match(future.text, /Asks for everything since the referral<\/textarea>/, 'kept')
          const recorded = await post({})
          assert.equal(recorded.status, 303)
          const requestPath = (recorded.location ?? '').split('?')[0] ?? ''
          const shown = visibleText(
            (await getPage(coordinator.client, recorded.location ?? '')).text,
          )
          assert.match(
            shown,
            /Request recorded\. The month to answer runs from the day it was received\./,
          )
          assert.match(
            shown,
            /Received 2 Mar 2026 How it came By letter Note Asks for everything since the referral/,
          )
          assert.match(shown, /Due 2 Apr 2026/, 'one month from the day it was received')

          // Answered: this one on time; one received in January answered today, late.
          const requestId = requestPath.split('/').pop() ?? ''
          assert.equal(
            (
              await coordinator.client.json('POST', `/api/subject-access/${requestId}/events`, {
                version: 1,
                event: { kind: 'completed' },
              })
            ).status,
            200,
          )
          const january = await coordinator.client.json<{ id: string }>(
            'POST',
            '/api/subject-access',
            {
              personId: mother,
              receivedOn: '2026-01-05',
              receivedVia: 'phone',
              identityMethod: 'known to staff',
            },
          )
          assert.equal(january.status, 201)
          await coordinator.client.json('POST', `/api/subject-access/${january.body.id}/events`, {
            version: 1,
            event: { kind: 'completed' },
          })
          const answered = visibleText(
            (await getPage(coordinator.client, '/centre/subject-access')).text,
          )
          assert.match(
            answered,
            /Answered requests Received Who Due Answered On time 2 Mar 2026 Morwenna Trelawny \(F-0001\) 2 Apr 2026 14 Mar 2026 on time 5 Jan 2026 Morwenna Trelawny \(F-0001\) 5 Feb 2026 14 Mar 2026 37 days late/,
          )
          assert.match(answered, /No open requests\./)

          // More than a page: the 51st is on the second.
          for (let n = 0; n < 49; n += 1) {
            const opened = await coordinator.client.json<{ id: string }>(
              'POST',
              '/api/subject-access',
              {
                personId: mother,
                receivedOn: '2026-02-10',
                identityMethod: 'known to staff',
              },
            )
            await coordinator.client.json('POST', `/api/subject-access/${opened.body.id}/events`, {
              version: 1,
              event: { kind: 'completed' },
            })
          }
          const first = await getPage(coordinator.client, '/centre/subject-access')
          const rows = (text: string) => (text.match(/days late|on time<\/strong>/g) ?? []).length
          assert.equal(rows(first.text), 50)
          assert.match(first.text, /href="\/centre\/subject-access\?answered=2#answered"/)
          const second = await getPage(coordinator.client, '/centre/subject-access?answered=2')
          assert.equal(rows(second.text), 1)
          assert.match(
            visibleText(second.text),
            /5 Jan 2026 .* 37 days late/,
            'the earliest answered last',
          )

          const chair = await invite(ctx, app, centreId, 'alder', 'chair@alder.example.org', [
            'chair',
          ])
          const asChair = await getPage(chair.client, '/centre/subject-access')
          assert.equal(asChair.status, 200)
          assert.doesNotMatch(asChair.text, /subject-access\/new/, 'the committee records none')
          assert.equal((await getPage(chair.client, '/centre/subject-access/new')).status, 403)
          const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
            'volunteer',
          ])
          assert.equal((await getPage(volunteer.client, '/centre/subject-access/new')).status, 403)
          assert.equal(
            (await postForm(volunteer.client, '/centre/subject-access', letter)).status,
            403,
          )

          const entries = await database.db
            .selectFrom('audit_log')
            .select('details')
            .where('type', '=', 'subject_access.opened')
            .orderBy('seq')
            .execute()
          assert.equal(entries.length, 51)
          assert.equal(
            (JSON.parse(entries[0]?.details ?? '{}') as { receivedVia?: string }).receivedVia,
            'letter',
          )
          assert.ok(
            entries.every((e) => !/everything|Morwenna|passport/.test(e.details)),
            'no note, name or method in the log',
          )
        }))
    },
  )
}
