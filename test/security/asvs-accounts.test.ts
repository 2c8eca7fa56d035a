import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inviteMember } from '../../src/app/invitations.ts'
import { operatorActor } from '../../src/app/actor.ts'
import { createCentre } from '../../src/app/centres.ts'
import { resetSecondFactor } from '../../src/app/second-factor.ts'
import { clientAddress, trustedProxyList } from '../../src/http/session.ts'
import {
  centreWithCoordinator,
  Client,
  currentCode,
  drainOutbox,
  invite,
  PASSWORD,
  testApp,
  tokenFromLink,
  waitForMessages,
} from '../support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../support/databases.ts'
import type { AppContext } from '../../src/app/context.ts'
import { getPage, postForm, visibleText } from '../support/pages.ts'
import type { Database } from '../../src/storage/database.ts'

/**
 * Issue 13, as an attacker would try it: each case is named by the OWASP ASVS 5.0
 * requirement it proves, and runs on both engines.
 */
const STEP = 30_000
const WRONG = 'not the password at all'

async function auditTypes(database: Database): Promise<string[]> {
  const rows = await database.db.selectFrom('audit_log').select('type').orderBy('seq').execute()
  return rows.map((row) => row.type)
}

function count(types: readonly string[], type: string): number {
  return types.filter((t) => t === type).length
}

/** A browser that has never signed in here (no device cookie), from the same test process. */
function freshBrowser(app: ReturnType<typeof testApp>): Client {
  return new Client(app)
}

async function setUp(database: Database) {
  const clock = new TestClock()
  const ctx: AppContext = testContext(database, clock)
  const app = testApp(ctx)
  const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
  return { clock, ctx, app, centreId, coordinator }
}

describe('the client address behind trusted proxies (V6.3.1 limits per source)', () => {
  const proxies = trustedProxyList(['10.0.0.0/8', '::1'])
  const cases: [string, string, string | undefined, string][] = [
    ['a direct client', '192.0.2.7', undefined, '192.0.2.7'],
    ['a direct client cannot choose its address', '192.0.2.7', '198.51.100.1', '192.0.2.7'],
    ['through one trusted proxy', '10.0.0.2', '198.51.100.1', '198.51.100.1'],
    [
      'a forged hop left of the real client is ignored',
      '10.0.0.2',
      '203.0.113.9, 198.51.100.1',
      '198.51.100.1',
    ],
    ['through two trusted proxies', '10.0.0.2', '198.51.100.1, 10.1.2.3', '198.51.100.1'],
    ['an IPv4-mapped peer', '::ffff:10.0.0.2', '198.51.100.1', '198.51.100.1'],
    ['IPv6 proxy and client', '::1', '2001:db8::5', '2001:db8::5'],
    ['a proxy without the header', '10.0.0.2', undefined, '10.0.0.2'],
    ['garbage in the header stops at the nearest proxy', '10.0.0.2', 'not-an-address', '10.0.0.2'],
  ]
  for (const [name, peer, header, expected] of cases) {
    it(name, () => {
      assert.equal(clientAddress(peer, header, proxies), expected)
    })
  }
})

