import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { verifyAuditLog } from '../src/app/audit-trail.ts'
import type { AppContext } from '../src/app/context.ts'
import { createDemoCentre } from '../src/app/demo-centre.ts'
import { listAuditEntries } from '../src/storage/audit-log.ts'
import { HAVEN_VERSION } from '../src/version.ts'
import { centreWithCoordinator, Client, invite, testApp, type Person } from './support/accounts.ts'
import { referral } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText } from './support/pages.ts'

/**
 * What a stranger learns from Haven's open doors (issue 13): the front page names only the
 * centres that chose to be listed, with a link to their policy, and the health check says
 * only whether Haven can serve. Neither tells the version, the database engine, or how many
 * families or sessions any centre has.
 */
type App = ReturnType<typeof testApp>

interface World {
  ctx: AppContext
  app: App
  stranger: Client
  alder: { centreId: string; coordinator: Person }
  birch: { centreId: string; coordinator: Person }
  others: Record<'staff' | 'volunteer' | 'referrer' | 'parent', Person>
}

async function world(ctx: AppContext): Promise<World> {
  const app = testApp(ctx)
  const alder = await centreWithCoordinator(ctx, app, 'alder')
  const birch = await centreWithCoordinator(ctx, app, 'birch')
  const person = (role: string) =>
    invite(ctx, app, alder.centreId, 'alder', `${role}@alder.example.org`, [role])
  const others = {
    staff: await person('staff'),
    volunteer: await person('volunteer'),
    referrer: await person('referrer'),
    parent: await person('parent'),
  }
  // Records at Alder, so that there would be counts to leak.
  for (let i = 0; i < 3; i += 1) {
    const sent = await alder.coordinator.client.json('POST', '/api/referrals', referral())
    assert.equal(sent.status, 201)
  }
  return { ctx, app, stranger: new Client(app), alder, birch, others }
}

/** The front page as a stranger sees it, as text, and its raw HTML. */
async function frontPage(w: World): Promise<{ text: string; html: string }> {
  const page = await getPage(w.stranger, '/')
  assert.equal(page.status, 200)
  return { text: visibleText(page.text), html: page.text }
}

/** Nothing about the installation or any centre's records. */
function assertSaysNothingOfTheInstallation(text: string, html: string): void {
  assert.doesNotMatch(text, /\d/, `a number on the front page: ${text}`)
  assert.ok(!html.includes(HAVEN_VERSION), 'the version')
  for (const word of [/sqlite/i, /postgres/i, /famil(y|ies)/i, /sessions?\b/i, /healthz/])
    assert.doesNotMatch(text, word)
}

async function listingEvents(w: World, centreId: string) {
  return (await listAuditEntries(w.ctx.db, { chain: centreId })).filter(
    (entry) => entry.type === 'centre.listing_changed',
  )
}

