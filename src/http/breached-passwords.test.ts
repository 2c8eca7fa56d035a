import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  centreWithCoordinator,
  Client,
  drainOutbox,
  PASSWORD,
  testApp,
  tokenFromLink,
  waitForMessages,
} from '../../test/support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { postForm, visibleText } from '../../test/support/pages.ts'
import { createCentre } from '../app/centres.ts'

/** Breached passwords of 12 characters or more: the old rule let these through. */
const BREACHED = ['password1234', '123456789012', 'iloveyou1234']
const SAYS_STOLEN = /appears in lists of passwords stolen from other websites; choose another/

for (const dialect of await dialectsUnderTest()) {
  describe(`breached passwords on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('V6.2.12 refuses a breached password of 12+ characters when accepting an invitation', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const client = new Client(app)
        const { invitation } = await createCentre(ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'coordinator@ashbury.example.org',
        })
        const token = tokenFromLink(invitation.link)
        for (const password of BREACHED) {
          const refused = await client.json<{
            error: { code: string; field: string; message: string }
          }>('POST', '/api/invitations/accept', { token, displayName: 'Ivy Hollis', password })
          assert.equal(refused.status, 400, password)
          assert.equal(refused.body.error.code, 'invalid_input')
          assert.equal(refused.body.error.field, 'password')
          assert.match(refused.body.error.message, SAYS_STOLEN)
        }
        const page = await postForm(client, `/invitations/${token}`, {
          displayName: 'Ivy Hollis',
          password: 'password1234',
        })
        assert.equal(page.status, 400)
        assert.match(visibleText(page.text), SAYS_STOLEN)
        assert.equal((await database.db.selectFrom('accounts').select('id').execute()).length, 0)

        const accepted = await client.json('POST', '/api/invitations/accept', {
          token,
          displayName: 'Ivy Hollis',
          password: PASSWORD,
        })
        assert.equal(accepted.status, 201, 'the invitation is still usable')
      }))

    it('V6.2.12 refuses a breached password of 12+ characters when completing a reset', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        await drainOutbox(ctx)
        const client = new Client(app)
        await client.json('POST', '/api/auth/password-reset', { email: coordinator.email })
        const token =
          /password-reset\/([A-Za-z0-9_-]{43})/.exec(
            (await waitForMessages(ctx))[0]?.body ?? '',
          )?.[1] ?? ''
        assert.notEqual(token, '')
        for (const password of BREACHED) {
          const refused = await client.json<{
            error: { code: string; field: string; message: string }
          }>('POST', '/api/auth/password-reset/complete', { token, password })
          assert.equal(refused.status, 400, password)
          assert.equal(refused.body.error.code, 'invalid_input')
          assert.equal(refused.body.error.field, 'password')
          assert.match(refused.body.error.message, SAYS_STOLEN)
        }
        const page = await postForm(client, `/password-reset/${token}`, {
          password: '123456789012',
        })
        assert.equal(page.status, 400)
        assert.match(visibleText(page.text), SAYS_STOLEN)

        const signedIn = await client.signIn('ashbury', coordinator.email, PASSWORD)
        assert.equal(signedIn.status, 200, 'the old password still works: nothing was changed')
        const completed = await client.json('POST', '/api/auth/password-reset/complete', {
          token,
          password: 'kettle marigold harbour',
        })
        assert.equal(completed.status, 200, 'the link is still usable')
      }))
  })
}
