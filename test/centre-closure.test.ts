import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { HOST_ID, operatorActor, OPERATOR_ID } from '../src/app/actor.ts'
import { acceptInvitation } from '../src/app/invitation-acceptance.ts'
import { confirmInvitation } from '../src/app/invitation-confirmations.ts'
import { listMembers, setMemberDisabled } from '../src/app/members.ts'
import {
  closeCentre,
  createCentre,
  findCentreBySlugOrThrow,
  reopenCentre,
} from '../src/app/centres.ts'
import type { AppContext } from '../src/app/context.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { sendRenewalReminders } from '../src/app/workers.ts'
import { signIn } from '../src/app/sign-in.ts'
import { requestPasswordReset } from '../src/app/password-reset.ts'
import { resetSecondFactor } from '../src/app/second-factor.ts'
import { listAuditEntries } from '../src/storage/audit-log.ts'
import {
  centreWithCoordinator,
  Client,
  drainOutbox,
  invite,
  PASSWORD,
  testApp,
  tokenFromLink,
  type Person,
} from './support/accounts.ts'
import {
  createScratchDatabase,
  dialectsUnderTest,
  TestClock,
  testContext,
  type ScratchDatabase,
} from './support/databases.ts'
import { migrateToLatest } from '../src/storage/migrate.ts'
import type { Database } from '../src/storage/database.ts'
import { HavenError } from '../src/domain/errors.ts'

/**
 * Closing a centre on an installation (docs/decisions/0047): its sessions end, nobody signs
 * in to it or accepts an invitation to it, its public pages answer as no centre, and it is
 * off the front page; its records stay; other centres go on as before. Reopening undoes it.
 */