for (const dialect of await dialectsUnderTest()) {
  describe(`accounts against an attacker on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('V6.6.1/V6.6.3: a session with only the password cannot enrol, confirm or read anything when the account has a second factor', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { clock, ctx, app, coordinator } = await setUp(database)
        const thief = freshBrowser(app)
        const signedIn = await thief.signIn('ashbury', coordinator.email, PASSWORD)
        assert.equal(signedIn.body.secondFactor, 'verify')
        const enrol = await thief.json('POST', '/api/me/second-factor/enrol')
        assert.equal(enrol.status, 401, 'no new authenticator from a password alone')
        const confirm = await thief.json('POST', '/api/me/second-factor/confirm', {
          code: '123456',
        })
        assert.ok([401, 409].includes(confirm.status))
        assert.equal((await thief.json('GET', '/api/families')).status, 401)
        // The owner's authenticator still works.
        clock.advance(STEP)
        const owner = freshBrowser(app)
        await owner.signIn('ashbury', coordinator.email, PASSWORD)
        const passed = await owner.json('POST', '/api/auth/second-factor', {
          code: currentCode(coordinator.secret ?? '', ctx),
        })
        assert.equal(passed.status, 200)
      }))

    it('V7.2.4: the session token changes when the second factor completes', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { clock, ctx, app, coordinator } = await setUp(database)
        clock.advance(STEP)
        const browser = freshBrowser(app)
        await browser.signIn('ashbury', coordinator.email, PASSWORD)
        const before = browser.cookie
        assert.ok(before)
        const passed = await browser.json('POST', '/api/auth/second-factor', {
          code: currentCode(coordinator.secret ?? '', ctx),
        })
        assert.equal(passed.status, 200)
        assert.notEqual(browser.cookie, before)
        assert.equal((await browser.json('GET', '/api/families')).status, 200)
        const stale = new Client(app)
        stale.cookie = before
        assert.equal((await stale.json('GET', '/api/auth/session')).status, 401)
      }))

    it('V6.6.x/V7.5.1: replacing the authenticator or the recovery codes needs a full session and the current factor', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { clock, ctx, app, coordinator } = await setUp(database)
        const other = freshBrowser(app)
        clock.advance(STEP)
        await other.signIn('ashbury', coordinator.email, PASSWORD)
        await other.json('POST', '/api/auth/second-factor', {
          code: currentCode(coordinator.secret ?? '', ctx),
        })
        const client = coordinator.client
        const bare = await client.json<{ error: { code: string } }>(
          'POST',
          '/api/me/second-factor/enrol',
        )
        assert.equal(bare.status, 403)
        const wrong = await client.json('POST', '/api/me/second-factor/enrol', { code: '000000' })
        assert.equal(wrong.status, 401)
        assert.equal(
          (await client.json('POST', '/api/me/recovery-codes', { code: '000000' })).status,
          401,
        )
        clock.advance(STEP)
        const started = await client.json<{ secret: string }>(
          'POST',
          '/api/me/second-factor/enrol',
          { code: currentCode(coordinator.secret ?? '', ctx) },
        )
        assert.equal(started.status, 200)
        const replaced = await client.json<{ recoveryCodes: string[] }>(
          'POST',
          '/api/me/second-factor/confirm',
          { code: currentCode(started.body.secret, ctx) },
        )
        assert.equal(replaced.status, 200)
        assert.equal(replaced.body.recoveryCodes.length, 10)
        assert.equal((await client.json('GET', '/api/families')).status, 200, 'this session stays')
        assert.equal(
          (await other.json('GET', '/api/families')).status,
          401,
          'other sessions end when the authenticator changes',
        )
        clock.advance(STEP)
        const codes = await client.json<{ recoveryCodes: string[] }>(
          'POST',
          '/api/me/recovery-codes',
          { code: currentCode(started.body.secret, ctx) },
        )
        assert.equal(codes.status, 200)
        assert.notDeepEqual(codes.body.recoveryCodes, replaced.body.recoveryCodes)
        const types = await auditTypes(database)
        assert.equal(count(types, 'second_factor.replaced'), 1)
        assert.equal(count(types, 'recovery_codes.replaced'), 1)
      }))

    it('V6.4.x: an operator’s reset of a lost second factor is audited, ends every session, and the next sign-in sets up a new one', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, app, coordinator } = await setUp(database)
        assert.equal(await resetSecondFactor(ctx, coordinator.email), true)
        assert.equal(await resetSecondFactor(ctx, 'nobody@example.org'), false)
        assert.equal((await coordinator.client.json('GET', '/api/auth/session')).status, 401)
        const types = await auditTypes(database)
        // In the installation's log, and in the log of the one centre the account is in
        // (decision 0047: a host's reset is seen by the centre).
        assert.equal(count(types, 'second_factor.reset'), 2)
        const again = freshBrowser(app)
        assert.equal(
          (await again.signIn('ashbury', coordinator.email, PASSWORD)).body.secondFactor,
          'enrol',
        )
        const started = await again.json<{ secret: string }>('POST', '/api/me/second-factor/enrol')
        assert.equal(started.status, 200)
        const confirmed = await again.json('POST', '/api/me/second-factor/confirm', {
          code: currentCode(started.body.secret, ctx),
        })
        assert.equal(confirmed.status, 200)
        assert.equal((await again.json('GET', '/api/families')).status, 200)
      }))

    it('twenty at once: one invitation makes one account, one authenticator one set of recovery codes, one join one grant', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, app, centreId, coordinator } = await setUp(database)
        const token = tokenFromLink(
          (
            await inviteMember(ctx, operatorActor(centreId), {
              email: 'twenty@ashbury.example.org',
              roles: ['staff'],
            })
          ).link,
        )
        const accepts = await Promise.all(
          Array.from({ length: 20 }, () =>
            freshBrowser(app).json('POST', '/api/invitations/accept', {
              token,
              displayName: 'Twenty Times',
              password: PASSWORD,
            }),
          ),
        )
        const statuses = accepts.map((a) => a.status)
        assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','))
        assert.ok(
          statuses.every((s) => [201, 409, 410].includes(s)),
          statuses.join(','),
        )
        const accounts = await database.db
          .selectFrom('accounts')
          .select('id')
          .where('email', '=', 'twenty@ashbury.example.org')
          .execute()
        assert.equal(accounts.length, 1)

        // Staff see protected data: the first sign-in sets up an authenticator, confirmed
        // twenty times at once with the same right code.
        const staff = freshBrowser(app)
        await staff.signIn('ashbury', 'twenty@ashbury.example.org', PASSWORD)
        const started = await staff.json<{ secret: string }>('POST', '/api/me/second-factor/enrol')
        const code = currentCode(started.body.secret, ctx)
        const confirms = await Promise.all(
          Array.from({ length: 20 }, () =>
            staff.call('POST', '/api/me/second-factor/confirm', { code }),
          ),
        )
        const confirmed = confirms.map((r) => r.status)
        assert.equal(confirmed.filter((s) => s === 200).length, 1, confirmed.join(','))
        assert.ok(
          confirmed.every((s) => s < 500),
          confirmed.join(','),
        )
        const codes = await database.db
          .selectFrom('recovery_codes')
          .select('id')
          .where('account_id', '=', accounts[0]?.id ?? '')
          .execute()
        assert.equal(codes.length, 10)

        // An existing account joins another centre twenty times at once: one grant.
        const other = await createCentre(ctx, {
          name: 'Brackenford',
          slug: 'brackenford',
          coordinatorEmail: 'c@brackenford.example.org',
        })
        const join = tokenFromLink(
          (
            await inviteMember(ctx, operatorActor(other.centre.id), {
              email: coordinator.email,
              roles: ['chair'],
            })
          ).link,
        )
        const joins = await Promise.all(
          Array.from({ length: 20 }, () =>
            coordinator.client.call('POST', '/api/me/invitations/accept', { token: join }),
          ),
        )
        const joined = joins.map((r) => r.status)
        assert.equal(joined.filter((s) => s === 200).length, 1, joined.join(','))
        assert.ok(
          joined.every((s) => s === 200 || s === 410),
          joined.join(','),
        )
        assert.equal(count(await auditTypes(database), 'invitation.accepted'), 3)
      }))

    it('V6.3.8 V16.2.x: a centre’s log tells its coordinator nothing of an account elsewhere, nor which guess was right', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, app, centreId, coordinator } = await setUp(database)
        const other = await centreWithCoordinator(ctx, app, 'brackenford')
        const seen = async () => (await seenAll()).filter((e) => e.type.startsWith('sign_in.'))
        const seenAll = async () =>
          (
            await coordinator.client.json<{
              entries: { type: string; subjectId?: string | null; details?: unknown }[]
            }>('GET', '/api/audit')
          ).body.entries
        const before = (await seen()).length
        // Guessing an account that belongs only to the other centre, and one that does not exist.
        for (const [email, password] of [
          [other.coordinator.email, WRONG],
          [other.coordinator.email, PASSWORD],
          ['nobody@brackenford.example.org', WRONG],
        ] as const)
          assert.equal((await freshBrowser(app).signIn('ashbury', email, password)).status, 401)
        const after = await seen()
        assert.equal(after.length, before, 'nothing about them in this centre’s log')
        // A member's refused sign-ins are logged here, alike whether the password was right.
        await coordinator.client.json(
          'POST',
          '/api/members/' +
            (
              await invite(ctx, app, centreId, 'ashbury', 'stopme@ashbury.example.org', [
                'volunteer',
              ])
            ).accountId +
            '/disable',
        )
        await freshBrowser(app).signIn('ashbury', 'stopme@ashbury.example.org', WRONG)
        await freshBrowser(app).signIn('ashbury', 'stopme@ashbury.example.org', PASSWORD)
        const refusals = (await seen()).filter((e) => e.type === 'sign_in.failed').slice(-2)
        assert.equal(refusals.length, 2)
        assert.deepEqual(refusals[0]?.details, refusals[1]?.details)
      }))

    it('V6.3.1: a device token dies with the password it was issued under', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { app, ctx, centreId } = await setUp(database)
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        // A browser signed in once, its device cookie kept back.
        const kept = freshBrowser(app)
        assert.equal((await kept.signIn('ashbury', volunteer.email, PASSWORD)).status, 200)
        const newPassword = 'meadow lantern quartz'
        assert.equal(
          (
            await volunteer.client.json('POST', '/api/me/password', {
              currentPassword: PASSWORD,
              newPassword,
            })
          ).status,
          204,
        )
        for (let i = 0; i < 10; i += 1)
          await freshBrowser(app).signIn('ashbury', volunteer.email, WRONG)
        assert.equal(
          (await kept.signIn('ashbury', volunteer.email, newPassword)).status,
          429,
          'the old token no longer passes a locked account',
        )
        // A token issued under the new password does, for 180 days and no longer.
        const owner = freshBrowser(app)
        owner.deviceCookie = undefined
        await database.db.deleteFrom('auth_attempts').execute()
        assert.equal((await owner.signIn('ashbury', volunteer.email, newPassword)).status, 200)
        for (let i = 0; i < 10; i += 1)
          await freshBrowser(app).signIn('ashbury', volunteer.email, WRONG)
        assert.equal((await owner.signIn('ashbury', volunteer.email, newPassword)).status, 200)
      }))

    it('V6.6.3: a stolen password buys at most fifty second-factor guesses a day; the owner’s own browser still signs in', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { clock, ctx, app, coordinator } = await setUp(database)
        const statuses: number[] = []
        for (let round = 0; round < 6; round += 1) {
          const thief = freshBrowser(app)
          await thief.signIn('ashbury', coordinator.email, PASSWORD)
          for (let i = 0; i < 10; i += 1)
            statuses.push(
              (
                await thief.json('POST', '/api/auth/second-factor', {
                  code: String(200000 + round * 10 + i),
                })
              ).status,
            )
          clock.advance(5 * 60_000 + 1_000)
        }
        assert.equal(statuses.filter((s) => s === 401).length, 50, statuses.join(','))
        assert.deepEqual(new Set(statuses.slice(50)), new Set([429]))
        clock.advance(STEP)
        await coordinator.client.signIn('ashbury', coordinator.email, PASSWORD)
        const passed = await coordinator.client.json('POST', '/api/auth/second-factor', {
          code: currentCode(coordinator.secret ?? '', ctx),
        })
        assert.equal(passed.status, 200)
      }))

    it('V16.2.x: knocking on a locked door writes one audit entry per window, not one per knock', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { app } = await setUp(database)
        for (let i = 0; i < 80; i += 1)
          await freshBrowser(app).signIn('ashbury', 'anyone@example.org', WRONG)
        const types = await auditTypes(database)
        assert.equal(count(types, 'sign_in.failed'), 10)
        assert.equal(count(types, 'sign_in.throttled'), 1, 'seventy refusals, one entry')
      }))

    it('V2.2.1 V16.5.3: a broken multipart body on a form is refused with 400, never a 500', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { app } = await setUp(database)
        for (const path of ['/sign-in', '/password-reset', '/second-factor'])
          for (const [type, body] of [
            ['multipart/form-data; boundary=zz', '--zz\r\nbroken'],
            ['multipart/form-data', 'no boundary at all'],
          ] as const) {
            const response = await app.request(path, {
              method: 'POST',
              headers: { 'content-type': type, 'sec-fetch-site': 'same-origin' },
              body,
            })
            assert.ok(
              [400, 401].includes(response.status),
              `${path} ${type}: ${String(response.status)}`,
            )
          }
      }))

    it('V6.3.8: a coordinator’s invitation link tells its holder nothing of other centres; only the address’s owner finishes it', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, app, coordinator } = await setUp(database)
        const other = await centreWithCoordinator(ctx, app, 'brackenford')
        const linkFor = async (email: string) => {
          const made = await coordinator.client.json<{ link: string }>(
            'POST',
            '/api/members/invitations',
            { email, roles: ['staff'] },
          )
          assert.equal(made.status, 201)
          return tokenFromLink(made.body.link)
        }
        const elsewhere = await linkFor(other.coordinator.email)
        const nobody = await linkFor('new@ashbury.example.org')
        await drainOutbox(ctx)
        const logged = async () =>
          (
            await coordinator.client.json<{ entries: { type: string }[] }>('GET', '/api/audit')
          ).body.entries
            .map((e) => e.type)
            .filter((t) => t.startsWith('invitation.') || t.startsWith('account.'))
        const before = await logged()
        const outcomes = []
        for (const token of [elsewhere, nobody]) {
          const holder = freshBrowser(app)
          const answered = await holder.json('POST', '/api/invitations/accept', {
            token,
            displayName: 'Chosen By Holder',
            password: PASSWORD,
          })
          const again = await holder.json<{ error: { code: string; message: string } }>(
            'GET',
            `/api/invitations/${token}`,
          )
          outcomes.push([answered.status, answered.body, again.status, again.body.error.message])
        }
        assert.deepEqual(outcomes[0], outcomes[1], 'the same answers, and the same link after')
        const members = await coordinator.client.json<{ members: { email: string }[] }>(
          'GET',
          '/api/members',
        )
        for (const email of [other.coordinator.email, 'new@ashbury.example.org'])
          assert.ok(!members.body.members.some((m) => m.email === email), email)
        const after = await logged()
        for (const type of ['invitation.answered', 'account.created', 'invitation.accepted'])
          assert.equal(
            count(after, type) - count(before, type),
            type === 'invitation.answered' ? 2 : 0,
            type,
          )
        assert.equal(
          (await freshBrowser(app).signIn('ashbury', 'new@ashbury.example.org', PASSWORD)).status,
          401,
          'the holder’s password made nothing',
        )
        // Only the owners of the addresses can finish, from the links e-mailed to them.
        const mail = await waitForMessages(ctx, 2)
        const confirmation = (email: string) =>
          /invitation-confirmations\/([A-Za-z0-9_-]{43})/.exec(
            mail.find((m) => m.recipient === email)?.body ?? '',
          )?.[1] ?? ''
        const owner = freshBrowser(app)
        const fresh = confirmation('new@ashbury.example.org')
        assert.equal(
          (
            await owner.json<{ hasAccount: boolean }>(
              'GET',
              `/api/invitation-confirmations/${fresh}`,
            )
          ).body.hasAccount,
          false,
        )
        const made = await owner.json('POST', '/api/invitation-confirmations/accept', {
          token: fresh,
          displayName: 'New Staff',
          password: 'copper kettle window',
        })
        assert.deepEqual(made.body, { centre: 'ashbury', roles: ['staff'], newAccount: true })
        assert.equal(
          (
            await freshBrowser(app).signIn(
              'ashbury',
              'new@ashbury.example.org',
              'copper kettle window',
            )
          ).status,
          200,
        )
        const joining = confirmation(other.coordinator.email)
        assert.equal(
          (
            await freshBrowser(app).json('POST', '/api/invitation-confirmations/accept', {
              token: joining,
            })
          ).status,
          401,
          'an account joins only from its own full session',
        )
        const joined = await other.coordinator.client.json(
          'POST',
          '/api/invitation-confirmations/accept',
          {
            token: joining,
          },
        )
        assert.deepEqual(joined.body, { centre: 'ashbury', roles: ['staff'], newAccount: false })
      }))

    it('V6.3.8: on the pages, a coordinator’s invitation sends its confirmation, where the owner of the address sets up the account', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, app, coordinator } = await setUp(database)
        const made = await coordinator.client.json<{ link: string }>(
          'POST',
          '/api/members/invitations',
          { email: 'paged@ashbury.example.org', roles: ['volunteer'] },
        )
        const token = tokenFromLink(made.body.link)
        await drainOutbox(ctx)
        const holder = freshBrowser(app)
        const page = await getPage(holder, `/invitations/${token}`)
        assert.equal(page.status, 200)
        assert.ok(!page.text.includes('name="password"'), 'no password is chosen on the link')
        const sent = await postForm(holder, `/invitations/${token}`, {})
        assert.equal(sent.status, 200)
        assert.match(visibleText(sent.text), /e-mailed a link to the address/)
        const confirm =
          /invitation-confirmations\/([A-Za-z0-9_-]{43})/.exec(
            (await waitForMessages(ctx))[0]?.body ?? '',
          )?.[1] ?? ''
        const owner = freshBrowser(app)
        const form = await getPage(owner, `/invitation-confirmations/${confirm}`)
        assert.equal(form.status, 200)
        assert.ok(form.text.includes('name="password"'))
        const weak = await postForm(owner, `/invitation-confirmations/${confirm}`, {
          displayName: 'Paged Volunteer',
          password: '123456789012',
        })
        assert.equal(weak.status, 400, 'a breached password is refused beside the field')
        const done = await postForm(owner, `/invitation-confirmations/${confirm}`, {
          displayName: 'Paged Volunteer',
          password: 'copper kettle window',
        })
        assert.equal(done.status, 200)
        assert.match(visibleText(done.text), /Your account is set up/)
        assert.equal(
          (
            await freshBrowser(app).signIn(
              'ashbury',
              'paged@ashbury.example.org',
              'copper kettle window',
            )
          ).status,
          200,
        )
      }))

    it('SECURE V6.6.x: a policy that names volunteers among the roles with a second factor makes them sign in with one', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, app, centreId, coordinator } = await setUp(database)
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        assert.equal(
          (await freshBrowser(app).signIn('ashbury', volunteer.email, PASSWORD)).body.secondFactor,
          'none',
        )
        const current = await coordinator.client.json<{
          document: { version: number; parameters: { security: { secondFactorRoles: string[] } } }
        }>('GET', '/api/policy')
        const next = structuredClone(current.body.document)
        next.version += 1
        next.parameters.security.secondFactorRoles.push('volunteer')
        assert.equal(
          (await coordinator.client.json('POST', '/api/policy/versions', { document: next }))
            .status,
          201,
        )
        assert.equal(
          (await freshBrowser(app).signIn('ashbury', volunteer.email, PASSWORD)).body.secondFactor,
          'enrol',
          'the policy now says volunteers sign in with a second factor',
        )
      }))

    it('V6.3.1: twenty wrong passwords at once check at most ten; then the account is locked to unknown browsers but not to its owner’s', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { app, coordinator } = await setUp(database)
        const before = count(await auditTypes(database), 'sign_in.failed')
        const answers = await Promise.all(
          Array.from({ length: 20 }, () =>
            freshBrowser(app).signIn('ashbury', coordinator.email, WRONG),
          ),
        )
        const statuses = answers.map((a) => a.status)
        assert.equal(statuses.filter((s) => s === 401).length, 10, statuses.join(','))
        assert.equal(statuses.filter((s) => s === 429).length, 10)
        const types = await auditTypes(database)
        assert.equal(count(types, 'sign_in.failed') - before, 10, 'only ten were checked')
        // Even the right password is refused from a browser that never signed in...
        assert.equal(
          (await freshBrowser(app).signIn('ashbury', coordinator.email, PASSWORD)).status,
          429,
        )
        // ...but the owner's own browser (its device cookie) signs in.
        const owner = await coordinator.client.signIn('ashbury', coordinator.email, PASSWORD)
        assert.equal(owner.status, 200)
        assert.equal(owner.body.secondFactor, 'verify')
      }))

    it('V6.3.1: guessing from one address cannot stop a colleague’s correct sign-in from the same address', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { app, centreId, ctx, coordinator } = await setUp(database)
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        // In process every request comes from one source: the attacker sprays sixty accounts.
        for (let i = 0; i < 60; i += 1)
          await freshBrowser(app).signIn('ashbury', `guess${String(i)}@ashbury.example.org`, WRONG)
        assert.equal(
          (await freshBrowser(app).signIn('ashbury', 'another@ashbury.example.org', WRONG)).status,
          429,
          'the source is limited',
        )
        for (const person of [volunteer, coordinator]) {
          const again = await person.client.signIn('ashbury', person.email, PASSWORD)
          assert.equal(again.status, 200, `${person.email} signs in from their own browser`)
        }
      }))

    it('V6.3.1/V6.6.3: second-factor codes and the current password count towards the same limit as sign-in', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { app, coordinator } = await setUp(database)
        const thief = freshBrowser(app)
        await thief.signIn('ashbury', coordinator.email, PASSWORD)
        const codes: number[] = []
        for (let i = 0; i < 10; i += 1)
          codes.push(
            (await thief.json('POST', '/api/auth/second-factor', { code: String(100000 + i) }))
              .status,
          )
        assert.deepEqual(new Set(codes), new Set([401]))
        assert.equal(
          (await thief.json('POST', '/api/auth/second-factor', { code: '999999' })).status,
          429,
          'the eleventh code is not even checked',
        )
        assert.equal(
          (await freshBrowser(app).signIn('ashbury', coordinator.email, PASSWORD)).status,
          429,
          'the same account limit holds for passwords',
        )
        // Changing a password checks the current one under the owner's own limit.
        const changes: number[] = []
        for (let i = 0; i < 11; i += 1)
          changes.push(
            (
              await coordinator.client.json('POST', '/api/me/password', {
                currentPassword: WRONG,
                newPassword: 'meadow lantern quartz',
              })
            ).status,
          )
        assert.equal(changes.filter((s) => s === 400).length, 10)
        assert.equal(changes.at(-1), 429)
      }))

    it('V6.3.8: an existing account joins a centre only from a full session; the invitation says nothing of other centres', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, app, centreId, coordinator } = await setUp(database)
        const other = await createCentre(ctx, {
          name: 'Brackenford',
          slug: 'brackenford',
          coordinatorEmail: 'c@brackenford.example.org',
        })
        const invited = async (email: string) =>
          tokenFromLink(
            (await inviteMember(ctx, operatorActor(other.centre.id), { email, roles: ['staff'] }))
              .link,
          )
        const existing = await invited(coordinator.email)
        const fresh = await invited('new@brackenford.example.org')
        const described = [
          await freshBrowser(app).json('GET', `/api/invitations/${existing}`),
          await freshBrowser(app).json('GET', `/api/invitations/${fresh}`),
        ]
        for (const view of described) {
          assert.equal(view.status, 200)
          assert.deepEqual(Object.keys(view.body).sort(), [
            'centreName',
            'email',
            'expiresAt',
            'finishedByEmail',
            'roles',
          ])
        }
        await drainOutbox(ctx)
        // Guessing the owner's password through the invitation proves nothing: the link
        // answers as a new account's does, the first time and after.
        const accept = (token: string, password: string) =>
          freshBrowser(app).json('POST', '/api/invitations/accept', {
            token,
            displayName: 'Someone',
            password,
          })
        const onExisting = [
          await accept(existing, PASSWORD),
          await accept(existing, WRONG + ' too'),
        ]
        const onFresh = [await accept(fresh, PASSWORD), await accept(fresh, WRONG + ' too')]
        assert.equal(onFresh[0]?.status, 201)
        assert.equal(onFresh[1]?.status, 410)
        assert.deepEqual(
          onExisting.map((a) => [
            a.status,
            JSON.stringify(a.body).replace(/"requestId":"[^"]+"/, ''),
          ]),
          onFresh.map((a) => [a.status, JSON.stringify(a.body).replace(/"requestId":"[^"]+"/, '')]),
        )
        assert.equal(
          (await freshBrowser(app).signIn('brackenford', coordinator.email, PASSWORD)).status,
          401,
          'nothing was granted',
        )
        const told = await waitForMessages(ctx, 1)
        assert.ok(told.every((m) => m.recipient === coordinator.email))
        const noted = await database.db
          .selectFrom('audit_log')
          .select('centre_id')
          .where('type', '=', 'invitation.existing_account')
          .execute()
        assert.deepEqual(
          noted,
          [{ centre_id: null }],
          "no centre's log says an address has an account elsewhere",
        )
        assert.deepEqual(await drainOutbox(ctx), [], 'told once, however often the link is used')
        // A session that has passed only its password cannot join either.
        const halfway = freshBrowser(app)
        await halfway.signIn('ashbury', coordinator.email, PASSWORD)
        assert.equal(
          (await halfway.json('POST', '/api/me/invitations/accept', { token: existing })).status,
          401,
        )
        // Someone else's full session cannot take it.
        const stranger = await invite(ctx, app, centreId, 'ashbury', 's@ashbury.example.org', [
          'volunteer',
        ])
        assert.equal(
          (await stranger.client.json('POST', '/api/me/invitations/accept', { token: existing }))
            .status,
          403,
        )
        const joined = await coordinator.client.json('POST', '/api/me/invitations/accept', {
          token: existing,
        })
        assert.equal(joined.status, 200)
        assert.equal(
          (await coordinator.client.signIn('brackenford', coordinator.email, PASSWORD)).status,
          200,
        )
      }))

    it('V8.4.1: stopping a person’s access in one centre leaves their other centre alone', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, app, centreId, coordinator } = await setUp(database)
        const second = await centreWithCoordinator(ctx, app, 'brackenford')
        // One person, a volunteer at both centres.
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'both@example.org', [
          'volunteer',
        ])
        const link = tokenFromLink(
          (
            await inviteMember(ctx, operatorActor(second.centreId), {
              email: volunteer.email,
              roles: ['volunteer'],
            })
          ).link,
        )
        assert.equal(
          (await volunteer.client.json('POST', '/api/me/invitations/accept', { token: link }))
            .status,
          200,
        )
        const atB = freshBrowser(app)
        assert.equal((await atB.signIn('brackenford', volunteer.email, PASSWORD)).status, 200)
        const stopped = await coordinator.client.json(
          'POST',
          `/api/members/${volunteer.accountId}/disable`,
        )
        assert.ok(stopped.status < 300, String(stopped.status))
        assert.equal((await volunteer.client.json('GET', '/api/auth/session')).status, 401)
        assert.equal(
          (await freshBrowser(app).signIn('ashbury', volunteer.email, PASSWORD)).status,
          401,
        )
        assert.equal((await atB.json('GET', '/api/auth/session')).status, 200, 'B session lives')
        assert.equal(
          (await freshBrowser(app).signIn('brackenford', volunteer.email, PASSWORD)).status,
          200,
        )
        const listedAtB = await second.coordinator.client.json<{
          members: { email: string; isDisabled: boolean }[]
        }>('GET', '/api/members')
        assert.equal(
          listedAtB.body.members.find((m) => m.email === volunteer.email)?.isDisabled,
          false,
        )
      }))

    it('V6.4.x/V6.3.8: reset requests are limited per address and per source, the same whether or not the address is known', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { app, coordinator } = await setUp(database)
        const ask = (email: string) =>
          freshBrowser(app).json('POST', '/api/auth/password-reset', { email })
        const known = [
          await ask(coordinator.email),
          await ask(coordinator.email),
          await ask(coordinator.email),
        ]
        const unknown = [
          await ask('nobody@ashbury.example.org'),
          await ask('nobody@ashbury.example.org'),
          await ask('nobody@ashbury.example.org'),
        ]
        for (const answer of [...known, ...unknown]) assert.deepEqual(answer, known[0])
        assert.equal((await ask(coordinator.email)).status, 429, 'a fourth for the same address')
        assert.equal((await ask('nobody@ashbury.example.org')).status, 429)
        const fromSource = []
        for (let i = 0; i < 6; i += 1)
          fromSource.push((await ask(`p${String(i)}@example.org`)).status)
        assert.deepEqual(fromSource, [202, 202, 202, 202, 429, 429], 'ten per source in all')
      }))
  })
}
