import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { NAME_MAX } from '../src/app/contracts/cases.ts'
import { centreWithCoordinator, invite, testApp } from './support/accounts.ts'
import { referral } from './support/cases.ts'
import { TestClock, testContext, withMigratedDatabase } from './support/databases.ts'
import { postForm, visibleText, type PageResponse } from './support/pages.ts'

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
      // The page sends the family the API sent: said to be a new one, as the coordinator would
      // once asked (the question itself is tested in test/family-search.test.ts).
      const page = (givenName: string) =>
        postForm(coordinator.client, '/referrals', {
          ...FORM,
          child1_given: givenName,
          _new_family: 'yes',
        })

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

type ApiAnswer = { status: number; body: { error?: { field?: string; message: string } } }

/**
 * One limit of one form, at both edges: one over it is refused by the API (naming the field
 * and the contract's words) and by the page (the same words beside the form's field); at it,
 * both accept. `apiValue` and `pageValue` turn the value into what each edge is sent (a form
 * may split a value the API takes whole).
 */
async function refusedAlike(edge: {
  api: (value: string) => Promise<ApiAnswer>
  page: (value: string) => Promise<PageResponse>
  apiField: string
  pageField: string
  label: string
  message: string
  over: string
  atLimit: string
  pageOver?: string
  pageAtLimit?: string
  accepted: { api: number; page: number }
  /** Pages with an error summary link it to the field (the family page has none). */
  isLinked?: boolean
}): Promise<void> {
  const refused = await edge.api(edge.over)
  assert.equal(refused.status, 400, `the API refuses ${edge.apiField}`)
  assert.equal(refused.body.error?.field, `body.${edge.apiField}`)
  assert.equal(refused.body.error.message, `body.${edge.apiField}: ${edge.message}`)
  const shown = await edge.page(edge.pageOver ?? edge.over)
  assert.equal(shown.status, 400, `the page refuses ${edge.pageField}`)
  assert.ok(
    visibleText(shown.text).includes(`${edge.label} ${edge.message}`),
    `the page says "${edge.label} ${edge.message}": ${visibleText(shown.text).slice(0, 600)}`,
  )
  if (edge.isLinked !== false)
    assert.match(shown.text, new RegExp(`<a href="#${edge.pageField}">`), 'linked to its field')
  assert.match(shown.text, new RegExp(`id="${edge.pageField}-error"`), 'beside the field')

  const api = await edge.api(edge.atLimit)
  assert.equal(api.status, edge.accepted.api, JSON.stringify(api.body))
  const page = await edge.page(edge.pageAtLimit ?? edge.atLimit)
  assert.equal(page.status, edge.accepted.page, visibleText(page.text).slice(0, 600))
}

const over = (max: number) => 'E'.repeat(max + 1)
const atMost = (max: number) => 'E'.repeat(max)
const tooLong = (max: number) => `must be ${String(max)} characters or fewer`

/** A centre with a family whose referral is accepted, and the coordinator signed in. */
async function centreWithFamily(database: Parameters<typeof testContext>[0]) {
  const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
  const app = testApp(ctx)
  const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
  const made = await coordinator.client.json<{ familyId: string; referralId: string }>(
    'POST',
    '/api/referrals',
    referral(),
  )
  for (const [to, version] of [
    ['pre_visits', 1],
    ['risk_assessed', 2],
    ['accepted', 3],
  ] as const)
    assert.equal(
      (
        await coordinator.client.json('POST', `/api/referrals/${made.body.referralId}/status`, {
          to,
          version,
        })
      ).status,
      200,
    )
  const family = await coordinator.client.json<{ people: { id: string; kind: string }[] }>(
    'GET',
    `/api/families/${made.body.familyId}`,
  )
  const personOf = (kind: string) => family.body.people.find((p) => p.kind === kind)?.id ?? ''
  return { ctx, app, centreId, coordinator, familyId: made.body.familyId, personOf }
}