for (const { name: dialect } of await dialectsUnderTest()) {
  describe(`closing a centre on ${dialect}`, () => {
    let scratch: ScratchDatabase
    let database: Database
    let ctx: AppContext
    let app: ReturnType<typeof testApp>
    const clock = new TestClock()
    before(async () => {
      scratch = await createScratchDatabase(dialect)
      database = await scratch.open()
      await migrateToLatest(database.db)
      ctx = testContext(database, clock)
      app = testApp(ctx)
    })
    after(async () => {
      await database.close()
      await scratch.drop()
    })

    async function listed(client: Client, listedOn: boolean): Promise<void> {
      const put = await client.json('PUT', '/api/centre/listing', { listed: listedOn })
      assert.equal(put.status, 200, JSON.stringify(put.body))
    }

    it('ends its sessions, refuses sign-in and invitations, hides its pages; keeps the other centre; reopens', async () => {
      const ash = await centreWithCoordinator(ctx, app, 'ashbury')
      const brook = await centreWithCoordinator(ctx, app, 'brookfield')
      await listed(ash.coordinator.client, true)
      await listed(brook.coordinator.client, true)
      const pending = await inviteMember(ctx, operatorActor(ash.centreId), {
        email: 'helper@ashbury.example.org',
        roles: ['volunteer'],
      })
      // A worker's check falling due in each centre: reminders go on for the open one only.
      for (const [{ centreId, coordinator }, slug] of [
        [ash, 'ashbury'],
        [brook, 'brookfield'],
      ] as const) {
        const volunteer = await invite(ctx, app, centreId, slug, `v@${slug}.example.org`, [
          'volunteer',
        ])
        const check = await coordinator.client.json(
          'POST',
          `/api/workers/${volunteer.accountId}/checks`,
          {
            kind: 'dbs',
            level: 'standard',
            issuedOn: '2023-05-13',
            renewalDueOn: '2026-03-29',
            outcome: 'clear',
          },
        )
        assert.equal(check.status, 201, JSON.stringify(check.body))
      }
      assert.equal(await sendRenewalReminders(ctx), 0, 'the first run works out today')
      await drainOutbox(ctx)
      const front = await (await app.request('/')).text()
      assert.match(front, /Centre ashbury/)

      const centre = await findCentreBySlugOrThrow(ctx, 'ashbury')
      const { sessionsEnded } = await closeCentre(ctx, centre)
      assert.equal(sessionsEnded, 2, "the coordinator's session and the volunteer's")

      const session = await ash.coordinator.client.json('GET', '/api/auth/session')
      assert.equal(session.status, 401)
      const stillThere = await brook.coordinator.client.json('GET', '/api/auth/session')
      assert.equal(stillThere.status, 200, 'the other centre is untouched')

      // Sign-in to a closed centre is refused exactly as a wrong password is: no oracle.
      const right = await new Client(app).signIn('ashbury', ash.coordinator.email, PASSWORD)
      const wrong = await new Client(app).signIn(
        'ashbury',
        ash.coordinator.email,
        'not the password at all',
      )
      assert.notEqual(right.status, 200)
      assert.equal(right.status, wrong.status)
      const withoutRequest = (body: Record<string, unknown>): unknown =>
        JSON.stringify(body).replace(/"requestId":"[^"]*"/, '')
      assert.equal(withoutRequest(right.body), withoutRequest(wrong.body))

      const accept = await new Client(app).json('POST', '/api/invitations/accept', {
        token: tokenFromLink(pending.link),
        displayName: 'Person helper',
        password: PASSWORD,
      })
      assert.equal(accept.status, 410, JSON.stringify(accept.body))
      await assert.rejects(
        inviteMember(ctx, operatorActor(ash.centreId), {
          email: 'another@ashbury.example.org',
          roles: ['volunteer'],
        }),
        (error: unknown) => error instanceof HavenError && error.code === 'conflict',
      )

      assert.equal((await app.request('/centres/ashbury/policy')).status, 404)
      assert.equal((await app.request('/api/centres/ashbury/policy')).status, 404)
      assert.equal((await app.request('/centres/brookfield/policy')).status, 200)
      const frontAfter = await (await app.request('/')).text()
      assert.doesNotMatch(frontAfter, /Centre ashbury/)
      assert.match(frontAfter, /Centre brookfield/)

      const closed = (await listAuditEntries(ctx.db, { chain: ash.centreId })).filter(
        (entry) => entry.type === 'centre.closed',
      )
      assert.equal(closed.length, 1)
      const [entry] = closed
      assert.ok(entry)
      assert.equal(entry.actorId, OPERATOR_ID)
      assert.deepEqual(JSON.parse(entry.details), { sessionsEnded: 2 })

      await assert.rejects(
        closeCentre(ctx, await findCentreBySlugOrThrow(ctx, 'ashbury')),
        (error: unknown) => error instanceof HavenError && error.code === 'conflict',
      )

      // Tomorrow the check is 14 days from due: the open centre's coordinator is reminded.
      clock.advance(24 * 3600_000)
      assert.equal(await sendRenewalReminders(ctx), 1)
      assert.deepEqual(
        (await drainOutbox(ctx)).map((message) => message.recipient),
        [brook.coordinator.email],
      )

      await reopenCentre(ctx, await findCentreBySlugOrThrow(ctx, 'ashbury'))
      const again = await signInAgain(ash.coordinator)
      assert.equal(again, 200)
      assert.equal((await app.request('/centres/ashbury/policy')).status, 200)
      const reopened = (await listAuditEntries(ctx.db, { chain: ash.centreId })).filter(
        (entry) => entry.type === 'centre.reopened',
      )
      assert.equal(reopened.length, 1)
      await assert.rejects(
        reopenCentre(ctx, await findCentreBySlugOrThrow(ctx, 'ashbury')),
        (error: unknown) => error instanceof HavenError && error.code === 'conflict',
      )
    })

    async function signInAgain(person: Person): Promise<number> {
      return (await new Client(app).signIn('ashbury', person.email, PASSWORD)).status
    }

    it('of twenty closes sent together, one closes the centre and nineteen are conflicts', async () => {
      const { centreId } = await centreWithCoordinator(ctx, app, 'cheriton')
      const centre = await findCentreBySlugOrThrow(ctx, 'cheriton')
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => closeCentre(ctx, centre)),
      )
      const done = results.filter((r) => r.status === 'fulfilled')
      assert.equal(done.length, 1)
      for (const result of results)
        if (result.status === 'rejected')
          assert.ok(
            result.reason instanceof HavenError && result.reason.code === 'conflict',
            String(result.reason),
          )
      const closed = (await listAuditEntries(ctx.db, { chain: centreId })).filter(
        (entry) => entry.type === 'centre.closed',
      )
      assert.equal(closed.length, 1, 'recorded once')
    })

    it("lets the installation's operator invite only a coordinator, only to a centre left without one: one of twenty sent together", async () => {
      const { centreId } = await centreWithCoordinator(ctx, app, 'dunmore')
      const actor = operatorActor(centreId)
      const only = { asHost: true }
      await assert.rejects(
        inviteMember(ctx, actor, { email: 'v@dunmore.example.org', roles: ['volunteer'] }, only),
        (error: unknown) => error instanceof HavenError && error.code === 'forbidden',
      )
      await assert.rejects(
        inviteMember(ctx, actor, { email: 'c2@dunmore.example.org', roles: ['coordinator'] }, only),
        (error: unknown) => error instanceof HavenError && error.code === 'conflict',
        'the centre has a coordinator who can act',
      )
      const gone = await centreWithoutCoordinator(ctx, 'elmstead')
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          inviteMember(
            ctx,
            operatorActor(gone),
            { email: `c${String(i)}@elmstead.example.org`, roles: ['coordinator'] },
            only,
          ),
        ),
      )
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
      for (const result of results)
        if (result.status === 'rejected')
          assert.ok(
            result.reason instanceof HavenError && result.reason.code === 'conflict',
            String(result.reason),
          )
    })

    it("finishes the host's invitation from the invited address, and tells the centre's coordinators", async () => {
      const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'fairley')
      const actor = operatorActor(centreId)
      await setMemberDisabled(ctx, actor, coordinator.accountId, true)
      await drainOutbox(ctx)
      const issued = await inviteMember(
        ctx,
        actor,
        { email: 'newcomer@elsewhere.example.org', roles: ['coordinator'] },
        { asHost: true },
      )
      const sent = await drainOutbox(ctx)
      assert.deepEqual(sent.map((message) => message.recipient).sort(), [
        coordinator.email,
        'newcomer@elsewhere.example.org',
      ])
      const told = sent.find((message) => message.recipient === coordinator.email)
      assert.match(told?.body ?? '', /invited newcomer@elsewhere\.example\.org to be a coordinator/)
      // Whoever holds the link (the host saw none, but suppose it) makes nobody a member by it.
      const accepted = await acceptInvitation(
        ctx,
        { token: tokenFromLink(issued.link), displayName: 'Newcomer', password: PASSWORD },
        'test',
      )
      assert.equal(accepted.accountId, undefined)
      const members = await listMembers(ctx, actor)
      assert.ok(!members.some((member) => member.email === 'newcomer@elsewhere.example.org'))
      const created = (await listAuditEntries(ctx.db, { chain: centreId })).filter(
        (entry) => entry.type === 'invitation.created',
      )
      assert.equal(created.at(-1)?.actorId, HOST_ID)
    })

    it('refuses a confirmation link e-mailed before the centre closed', async () => {
      const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'greyfield')
      const made = await coordinator.client.json('POST', '/api/members/invitations', {
        email: 'w@greyfield.example.org',
        roles: ['volunteer'],
      })
      assert.equal(made.status, 201, JSON.stringify(made.body))
      const [invitation] = (await drainOutbox(ctx)).filter(
        (message) => message.recipient === 'w@greyfield.example.org',
      )
      const link = /\/invitations\/(\S+)/.exec(invitation?.body ?? '')?.[1] ?? ''
      await acceptInvitation(
        ctx,
        { token: link, displayName: 'Person w', password: PASSWORD },
        'test',
      )
      const [confirmation] = await drainOutbox(ctx)
      const token = /\/invitation-confirmations\/(\S+)/.exec(confirmation?.body ?? '')?.[1]
      assert.ok(token, 'the confirmation went to the address')
      await closeCentre(ctx, await findCentreBySlugOrThrow(ctx, 'greyfield'))
      await assert.rejects(
        confirmInvitation(
          ctx,
          { token, displayName: 'Person w', password: PASSWORD },
          'test',
          undefined,
        ),
        (error: unknown) => error instanceof HavenError && error.code === 'gone',
      )
      const members = await listMembers(ctx, operatorActor(centreId))
      assert.ok(!members.some((member) => member.email === 'w@greyfield.example.org'))
    })

    it('leaves no session open when sign-ins race the close', async () => {
      const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'hollins')
      const centre = await findCentreBySlugOrThrow(ctx, 'hollins')
      const signIns = Array.from({ length: 20 }, (_, i) =>
        signIn(ctx, {
          centre: 'hollins',
          email: coordinator.email,
          password: PASSWORD,
          source: `198.51.100.${String(i + 1)}`,
        }),
      )
      await Promise.allSettled([...signIns, closeCentre(ctx, centre)])
      const open = await ctx.db
        .selectFrom('auth_sessions')
        .select('id')
        .where('centre_id', '=', centreId)
        .where('ended_at', 'is', null)
        .execute()
      assert.deepEqual(open, [], 'every session made before the close was ended, none after')
    })

    it("records the operator's resets of a member's sign-in in the centre's own log", async () => {
      const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ivybridge')
      assert.equal(await resetSecondFactor(ctx, coordinator.email), true)
      const { delivery } = await requestPasswordReset(ctx, {
        email: coordinator.email,
        source: 'operator',
        byOperator: true,
      })
      await delivery
      const byOperator = (await listAuditEntries(ctx.db, { chain: centreId }))
        .filter((entry) => entry.actorId === OPERATOR_ID)
        .map((entry) => [entry.type, entry.subjectId])
      assert.deepEqual(byOperator, [
        ['second_factor.reset', coordinator.accountId],
        ['password_reset.requested', coordinator.accountId],
      ])
    })

    /** A centre whose coordinator's invitation ran out unanswered: it has no coordinator. */
    async function centreWithoutCoordinator(context: AppContext, slug: string): Promise<string> {
      const { centre } = await createCentre(context, {
        name: `Centre ${slug}`,
        slug,
        coordinatorEmail: `coordinator@${slug}.example.org`,
      })
      clock.advance(73 * 3600_000)
      return centre.id
    }
  })
}
