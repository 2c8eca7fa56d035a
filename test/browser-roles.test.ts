import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { operatorActor } from '../src/app/actor.ts'
import { createCentre } from '../src/app/centres.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { addRoom } from '../src/app/rooms.ts'
import { openHaven } from '../src/app/runtime.ts'
import { recordCheck } from '../src/app/workers.ts'
import { loadConfig } from '../src/config.ts'
import { ukDateTime } from '../src/domain/calendar.ts'
import { hotp, totpStep } from '../src/domain/totp.ts'
import { acceptAsNewAccount, base32Decode, tokenFromLink } from './support/accounts.ts'
import { axeViolations, browserSkip, describeViolations, launchBrowser } from './support/browser.ts'
import { serveHaven, type Served } from './support/processes.ts'

/**
 * Every role's journey through the pages in Debian's Chromium, one centre shared in order: a
 * referrer refers and asks for dates of attendance; the coordinator moves the referral on,
 * decides the disclosures, records consent, books a session and runs the centre; a volunteer
 * on a phone reports a concern and acknowledges the policy; a parent withdraws a consent and
 * asks for their data; the chair approves and reads the audit log; and the session-timeout
 * warning. axe-core checks every page at WCAG 2.2 AA; each journey includes its refusals.
 */
const PASSWORD = 'lantern orchard pebble'
const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 667 },
  isMobile: true,
  hasTouch: true,
}
const EMAILS = {
  coordinator: 'c@ashbury.example.org',
  volunteer: 'v@ashbury.example.org',
  chair: 'chair@ashbury.example.org',
  referrer: 'r@hollis.example.org',
  otherReferrer: 'r@marsh.example.org',
  mother: 'm@ashbury.example.org',
}

let dir = ''
let served: Served
let browser: Browser
const shared: {
  referralPath: string
  familyId: string
  secrets: Record<string, string>
  lastSteps: Record<string, number>
} = {
  referralPath: '',
  familyId: '',
  secrets: {},
  lastSteps: {},
}

/**
 * A code for a step the server has not seen used: it takes one step ahead of now and never a
 * step twice, so a third sign-in within a step waits for the clock to move on.
 */
async function freshCode(email: string): Promise<string> {
  const last = shared.lastSteps[email] ?? -1
  while (totpStep(Date.now()) + 1 <= last) await new Promise((resolve) => setTimeout(resolve, 500))
  const step = Math.max(totpStep(Date.now()), last + 1)
  shared.lastSteps[email] = step
  return hotp(base32Decode(shared.secrets[email] ?? ''), step)
}

before(async () => {
  if (browserSkip() !== undefined) return
  dir = mkdtempSync(path.join(tmpdir(), 'haven-roles-'))
  const haven = await openHaven(loadConfig({ HAVEN_DATA_DIR: dir }, process.cwd()))
  try {
    const { ctx } = haven
    const { centre, invitation } = await createCentre(ctx, {
      name: 'Ashbury',
      slug: 'ashbury',
      coordinatorEmail: EMAILS.coordinator,
    })
    await acceptAsNewAccount(ctx, {
      token: tokenFromLink(invitation.link),
      displayName: 'Cass Coordinator',
      password: PASSWORD,
    })
    const operator = operatorActor(centre.id)
    const people: [string, string[], string, Record<string, string>][] = [
      [EMAILS.volunteer, ['volunteer'], 'Val Volunteer', {}],
      [EMAILS.chair, ['chair'], 'Chris Chair', {}],
      [
        EMAILS.referrer,
        ['referrer'],
        'Rae Referrer',
        { agencyKind: 'solicitor', agencyName: 'Hollis & Co Solicitors' },
      ],
      [
        EMAILS.otherReferrer,
        ['referrer'],
        'Rob Referrer',
        { agencyKind: 'solicitor', agencyName: 'Marsh Family Law' },
      ],
      [EMAILS.mother, ['parent'], 'Tamsin Carrow', {}],
    ]
    for (const [email, roles, displayName, extra] of people) {
      const sent = await inviteMember(ctx, operator, { email, roles, ...extra })
      const acceptedId = await acceptAsNewAccount(ctx, {
        token: tokenFromLink(sent.link),
        displayName,
        password: PASSWORD,
      })
      if (roles.includes('volunteer'))
        await recordCheck(ctx, operator, {
          accountId: acceptedId,
          kind: 'dbs',
          level: 'enhanced',
          issuedOn: '2025-01-01',
          renewalDueOn: '2099-01-01',
          outcome: 'clear',
        })
    }
    await addRoom(ctx, operator, 'Willow Room')
  } finally {
    await haven.close()
  }
  served = await serveHaven({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' })
  browser = await launchBrowser()
})

after(async () => {
  if (dir === '') return
  await browser.close()
  await served.stop()
  rmSync(dir, { recursive: true, force: true })
})

const url = (p: string) => new URL(p, served.url).toString()

async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page)
  assert.deepEqual(violations, [], `${what}:\n${describeViolations(violations)}`)
}

