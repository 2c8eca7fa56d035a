import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { policyParameters } from '../src/domain/policy/document.ts'
import { preset, PRESET_NAMES } from '../src/domain/policy/presets.ts'
import { documentFrom, fieldName, formOf, POLICY_FIELDS } from '../src/web/policy-form.ts'
import { centreWithCoordinator, invite, testApp } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText } from './support/pages.ts'

/**
 * Every parameter of the policy is set from the policy's page (REVIEW), GOV.UK style, with a
 * "check your changes" step that shows the new policy and the decisions that change before
 * anything is published; a policy that breaks a clause is refused beside its field.
 */

/** Every leaf of the parameters' schema, read from the schema. */
function leaves(shape: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`
    const inner = (child as { unwrap?: () => unknown }).unwrap?.() ?? child
    const nested = (inner as { shape?: Record<string, unknown> }).shape
    return nested ? leaves(nested, path) : [path]
  })
}

/** The values a browser would send from the page's settings form, as it is shown. */
function formShown(page: string): Record<string, string[]> {
  const form = /<form method="post" action="\/policy\/settings\/check"[\s\S]*?<\/form>/.exec(
    page,
  )?.[0]
  assert.ok(form, 'the page has the settings form')
  const out: Record<string, string[]> = {}
  for (const input of form.matchAll(/<input [^>]*>/g)) {
    const tag = input[0]
    const name = /name="([^"]+)"/.exec(tag)?.[1]
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? ''
    if (!name || name === '_csrf' || name === 'version') continue
    const type = /type="([^"]+)"/.exec(tag)?.[1]
    if ((type === 'checkbox' || type === 'radio') && !tag.includes(' checked')) continue
    out[name] = [...(out[name] ?? []), value]
  }
  return out
}

describe('the form over every parameter', () => {
  it('has a field for every parameter of the schema, and no other', () => {
    const paths = POLICY_FIELDS.flatMap((g) => g.fields.map((f) => f.path))
    assert.deepEqual([...paths].sort(), leaves(policyParameters.shape).sort())
  })

  it('reads back every preset exactly as it shows it', () => {
    for (const name of PRESET_NAMES) {
      const document = preset(name)
      const next = documentFrom(document, formOf(document))
      assert.ok(next.ok, name)
      assert.deepEqual(next.document, { ...document, version: document.version + 1 })
    }
  })
})

for (const dialect of await dialectsUnderTest()) {
  describe(`the policy's change page (${dialect.name})`, { skip: dialect.skip }, () => {
    it('changes any setting: checked, shown with the new policy and the decisions that change, then published', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
          'volunteer',
        ])
        const page = await getPage(coordinator.client, '/policy')
        assert.equal(page.status, 200)
        const shown = formShown(page.text)
        // GOV.UK patterns: checkboxes for role lists, radios for choices, number inputs.
        assert.match(
          page.text,
          /<input class="govuk-checkboxes__input" id="contactDetails-revealRoles" name="contactDetails-revealRoles" type="checkbox" value="coordinator" checked>/,
        )
        assert.match(page.text, /name="checks-before" type="radio" value="starting" checked/)
        assert.match(page.text, /name="retention-years" type="number" value="3"/)
        for (const group of POLICY_FIELDS)
          for (const field of group.fields)
            assert.ok(page.text.includes(`name="${fieldName(field.path)}"`), field.path)

        // An answer the form does not take, beside its field, what was typed kept.
        const bad = await postForm(coordinator.client, '/policy/settings/check', {
          version: '1',
          ...shown,
          'retention-years': 'three',
        })
        assert.equal(bad.status, 400)
        assert.match(bad.text, /<a href="#retention-years">Enter a whole number from 1 to 100<\/a>/)
        assert.match(bad.text, /value="three"/)
        assert.match(bad.text, /<details class="govuk-details" open>/)

        // A policy that breaks a clause: refused beside the field, naming the clause.
        const unsafe = await postForm(coordinator.client, '/policy/settings/check', {
          version: '1',
          ...shown,
          'contactDetails-revealRoles': ['coordinator', 'volunteer'],
        })
        assert.equal(unsafe.status, 400)
        assert.match(
          visibleText(unsafe.text),
          /Volunteers may never reveal a parent's contact details \(CONTACT\)/,
        )
        assert.match(unsafe.text, /<a href="#contactDetails-revealRoles">/)
        assert.match(unsafe.text, /id="contactDetails-revealRoles-error"/)
        assert.match(
          unsafe.text,
          /name="contactDetails-revealRoles" type="checkbox" value="volunteer" checked/,
          'the answers are kept',
        )
        const lax = await postForm(coordinator.client, '/policy/settings', {
          version: '1',
          ...shown,
          'checks-resultsVisibleTo': ['coordinator', 'parent'],
        })
        assert.equal(lax.status, 400, 'publishing checks again')
        assert.match(visibleText(lax.text), /Parents may never see workers' check results/)

        // Check your changes: what changes, the decisions, the new policy; nothing published.
        const changed = {
          version: '1',
          ...shown,
          'retention-years': '5',
          'checks-before': 'becoming_full_volunteer',
          'subjectAccess-childrenMayAskUntilAge': '25',
        }
        const check = await postForm(coordinator.client, '/policy/settings/check', changed)
        assert.equal(check.status, 200)
        const words = visibleText(check.text)
        assert.match(words, /Check your changes/)
        assert.match(words, /Years before unused information is destroyed: 3 → 5\./)
        assert.match(words, /When the check is needed: starting → becoming full volunteer\./)
        assert.match(words, /Family records unused for 4 years are destroyed allowed, once/)
        assert.match(
          words,
          /A volunteer whose standard DBS check is under way is put on a session with a checked worker refused allowed/,
        )
        assert.match(words, /has not been used for five years/, 'the new policy, rendered')
        assert.match(words, /Children may ask for their information up to the age of 25/)
        assert.match(words, /Publish version 2/)
        const still = await getPage(coordinator.client, '/policy')
        assert.match(visibleText(still.text), /Version 1, published/, 'nothing published yet')

        // Change your answers: back to the form with them.
        const back = await postForm(coordinator.client, '/policy/settings/edit', changed)
        assert.equal(back.status, 200)
        assert.match(back.text, /name="retention-years" type="number" value="5"/)

        const published = await postForm(coordinator.client, '/policy/settings', changed)
        assert.equal(published.status, 200)
        assert.match(visibleText(published.text), /Version 2 published/)
        assert.match(visibleText(published.text), /destroyed: 3 → 5/)
        const api = await coordinator.client.json<{
          document: { parameters: { retention: { years: number } } }
        }>('GET', '/api/policy')
        assert.equal(api.body.document.parameters.retention.years, 5)

        const stale = await postForm(coordinator.client, '/policy/settings', changed)
        assert.equal(stale.status, 409, 'a form from before version 2 is refused')

        const refused = await postForm(volunteer.client, '/policy/settings/check', {
          ...changed,
          version: '2',
        })
        assert.equal(refused.status, 403, 'a volunteer does not change the policy')
        assert.match(visibleText(refused.text), /REVIEW/)
      }))
  })
}
