import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  centreWithCoordinator,
  Client,
  currentCode,
  drainOutbox,
  waitForMessages,
  invite,
  PASSWORD,
  testApp,
  tokenFromLink,
} from '../../test/support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { createCentre } from '../app/centres.ts'
import { INVITATION_ACCEPTED } from '../app/invitation-acceptance.ts'
import { SIGN_IN_REFUSED } from '../app/sign-in.ts'

const MIN = 60_000

for (const dialect of await dialectsUnderTest()) {
  describe(`invitations on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('are single use, expire after 72 hours, and refuse a weak password without writing', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock()
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const client = new Client(app)
        const first = await createCentre(ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'Coordinator@Ashbury.example.org',
        })
        const token = tokenFromLink(first.invitation.link)
        assert.match(
          first.invitation.link,
          /^http:\/\/haven\.test\/invitations\/[A-Za-z0-9_-]{43}$/,
        )

        const shown = await client.json('GET', `/api/invitations/${token}`)
        assert.equal(shown.status, 200)
        assert.deepEqual(shown.body.roles, ['coordinator'])
        assert.equal(shown.body.email, 'coordinator@ashbury.example.org')

        const weak = await client.json<{ error: { field: string } }>(
          'POST',
          '/api/invitations/accept',
          { token, displayName: 'Ivy Hollis', password: 'password1' },
        )
        assert.equal(weak.status, 400)
        assert.equal(weak.body.error.field, 'password')
        assert.equal((await database.db.selectFrom('accounts').select('id').execute()).length, 0)

        const ok = await client.json('POST', '/api/invitations/accept', {
          token,
          displayName: 'Ivy Hollis',
          password: PASSWORD,
        })
        assert.equal(ok.status, 201)
        const replay = await client.json<{ error: { code: string; message: string } }>(
          'POST',
          '/api/invitations/accept',
          { token, displayName: 'Ivy Hollis', password: PASSWORD },
        )
        assert.equal(replay.status, 410)
        assert.match(replay.body.error.message, /already been used/)

        const second = await createCentre(ctx, {
          name: 'Brackenford',
          slug: 'brackenford',
          coordinatorEmail: 'someone@brackenford.example.org',
        })
        clock.advance(72 * 60 * MIN + 1000)
        const late = await client.json<{ error: { message: string } }>(
          'POST',
          '/api/invitations/accept',
          { token: tokenFromLink(second.invitation.link), displayName: 'Late', password: PASSWORD },
        )
        assert.equal(late.status, 410)
        assert.match(late.body.error.message, /expired/)
        const unknown = await client.json(
          'GET',
          '/api/invitations/not-a-real-token-at-all-not-a-real-token-at',
        )
        assert.equal(unknown.status, 404)
      }))

    it('let a person with an account join a second centre with their own password', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const a = await centreWithCoordinator(ctx, app, 'ashbury')
        const referrer = await invite(
          ctx,
          app,
          a.centreId,
          'ashbury',
          'referrer@hollis.example.org',
          ['referrer'],
        )
        const b = await createCentre(ctx, {
          name: 'Brackenford',
          slug: 'brackenford',
          coordinatorEmail: 'c@brackenford.example.org',
        })
        const { inviteMember } = await import('../app/invitations.ts')
        const { operatorActor } = await import('../app/actor.ts')
        const link = (
          await inviteMember(ctx, operatorActor(b.centre.id), {
            email: referrer.email,
            roles: ['referrer'],
            agencyKind: 'cafcass',
            agencyName: 'Cafcass',
          })
        ).link
        // V6.3.8 / V6.2.x: typing a password into the invitation proves nothing and changes
        // nothing; the answer is the one a new account gets, and the owner is e-mailed.
        const stranger = new Client(app)
        await drainOutbox(ctx)
        const typed = await stranger.json('POST', '/api/invitations/accept', {
          token: tokenFromLink(link),
          displayName: 'Someone',
          password: PASSWORD,
        })
        assert.equal(typed.status, 201)
        assert.deepEqual(typed.body, { message: INVITATION_ACCEPTED })
        const told = await drainOutbox(ctx)
        assert.equal(told.length, 1)
        assert.equal(told[0]?.recipient, referrer.email)
        assert.equal(
          (await stranger.signIn('brackenford', referrer.email, PASSWORD)).status,
          401,
          'no role in the second centre yet',
        )
        // From their own full session in the first centre, the owner accepts.
        const joined = await referrer.client.json('POST', '/api/me/invitations/accept', {
          token: tokenFromLink(link),
        })
        assert.equal(joined.status, 200)
        assert.deepEqual(joined.body, { centre: 'brackenford', roles: ['referrer'] })
        assert.equal(
          (await new Client(app).signIn('brackenford', referrer.email, PASSWORD)).body.secondFactor,
          'none',
        )
      }))
  })

  describe(`signing in on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('makes protected-data roles enrol a second factor before anything else', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centre, invitation } = await createCentre(ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'c@ashbury.example.org',
        })
        const client = new Client(app)
        await client.json('POST', '/api/invitations/accept', {
          token: tokenFromLink(invitation.link),
          displayName: 'Ivy',
          password: PASSWORD,
        })
        const signedIn = await client.signIn('ashbury', 'c@ashbury.example.org', PASSWORD)
        assert.equal(signedIn.status, 200)
        assert.equal(signedIn.body.secondFactor, 'enrol')
        const blocked = await client.json<{ error: { code: string } }>('GET', '/api/members')
        assert.equal(blocked.status, 401)
        const enrolment = await client.json<{ secret: string; otpauthUri: string }>(
          'POST',
          '/api/me/second-factor/enrol',
        )
        assert.equal(
          enrolment.body.otpauthUri,
          `otpauth://totp/Haven%20(haven.test)%3Ac%40ashbury.example.org?secret=${enrolment.body.secret}&issuer=Haven%20(haven.test)&algorithm=SHA1&digits=6&period=30`,
          "the installation's host beside Haven, and the e-mail the person signs in with",
        )
        const wrong = await client.json('POST', '/api/me/second-factor/confirm', {
          code: '000000' === currentCode(enrolment.body.secret, ctx) ? '111111' : '000000',
        })
        assert.equal(wrong.status, 400)
        const confirmed = await client.json<{ recoveryCodes: string[] }>(
          'POST',
          '/api/me/second-factor/confirm',
          { code: currentCode(enrolment.body.secret, ctx) },
        )
        assert.equal(confirmed.body.recoveryCodes.length, 10)
        assert.equal((await client.json('GET', '/api/members')).status, 200)
        assert.ok(centre.id)
      }))

    it('accepts each TOTP code once, and each recovery code once', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock()
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        clock.advance(30_000)
        const client = new Client(app)
        assert.equal(
          (await client.signIn('ashbury', coordinator.email, PASSWORD)).body.secondFactor,
          'verify',
        )
        const code = currentCode(coordinator.secret ?? '', ctx)
        assert.equal((await client.json('POST', '/api/auth/second-factor', { code })).status, 200)
        const again = new Client(app)
        await again.signIn('ashbury', coordinator.email, PASSWORD)
        const reused = await again.json<{ error: { message: string; field: string } }>(
          'POST',
          '/api/auth/second-factor',
          { code },
        )
        assert.equal(reused.status, 401)
        assert.match(reused.body.error.message, /already been used/)
        assert.equal(reused.body.error.field, 'code')
        const recovery = coordinator.recoveryCodes[0] ?? ''
        assert.equal(
          (
            await again.json('POST', '/api/auth/second-factor', {
              recoveryCode: recovery.toUpperCase(),
            })
          ).status,
          200,
        )
        const third = new Client(app)
        await third.signIn('ashbury', coordinator.email, PASSWORD)
        assert.equal(
          (await third.json('POST', '/api/auth/second-factor', { recoveryCode: recovery })).status,
          401,
        )
      }))

    it('refuses every wrong sign-in alike, and locks an account after 10 failures for 5 minutes', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock()
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const volunteer = await invite(
          ctx,
          app,
          centreId,
          'ashbury',
          'volunteer@ashbury.example.org',
          ['volunteer'],
        )
        await createCentre(ctx, {
          name: 'Brackenford',
          slug: 'brackenford',
          coordinatorEmail: 'c@brackenford.example.org',
        })
        const client = new Client(app)
        const attempts: [string, string, string][] = [
          ['ashbury', volunteer.email, 'wrong password entirely'],
          ['ashbury', 'nobody@ashbury.example.org', PASSWORD],
          ['nowhere', volunteer.email, PASSWORD],
          ['brackenford', volunteer.email, PASSWORD],
        ]
        for (const [centre, email, password] of attempts) {
          const refused = await client.signIn(centre, email, password)
          assert.equal(refused.status, 401)
          const { requestId, ...error } = refused.body.error as Record<string, unknown>
          assert.equal(typeof requestId, 'string')
          assert.deepEqual(error, { code: 'unauthenticated', message: SIGN_IN_REFUSED })
        }
        for (let i = 0; i < 9; i += 1)
          await client.signIn('ashbury', volunteer.email, 'still the wrong one')
        const locked = await client.signIn('ashbury', volunteer.email, PASSWORD)
        assert.equal(locked.status, 429)
        assert.match((locked.body.error as { message: string }).message, /locked for 5 minutes/)
        for (let i = 0; i < 10; i += 1)
          await client.signIn('ashbury', 'ghost@ashbury.example.org', 'whatever it is')
        const ghost = await client.signIn('ashbury', 'ghost@ashbury.example.org', 'whatever it is')
        assert.equal(ghost.status, 429, 'an unknown address locks exactly as a known one does')
        assert.equal(
          (await client.signIn('ashbury', coordinator.email, PASSWORD)).status,
          200,
          'other accounts are unaffected',
        )
        clock.advance(5 * MIN + 1000)
        assert.equal((await client.signIn('ashbury', volunteer.email, PASSWORD)).status, 200)
      }))

    it('ends sessions after 15 idle minutes and after 12 hours, and at sign-out', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock()
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const { centreId } = await centreWithCoordinator(ctx, app, 'ashbury')
        const volunteer = await invite(
          ctx,
          app,
          centreId,
          'ashbury',
          'volunteer@ashbury.example.org',
          ['volunteer'],
        )
        const client = volunteer.client
        clock.advance(14 * MIN)
        assert.equal((await client.json('GET', '/api/auth/session')).status, 200)
        clock.advance(15 * MIN)
        assert.equal((await client.json('GET', '/api/auth/session')).status, 401)

        await client.signIn('ashbury', volunteer.email, PASSWORD)
        const firstCookie = client.cookie
        // Active every ten minutes, so never idle: 71 × 10 minutes is 11 h 50 min.
        for (let tick = 1; tick <= 71; tick += 1) {
          clock.advance(10 * MIN)
          assert.equal(
            (await client.json('GET', '/api/auth/session')).status,
            200,
            `after ${tick * 10} minutes`,
          )
        }
        clock.advance(10 * MIN)
        assert.equal(
          (await client.json('GET', '/api/auth/session')).status,
          401,
          'twelve hours is the limit',
        )

        await client.signIn('ashbury', volunteer.email, PASSWORD)
        assert.notEqual(client.cookie, firstCookie, 'a new token at every sign-in')
        const kept = client.cookie
        assert.equal((await client.call('POST', '/api/auth/sign-out')).status, 204)
        client.cookie = kept
        assert.equal(
          (await client.json('GET', '/api/auth/session')).status,
          401,
          'a signed-out token is dead',
        )
      }))

    it('refuses state changes without the CSRF token or from another site', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const client = coordinator.client
        const body = { email: 'volunteer@ashbury.example.org', roles: ['volunteer'] }
        const noToken = await client.call('POST', '/api/members/invitations', body, {
          'x-csrf-token': '',
        })
        assert.equal(noToken.status, 403)
        const wrongToken = await client.call('POST', '/api/members/invitations', body, {
          'x-csrf-token': 'forged',
        })
        assert.equal(wrongToken.status, 403)
        const crossSite = await client.call('POST', '/api/members/invitations', body, {
          'sec-fetch-site': 'cross-site',
        })
        assert.equal(crossSite.status, 403)
        const otherOrigin = await client.call('POST', '/api/members/invitations', body, {
          origin: 'https://evil.example',
        })
        assert.equal(otherOrigin.status, 403)
        const otherScheme = await client.call('POST', '/api/members/invitations', body, {
          origin: 'ftp://localhost',
        })
        assert.equal(otherScheme.status, 403)
        assert.equal(
          (await database.db.selectFrom('invitations').select('id').execute()).length,
          1,
          "only the coordinator's own",
        )
        // A script behind the TLS proxy: Origin https:// at the host Haven is reached at.
        const behindTls = await client.call(
          'POST',
          '/api/members/invitations',
          { ...body, email: 'tls@ashbury.example.org' },
          { origin: 'https://localhost' },
        )
        assert.equal(behindTls.status, 201)
        const ok = await client.call('POST', '/api/members/invitations', body, {
          'sec-fetch-site': 'same-origin',
          origin: 'http://localhost',
        })
        assert.equal(ok.status, 201)
      }))

    it('resets a password once by a link that expires, without bypassing the second factor', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock()
        const ctx = testContext(database, clock)
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        await drainOutbox(ctx)
        const client = new Client(app)
        const known = await client.json('POST', '/api/auth/password-reset', {
          email: coordinator.email,
        })
        const unknown = await client.json('POST', '/api/auth/password-reset', {
          email: 'nobody@ashbury.example.org',
        })
        assert.equal(known.status, 202)
        assert.deepEqual(unknown, known, 'the same answer whether or not the account exists')
        const messages = await waitForMessages(ctx)
        assert.equal(messages.length, 1)
        const token = /password-reset\/([A-Za-z0-9_-]{43})/.exec(messages[0]?.body ?? '')?.[1] ?? ''
        const newPassword = 'kettle marigold harbour'
        assert.equal(
          (
            await client.json('POST', '/api/auth/password-reset/complete', {
              token,
              password: newPassword,
            })
          ).status,
          200,
        )
        const replay = await client.json<{ error: { message: string } }>(
          'POST',
          '/api/auth/password-reset/complete',
          { token, password: 'another new passphrase' },
        )
        assert.equal(replay.status, 410)
        assert.match(replay.body.error.message, /already been used/)
        assert.equal(
          (await coordinator.client.json('GET', '/api/auth/session')).status,
          401,
          'old sessions end',
        )
        const signedIn = await client.signIn('ashbury', coordinator.email, newPassword)
        assert.equal(
          signedIn.body.secondFactor,
          'verify',
          'a reset never bypasses the second factor',
        )
        assert.equal((await client.json('GET', '/api/members')).status, 401)

        await client.json('POST', '/api/auth/password-reset', { email: coordinator.email })
        const later =
          /password-reset\/([A-Za-z0-9_-]{43})/.exec(
            (await waitForMessages(ctx))[0]?.body ?? '',
          )?.[1] ?? ''
        clock.advance(31 * MIN)
        const expired = await client.json<{ error: { message: string } }>(
          'POST',
          '/api/auth/password-reset/complete',
          { token: later, password: 'yet another passphrase' },
        )
        assert.equal(expired.status, 410)
        assert.match(expired.body.error.message, /expired/)
      }))
  })
}