/** Opens a page, checks its status and accessibility, and returns it for more checks. */
async function visit(page: Page, p: string, what: string, status = 200): Promise<void> {
  const response = await page.goto(url(p))
  assert.equal(response?.status(), status, `${what}: ${p}`)
  await assertAccessible(page, what)
}

/** Signs in; a role that needs a second factor sets it up (the first time) or gives a code. */
async function signIn(email: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  page.on('pageerror', (error) => assert.fail(`script error: ${error.message}`))
  await page.goto(url('/sign-in'))
  await page.fill('#centre', 'ashbury')
  await page.fill('#email', email)
  await page.fill('#password', PASSWORD)
  await page.click('main button[type=submit]')
  await page.waitForURL((u) => u.pathname !== '/sign-in')
  if (page.url().endsWith('/second-factor/set-up')) {
    shared.secrets[email] = (await page.textContent('code.secret'))?.replaceAll(/\s/g, '') ?? ''
    await page.fill('#code', await freshCode(email))
    await page.click('main button[type=submit]')
    await page.waitForLoadState()
  } else if (page.url().includes('/second-factor')) {
    await page.fill('#code', await freshCode(email))
    await page.click('main button[type=submit]')
    await page.waitForLoadState()
  }
  assert.equal(
    await page.locator('.error-summary, .govuk-error-summary').count(),
    0,
    `${email} signed in without a problem (${page.url()})`,
  )
  return page
}

/** Submits the form holding a button, and waits for the page that answers. */
async function press(page: Page, button: string): Promise<void> {
  await Promise.all([
    page.waitForLoadState(),
    page.locator('main').getByRole('button', { name: button }).first().click(),
  ])
  await page.waitForLoadState()
}