describe('every form that calls a use case reads its contract, as the API does (decision 0026)', () => {
  it('booking a session: the time is read as the contract reads it', () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator, familyId } = await centreWithFamily(database)
      const room = await coordinator.client.json<{ id: string }>('POST', '/api/rooms', {
        name: 'Willow Room',
      })
      const base = { familyId, roomId: room.body.id, kind: 'supported' }
      await refusedAlike({
        api: (startsAt) =>
          coordinator.client.json('POST', '/api/sessions', {
            ...base,
            startsAt,
            endsAt: '2026-03-21T12:00',
          }),
        page: (startsAt) =>
          postForm(coordinator.client, '/sessions', {
            ...base,
            date: '2026-03-28',
            startsAt,
            endsAt: '12:00',
          }),
        apiField: 'startsAt',
        pageField: 'startsAt',
        label: 'When it starts',
        message: 'must be a date and time, like 2026-03-14T10:30',
        over: '2026-03-21T10:00:00',
        pageOver: '10:00:00',
        atLimit: '2026-03-21T10:00',
        pageAtLimit: '10:00',
        accepted: { api: 201, page: 303 },
      })
    }))

  it('recording a request to disclose: its reason', () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator, familyId } = await centreWithFamily(database)
      await refusedAlike({
        api: (reason) =>
          coordinator.client.json('POST', '/api/disclosures', {
            familyId,
            category: 'attendance',
            purpose: 'family_proceedings',
            recipient: { kind: 'other_person', name: 'Tamsin Vosper' },
            reason,
          }),
        page: (reason) =>
          postForm(coordinator.client, '/disclosures', {
            familyId,
            category: 'attendance',
            purpose: 'family_proceedings',
            recipientKind: 'other_person',
            recipientName: 'Tamsin Vosper',
            reason,
          }),
        apiField: 'reason',
        pageField: 'reason',
        label: 'The reason',
        message: tooLong(2000),
        over: over(2000),
        atLimit: atMost(2000),
        accepted: { api: 201, page: 303 },
      })
    }))

  it("recording a consent: the recipient's name", () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator, familyId, personOf } = await centreWithFamily(database)
      const personId = personOf('resident_parent')
      const consent = {
        personId,
        category: 'contact_details',
        purpose: 'family_proceedings',
        evidence: 'written',
        givenOn: '2026-03-01',
      }
      await refusedAlike({
        api: (name) =>
          coordinator.client.json('POST', '/api/consents', {
            ...consent,
            recipient: { kind: 'other_person', name },
          }),
        page: (recipientName) =>
          postForm(coordinator.client, `/families/${familyId}/consents`, {
            ...consent,
            recipientKind: 'other_person',
            recipientName,
          }),
        apiField: 'recipient.name',
        pageField: 'recipientName',
        label: 'Their name',
        message: tooLong(200),
        over: over(200),
        atLimit: atMost(200),
        accepted: { api: 201, page: 303 },
      })
    }))

  it('reporting an incident and asking a question: what happened, and the question', () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator } = await centreWithFamily(database)
      await refusedAlike({
        api: (summary) =>
          coordinator.client.json('POST', '/api/incidents', {
            kind: 'incident',
            occurredAt: '2026-03-14T08:30',
            summary,
          }),
        page: (summary) =>
          postForm(coordinator.client, '/report', {
            kind: 'incident',
            occurredAt: '2026-03-14T08:30',
            summary,
          }),
        apiField: 'summary',
        pageField: 'summary',
        label: 'What happened',
        message: tooLong(4000),
        over: over(4000),
        atLimit: atMost(4000),
        accepted: { api: 201, page: 303 },
      })
      await refusedAlike({
        api: (question) => coordinator.client.json('POST', '/api/guidance', { question }),
        page: (summary) => postForm(coordinator.client, '/report', { kind: 'question', summary }),
        apiField: 'question',
        pageField: 'summary',
        label: 'Your question',
        message: tooLong(4000),
        over: over(4000),
        atLimit: atMost(4000),
        accepted: { api: 201, page: 303 },
      })
    }))

  it("answering a worker's question: the answer", () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator } = await centreWithFamily(database)
      const ask = async () =>
        (
          await coordinator.client.json<{ id: string }>('POST', '/api/guidance', {
            question: 'May a grandparent wait in the lobby?',
          })
        ).body.id
      const [byApi, byPage] = [await ask(), await ask()]
      await refusedAlike({
        api: (answer) =>
          coordinator.client.json('POST', `/api/guidance/${byApi}/answer`, { answer }),
        page: (answer) =>
          postForm(coordinator.client, `/records/questions/${byPage}/answer`, {
            [`answer-${byPage}`]: answer,
          }),
        apiField: 'answer',
        pageField: `answer-${byPage}`,
        label: 'The answer',
        message: tooLong(4000),
        over: over(4000),
        atLimit: atMost(4000),
        accepted: { api: 204, page: 303 },
      })
    }))

  it("recording a worker's check: the certificate number", () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { ctx, app, centreId, coordinator } = await centreWithFamily(database)
      const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
        'volunteer',
      ])
      const check = {
        kind: 'dbs',
        level: 'enhanced',
        outcome: 'clear',
        issuedOn: '2026-01-10',
        renewalDueOn: '2029-01-10',
      }
      await refusedAlike({
        api: (certificateReference) =>
          coordinator.client.json('POST', `/api/workers/${volunteer.accountId}/checks`, {
            ...check,
            certificateReference,
          }),
        page: (certificateReference) =>
          postForm(coordinator.client, '/centre/workers/checks', {
            ...check,
            accountId: volunteer.accountId,
            certificateReference,
          }),
        apiField: 'certificateReference',
        pageField: 'certificateReference',
        label: 'The certificate number',
        message: tooLong(40),
        over: over(40),
        atLimit: atMost(40),
        accepted: { api: 201, page: 303 },
      })
    }))

  it('moving a subject access request on: how identity was checked', () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator, personOf } = await centreWithFamily(database)
      const open = async (personId: string) =>
        (await coordinator.client.json<{ id: string }>('POST', '/api/subject-access', { personId }))
          .body.id
      const byApi = await open(personOf('resident_parent'))
      const byPage = await open(personOf('non_resident_parent'))
      await refusedAlike({
        api: (method) =>
          coordinator.client.json('POST', `/api/subject-access/${byApi}/events`, {
            version: 1,
            event: { kind: 'identity_verified', method },
          }),
        page: (method) =>
          postForm(coordinator.client, `/centre/subject-access/${byPage}/events`, {
            version: '1',
            kind: 'identity_verified',
            method,
          }),
        apiField: 'event.method',
        pageField: 'method',
        label: 'How identity was checked',
        message: tooLong(200),
        over: over(200),
        atLimit: atMost(200),
        accepted: { api: 200, page: 303 },
      })
    }))

  it("inviting a referrer: their agency's name", () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator } = await centreWithFamily(database)
      const referrer = { roles: ['referrer'], agencyKind: 'solicitor' }
      await refusedAlike({
        api: (agencyName) =>
          coordinator.client.json('POST', '/api/members/invitations', {
            ...referrer,
            email: 'r1@hollis.example.org',
            agencyName,
          }),
        page: (agencyName) =>
          postForm(coordinator.client, '/centre/people', {
            ...referrer,
            email: 'r2@hollis.example.org',
            agencyName,
          }),
        apiField: 'agencyName',
        pageField: 'agencyName',
        label: "The agency's name",
        message: tooLong(200),
        over: over(200),
        atLimit: atMost(200),
        accepted: { api: 201, page: 200 },
      })
    }))

  it('recording a review of the policy: its notes', () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator } = await centreWithFamily(database)
      await refusedAlike({
        api: (notes) => coordinator.client.json('POST', '/api/policy/reviews', { notes }),
        page: (notes) => postForm(coordinator.client, '/policy/review', { notes }),
        apiField: 'notes',
        pageField: 'notes',
        label: 'What the review found',
        message: tooLong(2000),
        over: over(2000),
        atLimit: atMost(2000),
        accepted: { api: 201, page: 303 },
      })
    }))

  it("revealing a parent's contact details: the reason", () =>
    withMigratedDatabase('sqlite', async (database) => {
      const { coordinator, familyId, personOf } = await centreWithFamily(database)
      const personId = personOf('resident_parent')
      await refusedAlike({
        api: (reason) =>
          coordinator.client.json('POST', `/api/people/${personId}/contact-details/reveal`, {
            reason,
          }),
        page: (reason) =>
          postForm(coordinator.client, `/families/${familyId}/people/${personId}/reveal`, {
            reason,
          }),
        apiField: 'reason',
        pageField: `reason-${personId}`,
        label: 'The reason',
        message: tooLong(500),
        over: over(500),
        atLimit: atMost(500),
        accepted: { api: 200, page: 200 },
        isLinked: false,
      })
    }))
})