for (const dialect of await dialectsUnderTest())
  describe(
    `the public front page and health check on ${dialect.name}`,
    { skip: dialect.skip },
    () => {
      it('V13.4.5 V13.4.6 tell a stranger nothing: no unlisted centre, no counts, no version, no engine', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const w = await world(testContext(database, new TestClock()))
          const { text, html } = await frontPage(w)
          for (const name of ['Centre alder', 'Centre birch', 'alder', 'birch'])
            assert.ok(!html.includes(name), `an unlisted centre on the front page: ${name}`)
          assertSaysNothingOfTheInstallation(text, html)

          const health = await w.stranger.call('GET', '/healthz')
          assert.equal(health.status, 200)
          const body = await health.text()
          assert.deepEqual(JSON.parse(body), { status: 'ok' })
          for (const leak of [HAVEN_VERSION, 'sqlite', 'postgres', 'alder'])
            assert.ok(!body.toLowerCase().includes(leak), leak)
          // Nor does the public API description name the release.
          const spec = await (await w.stranger.call('GET', '/api/openapi.json')).text()
          assert.ok(!spec.includes(`"${HAVEN_VERSION}"`), 'the release in openapi.json')
          // A listed centre's name reaches the front page; its records still do not.
          assert.equal(
            (await w.alder.coordinator.client.json('PUT', '/api/centre/listing', { listed: true }))
              .status,
            200,
          )
          const listed = await frontPage(w)
          assertSaysNothingOfTheInstallation(listed.text, listed.html)
          assert.deepEqual(JSON.parse(await (await w.stranger.call('GET', '/healthz')).text()), {
            status: 'ok',
          })
        }))

      it("V8.2.1 V16.3.3 only the centre's coordinator lists it, audited; the front page then names it with a link to its policy", () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const w = await world(testContext(database, new TestClock()))
          for (const [role, person] of Object.entries(w.others)) {
            const refused = await person.client.json<{ error: { code: string } }>(
              'PUT',
              '/api/centre/listing',
              { listed: true },
            )
            assert.equal(refused.status, 403, role)
            assert.equal(refused.body.error.code, 'forbidden', role)
          }
          assert.equal(
            (await w.stranger.call('PUT', '/api/centre/listing', JSON.stringify({ listed: true })))
              .status,
            401,
          )
          const wrong = await w.alder.coordinator.client.json<{ error: { field: string } }>(
            'PUT',
            '/api/centre/listing',
            { listed: 'yes' },
          )
          assert.equal(wrong.status, 400)
          assert.equal(wrong.body.error.field, 'body.listed')
          assert.deepEqual(await listingEvents(w, w.alder.centreId), [])
          assert.doesNotMatch((await frontPage(w)).html, /alder/)

          const on = await w.alder.coordinator.client.json('PUT', '/api/centre/listing', {
            listed: true,
          })
          assert.deepEqual(on, { status: 200, body: { listed: true } })
          const listed = await frontPage(w)
          assert.match(listed.text, /Centre alder/)
          assert.match(listed.html, /href="\/centres\/alder\/policy"/)
          assert.doesNotMatch(listed.html, /birch/, 'another centre stays unlisted')
          assert.equal((await getPage(w.stranger, '/centres/alder/policy')).status, 200)

          // Birch's coordinator changes Birch, never Alder.
          await w.birch.coordinator.client.json('PUT', '/api/centre/listing', { listed: false })
          assert.match((await frontPage(w)).text, /Centre alder/)

          const off = await w.alder.coordinator.client.json('PUT', '/api/centre/listing', {
            listed: false,
          })
          assert.deepEqual(off, { status: 200, body: { listed: false } })
          assert.doesNotMatch((await frontPage(w)).html, /alder/)

          const events = await listingEvents(w, w.alder.centreId)
          assert.deepEqual(
            events.map((e) => [e.actorId, e.subjectId, JSON.parse(e.details) as unknown]),
            [
              [w.alder.coordinator.accountId, w.alder.centreId, { after: true, before: false }],
              [w.alder.coordinator.accountId, w.alder.centreId, { after: false, before: true }],
            ],
          )
          const verified = await verifyAuditLog(w.ctx.db, w.ctx.auditKey.publicKey)
          assert.equal(verified.problem, undefined)
        }))

      it("switches from the coordinator's centre page, and from no one else's", () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const w = await world(testContext(database, new TestClock()))
          const hub = await getPage(w.alder.coordinator.client, '/centre')
          assert.equal(hub.status, 200)
          assert.match(hub.text, /<form method="post" action="\/centre\/listing"/)
          assert.match(visibleText(hub.text), /The centre is not named on the front page/)
          const staffHub = await getPage(w.others.staff.client, '/centre')
          assert.equal(staffHub.status, 200)
          assert.doesNotMatch(staffHub.text, /action="\/centre\/listing"/)

          const refused = await postForm(w.others.staff.client, '/centre/listing', {
            listed: 'yes',
          })
          assert.equal(refused.status, 403)
          assert.doesNotMatch((await frontPage(w)).html, /alder/)

          const done = await postForm(w.alder.coordinator.client, '/centre/listing', {
            listed: 'yes',
          })
          assert.equal(done.status, 303)
          assert.equal(done.location, '/centre?done=listing')
          const after = await getPage(w.alder.coordinator.client, '/centre?done=listing')
          assert.match(visibleText(after.text), /Done.*The centre is named on the front page/)
          assert.match((await frontPage(w)).text, /Centre alder/)
          assert.equal((await listingEvents(w, w.alder.centreId)).length, 1)
        }))

      it('lists a demo centre, so a new installation shows where to start', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock())
          await createDemoCentre(ctx, { familyCount: 2, weeksBack: 1, weeksAhead: 1 })
          const stranger = new Client(testApp(ctx))
          const page = await getPage(stranger, '/')
          assert.match(visibleText(page.text), /Centres Demo Contact Centre/)
          assert.match(page.text, /href="\/centres\/demo\/policy"/)
          assert.doesNotMatch(visibleText(page.text), /\d/)
        }))
    },
  )
