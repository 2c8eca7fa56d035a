import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, invite, testApp } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText } from './support/pages.ts'

/** The audit entries of these types, their details as stored. */
async function auditDetails(
  db: Parameters<Parameters<typeof withMigratedDatabase>[1]>[0]['db'],
  types: readonly string[],
): Promise<{ type: string; details: string }[]> {
  return db
    .selectFrom('audit_log')
    .select(['type', 'details'])
    .where('type', 'in', [...types])
    .orderBy('seq')
    .execute()
}

for (const dialect of await dialectsUnderTest()) {
  describe(
    `the centre's everyday settings on the pages, on ${dialect.name}`,
    {
      skip: dialect.skip,
    },
    () => {
      it('the coordinator adds and renames rooms and sets the time between the parents; a volunteer is refused', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
          const hub = await getPage(coordinator.client, '/centre')
          assert.match(hub.text, /href="\/centre\/rooms"/, 'the centre page offers the rooms')

          const empty = await getPage(coordinator.client, '/centre/rooms')
          assert.equal(empty.status, 200)
          assert.match(visibleText(empty.text), /No rooms yet/)
          assert.match(empty.text, /name="minutes" type="number" value="15"/, 'the default stagger')

          const noName = await postForm(coordinator.client, '/centre/rooms', { name: '  ' })
          assert.equal(noName.status, 400)
          assert.match(noName.text, /<a href="#name">Enter the name of the room<\/a>/)
          const added = await postForm(coordinator.client, '/centre/rooms', { name: 'Willow Room' })
          assert.equal(added.status, 303)
          assert.equal(added.location, '/centre/rooms?done=added')
          assert.equal(
            (await postForm(coordinator.client, '/centre/rooms', { name: 'Rowan Room' })).status,
            303,
          )
          const twice = await postForm(coordinator.client, '/centre/rooms', { name: 'willow room' })
          assert.equal(twice.status, 409)
          assert.match(visibleText(twice.text), /There is already a room of that name/)
          assert.match(twice.text, /value="willow room"/, 'what was typed is kept')
          const tooLong = await postForm(coordinator.client, '/centre/rooms', {
            name: 'R'.repeat(61),
          })
          assert.equal(tooLong.status, 400)
          assert.match(visibleText(tooLong.text), /The name must be 60 characters or fewer/)

          const listed = await getPage(coordinator.client, '/centre/rooms?done=added')
          assert.match(visibleText(listed.text), /Done Room added\./)
          const rooms = await coordinator.client.json<{ rooms: { id: string; name: string }[] }>(
            'GET',
            '/api/rooms',
          )
          assert.deepEqual(
            rooms.body.rooms.map((r) => r.name),
            ['Rowan Room', 'Willow Room'],
          )
          const willow = rooms.body.rooms.find((r) => r.name === 'Willow Room')?.id ?? ''
          assert.match(listed.text, new RegExp(`href="/centre/rooms/${willow}"`))

          const renameForm = await getPage(coordinator.client, `/centre/rooms/${willow}`)
          assert.equal(renameForm.status, 200)
          assert.match(renameForm.text, /name="heldName" value="Willow Room"/)
          const clash = await postForm(coordinator.client, `/centre/rooms/${willow}`, {
            name: 'Rowan Room',
            heldName: 'Willow Room',
          })
          assert.equal(clash.status, 409)
          assert.match(visibleText(clash.text), /There is already a room of that name/)
          const renamed = await postForm(coordinator.client, `/centre/rooms/${willow}`, {
            name: 'Willow Garden Room',
            heldName: 'Willow Room',
          })
          assert.equal(renamed.status, 303)
          const stale = await postForm(coordinator.client, `/centre/rooms/${willow}`, {
            name: 'Oak Room',
            heldName: 'Willow Room',
          })
          assert.equal(stale.status, 409, 'a form drawn before the rename is refused')
          assert.match(visibleText(stale.text), /Someone else renamed this room; reload it/)
          assert.match(stale.text, /name="heldName" value="Willow Garden Room"/, 'drawn again')
          assert.deepEqual(
            (
              await coordinator.client.json<{ rooms: { name: string }[] }>('GET', '/api/rooms')
            ).body.rooms.map((r) => r.name),
            ['Rowan Room', 'Willow Garden Room'],
          )
          assert.equal((await getPage(coordinator.client, `/centre/rooms/${centreId}`)).status, 404)

          for (const [minutes, words] of [
            ['', /Enter the minutes, from 5 to 60/],
            ['ten', /The minutes must be a whole number, from 5 to 60/],
            ['4', /The time must be from 5 to 60 minutes/],
            ['61', /The time must be from 5 to 60 minutes/],
          ] as const) {
            const refused = await postForm(coordinator.client, '/centre/stagger', { minutes })
            assert.equal(refused.status, 400, `minutes "${minutes}"`)
            assert.match(refused.text, /<a href="#minutes">/)
            assert.match(visibleText(refused.text), words)
          }
          const set = await postForm(coordinator.client, '/centre/stagger', { minutes: '20' })
          assert.equal(set.status, 303)
          const after = await getPage(coordinator.client, set.location ?? '')
          assert.match(after.text, /name="minutes" type="number" value="20"/)
          assert.match(visibleText(after.text), /Time between the parents saved/)

          const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
            'volunteer',
          ])
          assert.equal((await getPage(volunteer.client, '/centre/rooms')).status, 403)
          assert.equal((await getPage(volunteer.client, `/centre/rooms/${willow}`)).status, 403)
          const posted = await postForm(volunteer.client, '/centre/rooms', { name: 'Ash Room' })
          assert.equal(posted.status, 403)
          assert.equal(
            (await postForm(volunteer.client, '/centre/stagger', { minutes: '30' })).status,
            403,
          )
          const volunteerHub = await getPage(volunteer.client, '/policy')
          assert.doesNotMatch(volunteerHub.text, /\/centre\/rooms/, 'no link for a volunteer')

          const entries = await auditDetails(database.db, [
            'room.added',
            'room.renamed',
            'centre.stagger_changed',
          ])
          assert.deepEqual(
            entries.map((e) => e.type),
            ['room.added', 'room.added', 'room.renamed', 'centre.stagger_changed'],
          )
          assert.ok(
            entries.every((e) => !/Willow|Rowan|Room/.test(e.details)),
            'no room names in the log',
          )
        }))
    },
  )
}
