import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deliverOutbox } from '../src/app/outbox.ts'
import { centreWithCoordinator, invite, testApp } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText } from './support/pages.ts'

/**
 * Issue 16: a message Haven gave up sending is shown to the coordinator, with why in words,
 * and can be sent again once the cause is mended; `/today` points to it.
 */
for (const dialect of await dialectsUnderTest()) {
  describe(`messages that could not be sent, on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('are listed where people are invited, linked from today, and sent again on asking', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', ['volunteer'])
        const invited = await postForm(coordinator.client, '/centre/people', {
          email: 'nobody@unknown.example.org',
          roles: ['volunteer'],
        })
        assert.equal(invited.status, 200, visibleText(invited.text))
        const refused = Object.assign(new Error('550 no such user nobody@unknown.example.org'), {
          code: 'EENVELOPE',
          responseCode: 550,
        })
        const round = await deliverOutbox(ctx, (m) =>
          m.recipient === 'nobody@unknown.example.org'
            ? Promise.reject(refused)
            : Promise.resolve(),
        )
        assert.equal(round.setAside, 1)

        const today = await getPage(coordinator.client, '/today')
        assert.match(visibleText(today.text), /1 message that could not be sent/)
        assert.match(today.text, /href="\/centre\/people#undelivered"/)
        const people = await getPage(coordinator.client, '/centre/people')
        const text = visibleText(people.text)
        assert.match(text, /Messages that could not be sent/)
        assert.match(text, /nobody@unknown\.example\.org/)
        assert.match(text, /the address was refused/)
        assert.ok(!text.includes('no such user'), "the error's own words are not shown")
        const action = /action="(\/centre\/messages\/[^"]+\/again)"/.exec(people.text)?.[1]
        assert.ok(action, 'a Send again form')
        const again = await postForm(coordinator.client, action, {})
        assert.equal(again.status, 303)
        assert.equal(again.location, '/centre/people#undelivered')
        assert.equal((await deliverOutbox(ctx, () => Promise.resolve())).delivered, 1)
        const after = visibleText((await getPage(coordinator.client, '/centre/people')).text)
        assert.ok(!after.includes('Messages that could not be sent'))
        // Sent: asking again is a clear refusal, not an error page.
        const twice = await postForm(coordinator.client, action, {})
        assert.equal(twice.status, 409)
        assert.match(visibleText(twice.text), /No such message is waiting to be sent again/)
      }))
  })
}