describe('every role in a real browser', { skip: browserSkip(), timeout: 300_000 }, () => {
  it('a referrer makes a referral through the form, follows it and asks for dates of attendance; another agency reaches nothing', async () => {
    const page = await signIn(EMAILS.referrer)
    await visit(page, '/referrals', 'a referrer’s referrals')
    await page.click('text=Make a referral')
    await assertAccessible(page, 'the referral form')
    await press(page, 'Send the referral')
    assert.ok(
      await page.isVisible('.govuk-error-summary'),
      'an empty form is refused with a summary',
    )
    assert.ok(await page.isVisible('#rp_given-error'), 'and the error beside the field')
    await assertAccessible(page, 'the referral form with an error')
    await page.fill('#rp_given', 'Tamsin')
    await page.fill('#rp_family', 'Carrow')
    await page.fill('#rp_relationship', 'mother')
    await page.check('#rp_pr')
    await page.fill('#rp_address', '3 Quillet Row, Q2 4ZZ')
    await page.fill('#nrp_given', 'Jory')
    await page.fill('#nrp_family', 'Penhallow')
    await page.check('#nrp_pr')
    await page.fill('#child1_given', 'Demelza')
    await page.fill('#child1_family', 'Penhallow')
    await page.fill('#child1_dob', '2020-08-14')
    await page.check('#separation')
    await press(page, 'Send the referral')
    assert.match(page.url(), /\/referrals\/[0-9a-f-]{36}\?done=received$/)
    assert.ok(await page.isVisible('text=Referral sent'))
    await assertAccessible(page, 'a referral sent')
    shared.referralPath = new URL(page.url()).pathname
    const text = (await page.textContent('main')) ?? ''
    assert.ok(!text.includes('Quillet') && !text.includes('Carrow'), 'progress, not the record')

    await visit(page, '/disclosures/new', 'asking for dates of attendance')
    const option = page.locator('#familyId option').nth(1)
    await page.selectOption('#familyId', (await option.getAttribute('value')) ?? '')
    await page.check('#purpose')
    await press(page, 'Send the request')
    assert.ok(await page.isVisible('text=Waiting for the coordinator'))
    assert.ok(await page.isVisible('text=ATTEND'))
    await assertAccessible(page, 'a request waiting')

    const other = await signIn(EMAILS.otherReferrer)
    await visit(other, '/referrals', 'another agency’s referrals')
    assert.ok(await other.isVisible('text=No referrals yet.'))
    const refused = await other.goto(url(shared.referralPath))
    assert.equal(refused?.status(), 404, "another agency's referral is not found")
    await assertAccessible(other, 'a referral not found')
    const followedByHollis = await page.request.get(url(`/api${shared.referralPath}`))
    const { familyId } = (await followedByHollis.json()) as { familyId: string }
    const family = await other.goto(url(`/families/${familyId}`))
    assert.equal(family?.status(), 404, "another agency's family is not found")
    assert.ok(!((await other.textContent('main')) ?? '').includes('Carrow'))
    await other.context().close()
    await page.context().close()
  })

  it('the coordinator moves the referral on, decides the disclosures by clause, records consent, books a session and runs the centre', async () => {
    const page = await signIn(EMAILS.coordinator)
    await visit(page, '/referrals', 'the referrals inbox')
    await page.click('main table a')
    await assertAccessible(page, 'a referral')
    for (const to of ['Pre-visits', 'Risk assessed', 'Accepted']) {
      await page.getByLabel(to, { exact: true }).check()
      await press(page, 'Move on')
      assert.ok(await page.isVisible('text=The referral has moved on.'), to)
    }
    await page.click('text=Open the family record')
    shared.familyId = new URL(page.url()).pathname.split('/')[2] ?? ''
    await assertAccessible(page, "the family's record")

    await visit(page, '/disclosures', 'the disclosure register')
    await page.click('main table a')
    assert.ok(await page.isVisible('text=The policy allows this once the coordinator confirms it.'))
    await assertAccessible(page, 'a disclosure decision')
    await press(page, 'Confirm and release')
    assert.ok(await page.isVisible('text=Released. The register records what left'))
    assert.equal(await page.locator('a[href$="/statement.pdf"]').count(), 1)

    await visit(page, `/disclosures/new?familyId=${shared.familyId}`, 'recording a request')
    await page.getByLabel('Contact details (address and phone)').check()
    const mother = page.locator('#personId option', { hasText: 'Tamsin' })
    await page.selectOption('#personId', (await mother.getAttribute('value')) ?? '')
    await page.getByLabel('Another purpose').check()
    await page.selectOption('#recipientKind', 'former_partner')
    await page.fill('#recipientName', 'Jory Penhallow')
    await press(page, 'Record and decide')
    assert.ok(await page.isVisible('text=Refused by the policy'))
    assert.ok(await page.isVisible("text=A parent's address and telephone number go to no one"))
    assert.ok(!((await page.textContent('main')) ?? '').includes('Quillet'), 'nothing leaves')
    await assertAccessible(page, 'a refusal by clause')

    await visit(page, `/families/${shared.familyId}/consents`, "a family's consents")
    await page.selectOption('#personId', (await mother.getAttribute('value')) ?? '')
    await page.getByLabel('Contact details (address and phone)').check()
    await page.selectOption('#recipientKind', 'other_person')
    await page.fill('#recipientName', 'Dr Quenby')
    await page.getByLabel('Another purpose').check()
    await page.getByLabel('In writing').check()
    await press(page, 'Record the consent')
    assert.ok(await page.isVisible('text=Consent recorded.'))
    await assertAccessible(page, 'a consent recorded')

    // Link the mother's account to her record, from people and access.
    await page.goto(url(`/families/${shared.familyId}`))
    const reference = ((await page.textContent('main h1')) ?? '').trim()
    await visit(page, '/centre/people', 'people and access')
    await page.click('main table a:has-text("Tamsin Carrow")')
    await assertAccessible(page, 'a person and their access')
    await page.fill('#reference', reference)
    await page.getByLabel('The parent the children live with').check()
    await press(page, 'Link their account')
    assert.ok(await page.isVisible('text=Linked: they now see their own record.'))

    const today = ukDateTime(new Date()).slice(0, 10)
    await visit(page, `/sessions/new?familyId=${shared.familyId}`, 'booking a session')
    await page.selectOption('#roomId', { label: 'Willow Room' })
    await page.fill('#date', today)
    await page.fill('#startsAt', '10:00')
    await page.fill('#endsAt', '12:00')
    await press(page, 'Book the session')
    assert.ok(await page.isVisible('text=Session booked.'))
    assert.ok(await page.isVisible('text=The parents must not meet'))
    assert.equal(await page.locator('.haven-timeline__item').count(), 6, 'the plan as a timeline')
    await assertAccessible(page, 'a session and its plan')
    await page.selectOption('#accountId', { label: 'Val Volunteer' })
    await press(page, 'Assign')
    assert.ok(await page.isVisible('text=Worker assigned.'))

    await visit(page, '/today', 'the day')
    assert.ok(await page.isVisible('text=On duty: Val Volunteer'))
    await visit(page, '/sessions', 'the week')
    for (const p of [
      '/centre',
      '/centre/workers',
      '/centre/subject-access',
      '/centre/disposals',
      '/centre/audit',
    ])
      await visit(page, p, `the centre: ${p}`)
    await visit(page, '/policy', 'the policy, for its editor')
    await page.click('text=Change the policy')
    await assertAccessible(page, 'changing the policy')
    await page.fill('#retention-years', '4')
    await press(page, 'Check your changes')
    assert.ok(await page.isVisible('text=Decisions that change'))
    await assertAccessible(page, 'checking the changes to the policy')
    await page.context().close()
  })

  it('every page of the coordinator’s week fits a phone: nothing scrolls sideways at 375 px', async () => {
    const page = await signIn(EMAILS.coordinator, PHONE)
    const wide: string[] = []
    for (const p of [
      '/today',
      '/referrals',
      shared.referralPath,
      '/families',
      `/families/${shared.familyId}`,
      `/families/${shared.familyId}/consents`,
      `/families/${shared.familyId}/legal-hold`,
      '/sessions',
      '/sessions/month',
      '/sessions/day-sheet',
      `/sessions/new?familyId=${shared.familyId}`,
      '/disclosures',
      '/approvals',
      '/records',
      '/centre',
      '/centre/people',
      '/centre/workers',
      '/centre/subject-access',
      '/centre/disposals',
      '/centre/statistics',
      '/centre/import',
      '/centre/audit',
      '/policy',
    ]) {
      const response = await page.goto(url(p))
      assert.equal(response?.status(), 200, p)
      const width = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
            .document.documentElement.scrollWidth,
      )
      if (width > 375) wide.push(`${p}: ${String(width)} px`)
    }
    assert.deepEqual(wide, [], 'pages wider than the phone')
    await page.context().close()
  })

  it('a volunteer on a phone reports a concern, asks a question and acknowledges the policy; the coordinator’s pages are refused', async () => {
    const page = await signIn(EMAILS.volunteer, PHONE)
    await visit(page, '/my-sessions', 'my sessions on a phone')
    assert.ok(await page.isVisible('text=The parents must not meet'))
    await page.click('text=Record an incident, raise a concern or ask the coordinator')
    await assertAccessible(page, 'reporting on a phone')
    await page.getByLabel(/A safeguarding concern/).check()
    await press(page, 'Send')
    assert.ok(await page.isVisible('#summary-error'))
    await assertAccessible(page, 'a report with an error, on a phone')
    await page.fill('#summary', 'The child said something worrying at handover.')
    await press(page, 'Send')
    assert.ok(await page.isVisible('text=Those who must know have been told'))
    await page.getByLabel(/A question for the coordinator/).check()
    await page.fill('#summary', 'May a grandparent join next week?')
    await press(page, 'Send')
    assert.ok(await page.isVisible('text=Sent to the coordinator'))

    await visit(page, '/policy', 'the policy on a phone')
    await press(page, 'I have read and will follow this policy')
    assert.ok(await page.isVisible('text=your acknowledgement is recorded'))
    await assertAccessible(page, 'the policy acknowledged, on a phone')
    const width = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
          .document.documentElement.scrollWidth,
    )
    assert.ok(width <= 375, `nothing wider than the phone (${String(width)} px)`)
    for (const p of ['/today', '/sessions', '/centre', '/approvals'])
      await visit(page, p, `refused to a volunteer: ${p}`, 403)
    await page.context().close()
  })

  it('a parent sees and withdraws a consent and asks for their data; the other parent’s details and the centre’s pages stay closed', async () => {
    const page = await signIn(EMAILS.mother)
    await visit(page, '/my-information', 'a parent’s own information')
    assert.ok(await page.isVisible('text=Dr Quenby'))
    await press(page, 'Withdraw')
    assert.ok(await page.isVisible('text=Consent withdrawn.'))
    await press(page, 'Ask for a copy')
    assert.ok(await page.isVisible('text=Request sent.'))
    await assertAccessible(page, 'a request sent')
    const text = (await page.textContent('main')) ?? ''
    assert.ok(!text.includes('Penhallow'), 'nothing of the other parent')
    await visit(page, '/policy', 'the policy, for a parent')
    for (const p of ['/today', '/disclosures', '/centre'])
      await visit(page, p, `refused to a parent: ${p}`, 403)
    await page.context().close()
  })

  it('the chair sees approvals, check results and the audit log with its checkpoints', async () => {
    const page = await signIn(EMAILS.chair)
    await visit(page, '/approvals', 'the approvals')
    await visit(page, '/centre/workers', 'check results, for the chair')
    assert.ok(await page.isVisible('text=DBS enhanced, clear'))
    await visit(page, '/centre/audit', 'the audit log')
    assert.ok(await page.isVisible('text=policy.acknowledged'))
    await visit(page, '/disclosures', 'the register, for the chair')
    await page.context().close()
  })

  it('works without JavaScript: a volunteer reports from a phone and the coordinator moves a request on, the menu open', async () => {
    const page = await signIn(EMAILS.volunteer, { ...PHONE, javaScriptEnabled: false })
    // axe itself needs scripts, so these pages are checked by it in the journeys above.
    assert.equal((await page.goto(url('/my-sessions')))?.status(), 200)
    assert.ok(await page.isVisible('#navigation'), 'the menu is a plain list')
    await page.goto(url('/report'))
    await page.getByLabel(/An incident/).check()
    await page.fill('#summary', 'A door was left open during handover.')
    await press(page, 'Send')
    assert.ok(await page.isVisible('text=Those who must know have been told'))
    await page.context().close()

    const coordinator = await signIn(EMAILS.coordinator, { javaScriptEnabled: false })
    assert.equal((await coordinator.goto(url('/centre/subject-access')))?.status(), 200)
    await coordinator.click('main table a')
    await press(coordinator, 'Asked for clarification: stop the clock')
    assert.ok(await coordinator.isVisible('text=Request updated.'))
    assert.ok(await coordinator.isVisible('text=(still stopped)'))
    await coordinator.context().close()
  })

  it('warns before the session times out, keeps it on asking, and signs out at the end', async () => {
    const page = await signIn(EMAILS.coordinator)
    await page.clock.install()
    await page.goto(url('/today'))
    assert.equal(await page.isVisible('#haven-timeout'), false, 'no warning at first')
    await page.clock.fastForward('13:30')
    await page.waitForSelector('#haven-timeout[open]')
    assert.match((await page.textContent('#haven-timeout')) ?? '', /signed out in 2 minutes/)
    await assertAccessible(page, 'the timeout warning')
    await page.getByRole('button', { name: 'Stay signed in' }).click()
    await page.waitForSelector('#haven-timeout', { state: 'hidden' })
    await page.clock.fastForward('16:00')
    await page.waitForURL(/\/sign-in\?timeout=1$/)
    assert.ok(await page.isVisible('text=You were signed out after 15 minutes without activity'))
    await page.context().close()
  })
})
