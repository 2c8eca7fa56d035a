import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  centreWithCoordinator,
  Client,
  invite,
  PASSWORD,
  testApp,
} from '../../test/support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(`managing people on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('lets a coordinator invite, list, change roles, and keep at least one coordinator', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
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
        const listed = await coordinator.client.json<{
          members: { email: string; roles: string[]; hasSecondFactor: boolean }[]
        }>('GET', '/api/members')
        assert.deepEqual(
          listed.body.members.map((m) => [m.email, m.roles, m.hasSecondFactor]).sort(),
          [
            ['coordinator@ashbury.example.org', ['coordinator'], true],
            ['volunteer@ashbury.example.org', ['volunteer'], false],
          ],
        )
        const changed = await coordinator.client.json(
          'PUT',
          `/api/members/${volunteer.accountId}/roles`,
          { roles: ['volunteer', 'staff'] },
        )
        assert.deepEqual(changed.body, { roles: ['volunteer', 'staff'] })
        assert.equal(
          (await volunteer.client.json('GET', '/api/auth/session')).status,
          401,
          'a role change ends their sessions',
        )
        const staffSignIn = await volunteer.client.signIn('ashbury', volunteer.email, PASSWORD)
        assert.equal(staffSignIn.body.secondFactor, 'enrol', 'staff must now use a second factor')
        const lastCoordinator = await coordinator.client.json<{ error: { code: string } }>(
          'PUT',
          `/api/members/${coordinator.accountId}/roles`,
          { roles: ['staff'] },
        )
        assert.equal(lastCoordinator.status, 409)
        const referrerByRoleChange = await coordinator.client.json(
          'PUT',
          `/api/members/${volunteer.accountId}/roles`,
          { roles: ['referrer'] },
        )
        assert.equal(referrerByRoleChange.status, 400)
      }))

    it('refuses people management to every role but the coordinator', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        for (const role of ['volunteer', 'referrer', 'parent', 'staff', 'chair', 'management']) {
          const person = await invite(
            ctx,
            app,
            centreId,
            'ashbury',
            `${role}@ashbury.example.org`,
            [role],
          )
          const calls: [string, string, unknown][] = [
            ['GET', '/api/members', undefined],
            [
              'POST',
              '/api/members/invitations',
              { email: 'x@ashbury.example.org', roles: ['volunteer'] },
            ],
            ['PUT', `/api/members/${coordinator.accountId}/roles`, { roles: ['volunteer'] }],
            ['POST', `/api/members/${coordinator.accountId}/disable`, undefined],
            ['POST', `/api/members/${coordinator.accountId}/sessions/end`, undefined],
            ['POST', '/api/sessions/end-all', undefined],
            ['PUT', '/api/centre/second-factor', { requiredForAll: true }],
          ]
          for (const [method, path, body] of calls) {
            const response = await person.client.call(method, path, body)
            assert.ok(
              [401, 403].includes(response.status),
              `${role} ${method} ${path} → ${response.status}`,
            )
          }
        }
        assert.equal((await coordinator.client.json('GET', '/api/auth/session')).status, 200)
      }))

    it("ends a disabled person's sessions at once, and refuses their sign-in like any other", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
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
        assert.equal(
          (await coordinator.client.call('POST', `/api/members/${volunteer.accountId}/disable`))
            .status,
          204,
        )
        assert.equal((await volunteer.client.json('GET', '/api/auth/session')).status, 401)
        const again = await new Client(app).signIn('ashbury', volunteer.email, PASSWORD)
        assert.equal(again.status, 401)
        assert.equal(
          (await coordinator.client.call('POST', `/api/members/${coordinator.accountId}/disable`))
            .status,
          409,
        )
        assert.equal(
          (await coordinator.client.call('POST', `/api/members/${volunteer.accountId}/enable`))
            .status,
          204,
        )
        assert.equal(
          (await new Client(app).signIn('ashbury', volunteer.email, PASSWORD)).status,
          200,
        )
      }))

    it("ends one person's sessions, or everyone's but the coordinator's own", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const a = await invite(ctx, app, centreId, 'ashbury', 'a@ashbury.example.org', [
          'volunteer',
        ])
        const b = await invite(ctx, app, centreId, 'ashbury', 'b@ashbury.example.org', ['parent'])
        const one = await coordinator.client.json(
          'POST',
          `/api/members/${a.accountId}/sessions/end`,
        )
        assert.deepEqual(one.body, { ended: 1 })
        assert.equal((await a.client.json('GET', '/api/auth/session')).status, 401)
        assert.equal((await b.client.json('GET', '/api/auth/session')).status, 200)
        await a.client.signIn('ashbury', a.email, PASSWORD)
        const all = await coordinator.client.json('POST', '/api/sessions/end-all')
        assert.deepEqual(all.body, { ended: 2 })
        for (const person of [a, b])
          assert.equal((await person.client.json('GET', '/api/auth/session')).status, 401)
        assert.equal((await coordinator.client.json('GET', '/api/auth/session')).status, 200)
      }))

    it("changes one's own password with the current one, ending every session", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId } = await centreWithCoordinator(ctx, app, 'ashbury')
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        const other = new Client(app)
        await other.signIn('ashbury', volunteer.email, PASSWORD)
        const wrong = await volunteer.client.json<{ error: { field: string } }>(
          'POST',
          '/api/me/password',
          { currentPassword: 'not my password', newPassword: 'a brand new passphrase' },
        )
        assert.equal(wrong.status, 400)
        assert.equal(wrong.body.error.field, 'currentPassword')
        const weak = await volunteer.client.json<{ error: { field: string } }>(
          'POST',
          '/api/me/password',
          { currentPassword: PASSWORD, newPassword: 'qwerty123' },
        )
        assert.equal(weak.body.error.field, 'newPassword')
        assert.equal(
          (
            await volunteer.client.call('POST', '/api/me/password', {
              currentPassword: PASSWORD,
              newPassword: 'a brand new passphrase',
            })
          ).status,
          204,
        )
        assert.equal((await other.json('GET', '/api/auth/session')).status, 401)
        assert.equal(
          (await new Client(app).signIn('ashbury', volunteer.email, PASSWORD)).status,
          401,
        )
        assert.equal(
          (await new Client(app).signIn('ashbury', volunteer.email, 'a brand new passphrase'))
            .status,
          200,
        )
      }))

    it('can require a second factor of every role', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        assert.equal(
          (await new Client(app).signIn('ashbury', volunteer.email, PASSWORD)).body.secondFactor,
          'none',
        )
        assert.equal(
          (
            await coordinator.client.call('PUT', '/api/centre/second-factor', {
              requiredForAll: true,
            })
          ).status,
          200,
        )
        assert.equal(
          (await new Client(app).signIn('ashbury', volunteer.email, PASSWORD)).body.secondFactor,
          'enrol',
        )
      }))

    it('names the field of bad input, and writes nothing', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const client = coordinator.client
        const cases: [unknown, number, string | undefined][] = [
          ['{"email": ', 400, undefined],
          [{ email: 'v@ashbury.example.org' }, 400, 'body.roles'],
          [
            { email: 'v@ashbury.example.org', roles: ['volunteer'], admin: true },
            400,
            'body.admin',
          ],
          [{ email: 42, roles: ['volunteer'] }, 400, 'body.email'],
          [{ email: 'not-an-address', roles: ['volunteer'] }, 400, 'body.email'],
          [{ email: 'v@ashbury.example.org', roles: ['overlord'] }, 400, 'roles'],
          [{ email: 'v@ashbury.example.org', roles: ['referrer'] }, 400, 'agencyKind'],
          [{ email: 'x'.repeat(300), roles: ['volunteer'] }, 400, 'body.email'],
        ]
        for (const [body, status, field] of cases) {
          const response = await client.json<{ error: { field?: string } }>(
            'POST',
            '/api/members/invitations',
            body,
          )
          assert.equal(response.status, status, JSON.stringify(body))
          if (field) assert.equal(response.body.error.field, field, JSON.stringify(body))
        }
        const wrongType = await client.call('POST', '/api/members/invitations', 'email=x', {
          'content-type': 'application/x-www-form-urlencoded',
        })
        assert.equal(wrongType.status, 415)
        const badId = await client.json<{ error: { field: string } }>(
          'PUT',
          '/api/members/not-a-uuid/roles',
          { roles: ['staff'] },
        )
        assert.equal(badId.status, 400)
        assert.equal(badId.body.error.field, 'path.accountId')
        assert.equal((await database.db.selectFrom('invitations').select('id').execute()).length, 1)
      }))
  })
}
