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

      it('the coordinator adds an agency without an account, the referral form offers it, and it is renamed; a name held is refused', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
          // A referrer brings their agency with them; it is listed with its referral.
          const referrer = await invite(ctx, app, centreId, 'alder', 'r@hollis.example.org', [
            'referrer',
          ])
          assert.equal(
            (await referrer.client.json('POST', '/api/referrals', referral())).status,
            201,
          )
          const hub = await getPage(coordinator.client, '/centre')
          assert.match(hub.text, /href="\/centre\/agencies"/)
          const first = await getPage(coordinator.client, '/centre/agencies')
          assert.equal(first.status, 200)
          assert.match(visibleText(first.text), /Hollis & Co Solicitors Solicitor 1 Change/)

          const blank = await postForm(coordinator.client, '/centre/agencies', {
            name: '',
            kind: 'mediator',
          })
          assert.equal(blank.status, 400)
          assert.match(blank.text, /<a href="#name">Enter the name of the agency<\/a>/)
          const noKind = await postForm(coordinator.client, '/centre/agencies', {
            name: 'Tamar Family Mediation',
            kind: '',
          })
          assert.equal(noKind.status, 400)
          assert.match(noKind.text, /<a href="#kind">Choose the kind of agency<\/a>/)
          assert.match(noKind.text, /value="Tamar Family Mediation"/, 'what was typed is kept')
          const badKind = await postForm(coordinator.client, '/centre/agencies', {
            name: 'Tamar Family Mediation',
            kind: 'astrologer',
          })
          assert.equal(badKind.status, 400)
          assert.match(
            visibleText(badKind.text),
            /The kind of agency must be one of the kinds listed/,
          )
          const held = await postForm(coordinator.client, '/centre/agencies', {
            name: 'hollis  & co solicitors',
            kind: 'other',
          })
          assert.equal(held.status, 409)
          assert.match(visibleText(held.text), /The centre already has an agency of that name/)

          const added = await postForm(coordinator.client, '/centre/agencies', {
            name: 'Tamar Family Mediation',
            kind: 'mediator',
          })
          assert.equal(added.status, 303)
          const listed = visibleText((await getPage(coordinator.client, added.location ?? '')).text)
          assert.match(listed, /Agency added\. The referral form offers it from now on\./)
          assert.match(listed, /Tamar Family Mediation Mediator 0 Change/)
          const agencyId = (
            await database.db
              .selectFrom('agencies')
              .select('id')
              .where('name', '=', 'Tamar Family Mediation')
              .executeTakeFirstOrThrow()
          ).id
          const form = await getPage(coordinator.client, '/referrals/new')
          assert.match(
            form.text,
            new RegExp(`<option value="${agencyId}">Tamar Family Mediation</option>`),
            'the referral form offers the new agency',
          )

          const changePath = `/centre/agencies/${agencyId}`
          const changeForm = await getPage(coordinator.client, changePath)
          assert.equal(changeForm.status, 200)
          assert.match(changeForm.text, /name="heldName" value="Tamar Family Mediation"/)
          assert.match(changeForm.text, /name="heldKind" value="mediator"/)
          const taken = await postForm(coordinator.client, changePath, {
            name: 'Hollis & Co Solicitors',
            kind: 'mediator',
            heldName: 'Tamar Family Mediation',
            heldKind: 'mediator',
          })
          assert.equal(taken.status, 409)
          assert.match(visibleText(taken.text), /The centre already has an agency of that name/)
          const changed = await postForm(coordinator.client, changePath, {
            name: 'Tamar Mediation Service',
            kind: 'other',
            heldName: 'Tamar Family Mediation',
            heldKind: 'mediator',
          })
          assert.equal(changed.status, 303)
          assert.match(
            visibleText((await getPage(coordinator.client, changed.location ?? '')).text),
            /Agency changed\. .*Tamar Mediation Service Other 0/,
          )
          const stale = await postForm(coordinator.client, changePath, {
            name: 'Tamar Mediators',
            kind: 'mediator',
            heldName: 'Tamar Family Mediation',
            heldKind: 'mediator',
          })
          assert.equal(stale.status, 409, 'a form drawn before the change is refused')
          assert.match(visibleText(stale.text), /Someone else changed this agency; reload it/)
          assert.match(stale.text, /name="heldName" value="Tamar Mediation Service"/)
          assert.equal(
            (await getPage(coordinator.client, `/centre/agencies/${centreId}`)).status,
            404,
          )

          const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
            'volunteer',
          ])
          for (const who of [volunteer, referrer]) {
            assert.equal((await getPage(who.client, '/centre/agencies')).status, 403)
            assert.equal((await getPage(who.client, changePath)).status, 403)
            const posted = await postForm(who.client, '/centre/agencies', {
              name: 'Kernow Law',
              kind: 'solicitor',
            })
            assert.equal(posted.status, 403)
            assert.doesNotMatch(
              (await getPage(who.client, '/policy')).text,
              /\/centre\/agencies/,
              'no link for them',
            )
          }
          assert.equal(
            (
              await database.db
                .selectFrom('agencies')
                .select('id')
                .where('name', '=', 'Kernow Law')
                .execute()
            ).length,
            0,
          )
          const entries = await auditDetails(database.db, ['agency.added', 'agency.changed'])
          assert.deepEqual(
            entries.map((e): [string, unknown] => [e.type, JSON.parse(e.details)]),
            [
              ['agency.added', { kind: 'mediator' }],
              ['agency.changed', { fields: ['name', 'kind'] }],
            ],
            'kinds and fields only, never a name',
          )
        }))
    },
  )
}
