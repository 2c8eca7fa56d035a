import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { NAME_MAX } from '../src/app/contracts/cases.ts'
import { centreWithCoordinator, testApp } from './support/accounts.ts'
import { referral } from './support/cases.ts'
import { TestClock, testContext, withMigratedDatabase } from './support/databases.ts'
import { postForm, visibleText } from './support/pages.ts'

/**
 * One contract per use case (decision 0026): the API and the page read a referral against the
 * same schema, so the same value is refused by both or accepted by both, to the character.
 * Limits are about input, not storage: SQLite is enough.
 */
const FORM = {
  rp_given: 'Tamsin',
  rp_family: 'Carrow',
  rp_relationship: 'mother',
  rp_pr: 'yes',
  nrp_given: 'Jory',
  nrp_family: 'Penhallow',
  nrp_relationship: 'father',
  nrp_pr: 'yes',
  child1_given: 'Demelza',
  child1_family: 'Penhallow',
  child1_dob: '2020-08-14',
  separation: 'yes',
}
const CHILD = { familyName: 'Penhallow', dateOfBirth: '2020-08-14' }

describe("a child's name, at the API and on the page", () => {
  it('is refused alike one character over the limit (and far over it), and accepted alike at it', () =>
    withMigratedDatabase('sqlite', async (database) => {
      const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
      const app = testApp(ctx)
      const { coordinator } = await centreWithCoordinator(ctx, app, 'alder')
      const api = (givenName: string) =>
        coordinator.client.json<{ error?: { field?: string; message: string } }>(
          'POST',
          '/api/referrals',
          referral({ children: [{ givenName, ...CHILD }] }),
        )
      const page = (givenName: string) =>
        postForm(coordinator.client, '/referrals', { ...FORM, child1_given: givenName })

      for (const length of [NAME_MAX + 1, 501]) {
        const name = 'E'.repeat(length)
        const refused = await api(name)
        assert.equal(refused.status, 400, `the API, ${String(length)} characters`)
        assert.equal(refused.body.error?.field, 'body.children.0.givenName')
        assert.equal(
          refused.body.error.message,
          `body.children.0.givenName: must be ${String(NAME_MAX)} characters or fewer`,
        )
        const shown = await page(name)
        assert.equal(shown.status, 400, `the page, ${String(length)} characters`)
        assert.match(
          shown.text,
          new RegExp(
            `<a href="#child1_given">Child 1&#39;s first name must be ${String(NAME_MAX)} characters or fewer</a>`,
          ),
          'the error summary links to the field, in words',
        )
        assert.match(shown.text, /id="child1_given-error"/, 'the message is beside the field')
      }

      const atLimit = 'E'.repeat(NAME_MAX)
      assert.equal((await api(atLimit)).status, 201, 'the API accepts a name at the limit')
      const sent = await page(atLimit)
      assert.equal(sent.status, 303, visibleText(sent.text).slice(0, 300))
      assert.match(sent.location ?? '', /^\/referrals\/[0-9a-f-]{36}\?done=received$/)
    }))

  it("is refused alike when a parent's email address is not one", () =>
    withMigratedDatabase('sqlite', async (database) => {
      const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
      const app = testApp(ctx)
      const { coordinator } = await centreWithCoordinator(ctx, app, 'alder')
      for (const email of ['name@example', 'not an address']) {
        const base = referral()
        const [mother, father] = base.parents
        const refused = await coordinator.client.json<{ error?: { field?: string } }>(
          'POST',
          '/api/referrals',
          { ...base, parents: [{ ...mother, contactDetails: { email } }, father] },
        )
        assert.equal(refused.status, 400, email)
        assert.equal(refused.body.error?.field, 'body.parents.0.contactDetails.email')
        const shown = await postForm(coordinator.client, '/referrals', { ...FORM, rp_email: email })
        assert.equal(shown.status, 400, email)
        assert.match(
          visibleText(shown.text),
          /The email address of the parent the children live with must be an email address like name@example.org/,
        )
        assert.match(shown.text, /id="rp_email-error"/)
      }
    }))
})
