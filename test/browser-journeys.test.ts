import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { operatorActor } from '../src/app/actor.ts'
import { createCentre } from '../src/app/centres.ts'
import { verifyCentreExport } from '../src/app/centre-export-verify.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { moveReferral, receiveReferral } from '../src/app/referrals.ts'
import { addRoom } from '../src/app/rooms.ts'
import { openHaven } from '../src/app/runtime.ts'
import { bookSession } from '../src/app/sessions.ts'
import { assignWorker, recordCheck } from '../src/app/workers.ts'
import { loadConfig } from '../src/config.ts'
import { ukDateTime } from '../src/domain/calendar.ts'
import { hotp, totpStep } from '../src/domain/totp.ts'
import { acceptAsNewAccount, base32Decode, tokenFromLink } from './support/accounts.ts'
import { referral } from './support/cases.ts'
import { pdfText } from './support/pdf.ts'
import { axeViolations, browserSkip, describeViolations, launchBrowser } from './support/browser.ts'
import { serveHaven, type Served } from './support/processes.ts'

const PASSWORD = 'lantern orchard pebble'
const dirs: string[] = []
const cleanups: (() => Promise<unknown>)[] = []
after(async () => {
  for (const cleanup of cleanups) await cleanup()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Waits until the server has printed the demo coordinator's one-time link. */
async function demoInvitation(served: Served): Promise<{ link: string; email: string }> {
  for (let i = 0; i < 100; i += 1) {
    const link = /(https?:\/\/\S+\/invitations\/\S+)/.exec(served.stderr())?.[1]
    const email = /coordinator \(([^)]+)\)/.exec(served.stderr())?.[1]
    if (link !== undefined && email !== undefined) return { link, email }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no invitation link printed: ${served.stderr()}`)
}

/** Every page passes axe at WCAG 2.2 AA, and the browser reports no CSP violation. */
async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page)
  assert.deepEqual(violations, [], `${what}:\n${describeViolations(violations)}`)
}

/**
 * A centre with a family accepted and booked for a session today (parents kept apart), a
 * volunteer with a clear check assigned to it, and another volunteer who is not: made with the
 * same use cases the pages call, beside the running server, on the same database and keys.
 */
async function seedVolunteerDay(
  dir: string,
): Promise<{ volunteer: string; other: string; familyId: string }> {
  const haven = await openHaven(loadConfig({ HAVEN_DATA_DIR: dir }, process.cwd()))
  try {
    const { ctx } = haven
    const { centre } = await createCentre(ctx, {
      name: 'Ashbury',
      slug: 'ashbury',
      coordinatorEmail: 'c@ashbury.example.org',
    })
    const operator = operatorActor(centre.id)
    const accounts: Record<string, string> = {}
    for (const email of ['v@ashbury.example.org', 'w@ashbury.example.org']) {
      const invitation = await inviteMember(ctx, operator, { email, roles: ['volunteer'] })
      const acceptedId = await acceptAsNewAccount(ctx, {
        token: tokenFromLink(invitation.link),
        displayName: `Volunteer ${email[0] ?? ''}`,
        password: PASSWORD,
      })
      accounts[email] = acceptedId
      await recordCheck(ctx, operator, {
        accountId: acceptedId,
        kind: 'dbs',
        level: 'enhanced',
        issuedOn: '2025-01-01',
        renewalDueOn: '2099-01-01',
        outcome: 'clear',
      })
    }
    const made = await receiveReferral(
      ctx,
      operator,
      referral() as Parameters<typeof receiveReferral>[2],
    )
    let version = 1
    for (const to of ['pre_visits', 'risk_assessed', 'accepted']) {
      await moveReferral(ctx, operator, made.referralId, { to, version })
      version += 1
    }
    const room = await addRoom(ctx, operator, 'Willow Room')
    const today = ukDateTime(new Date()).slice(0, 10)
    const booked = await bookSession(ctx, operator, {
      familyId: made.familyId,
      roomId: room.id,
      kind: 'supported',
      startsAt: `${today}T10:00`,
      endsAt: `${today}T12:00`,
    })
    await assignWorker(ctx, operator, booked.sessionId, accounts['v@ashbury.example.org'] ?? '')
    return {
      volunteer: 'v@ashbury.example.org',
      other: 'w@ashbury.example.org',
      familyId: made.familyId,
    }
  } finally {
    await haven.close()
  }
}

/**
 * A centre whose coordinator has an account (no second factor yet) and three families referred
 * in January 2022 and not used since: due under the default policy's three years (RETAIN).
 * Made with the use cases, the clock set back for the referrals only.
 */
async function seedOldFamilies(dir: string): Promise<{ email: string; references: string[] }> {
  const haven = await openHaven(loadConfig({ HAVEN_DATA_DIR: dir }, process.cwd()))
  try {
    const { ctx } = haven
    const email = 'c@ashbury.example.org'
    const { centre, invitation } = await createCentre(ctx, {
      name: 'Ashbury',
      slug: 'ashbury',
      coordinatorEmail: email,
    })
    await acceptAsNewAccount(ctx, {
      token: tokenFromLink(invitation.link),
      displayName: 'Ashbury Coordinator',
      password: PASSWORD,
    })
    const then = { ...ctx, now: () => new Date('2022-01-10T10:00:00Z') }
    const references: string[] = []
    for (let i = 0; i < 3; i += 1) {
      const made = await receiveReferral(
        then,
        operatorActor(centre.id),
        referral() as Parameters<typeof receiveReferral>[2],
      )
      references.push(`F-${String(i + 1).padStart(4, '0')}`)
      assert.ok(made.familyId)
    }
    return { email, references }
  } finally {
    await haven.close()
  }
}

describe('pages in a real browser', { skip: browserSkip() }, () => {
  it('a coordinator sets up their account from the printed link, signs in with a second factor and sees the day', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-browser-'))
    dirs.push(dir)
    const served = await serveHaven({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'true' })
    cleanups.push(() => served.stop())
    const browser = await launchBrowser()
    cleanups.push(() => browser.close())
    const { link, email } = await demoInvitation(served)
    const context = await browser.newContext()
    const page = await context.newPage()
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${String(response.status())} ${response.url()}`)
    })

    await page.goto(link)
    await assertAccessible(page, 'the invitation page')
    await page.fill('#displayName', 'Demo Coordinator')
    await page.fill('#password', PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForLoadState()
    await assertAccessible(page, 'the invitation accepted')
    await page.click('a#sign-in')
    await page.waitForURL(/\/sign-in\?centre=demo&welcome=1$/)
    await assertAccessible(page, 'the sign-in page')
    assert.equal(await page.inputValue('#centre'), 'demo', 'the link names the centre')
    await page.fill('#email', email)
    await page.fill('#password', PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/second-factor\/set-up$/)
    await assertAccessible(page, 'setting up the second factor')
    const secret = (await page.textContent('code.secret'))?.replaceAll(/\s/g, '') ?? ''
    await page.fill('#code', hotp(base32Decode(secret), totpStep(Date.now())))
    await page.click('button[type=submit]')
    await page.waitForLoadState()
    await assertAccessible(page, 'the recovery codes')
    await page.click('a#continue')
    await page.waitForURL(/\/account-ready$/)
    assert.equal(await page.textContent('.govuk-panel__title'), 'Your account is ready')
    await assertAccessible(page, 'the account ready')
    await page.click('a#start')
    await page.waitForURL(/\/today$/)

    const today = await page.goto(new URL('/today', served.url).toString())
    assert.equal(today?.status(), 200)
    const headers = today.headers()
    assert.match(headers['content-security-policy'] ?? '', /script-src 'self'/)
    assert.equal(headers['cache-control'], 'no-store')
    assert.equal(await page.textContent('h1'), 'Today')
    assert.ok(await page.isVisible('text=Waiting for you'))
    await assertAccessible(page, 'the day')
    assert.equal(
      await page.evaluate(() =>
        (
          globalThis as unknown as { document: { body: { className: string } } }
        ).document.body.className.includes('govuk-frontend-supported'),
      ),
      true,
      'GOV.UK Frontend ran from its own file, under the CSP',
    )
    assert.deepEqual(problems, [], 'no script error and no CSP violation in the console')

    await page.goto(new URL('/families', served.url).toString())
    await assertAccessible(page, 'the families')
    await page.click('main table a')
    await page.waitForURL(/\/families\/[0-9a-f-]{36}$/)
    assert.equal(
      await page
        .locator('main')
        .getByText(/Q[A-E]?\d+ \d[A-Z]{2}/)
        .count(),
      0,
      'contact details masked',
    )
    await assertAccessible(page, "a family's record")
    const reveal = page.locator('main form[action$="/reveal"]').first()
    await reveal.locator('button').click()
    assert.ok(await page.isVisible('text=Say why you need them'), 'a reveal asks for a reason')
    await assertAccessible(page, 'the reveal refused for want of a reason')
    await page
      .locator('main form[action$="/reveal"] input[name=reason]')
      .first()
      .fill('arranging a pre-visit')
    await page.locator('main form[action$="/reveal"] button').first().click()
    await page.waitForLoadState()
    assert.ok(
      (await page
        .locator('main')
        .getByText(/Q[A-E]?\d+ \d[A-Z]{2}/)
        .count()) > 0,
      'revealed with a reason',
    )

    // Finding a family by a first name listed on the families page.
    await page.goto(new URL('/families', served.url).toString())
    const firstRow = page.locator('main table tbody tr').first()
    const reference = ((await firstRow.locator('a').textContent()) ?? '').trim()
    const name =
      ((await firstRow.locator('td').nth(1).textContent()) ?? '').split(',')[0]?.trim() ?? ''
    await page.fill('#q', name.toUpperCase())
    await page.click('main form[action="/families/search"] button')
    await page.waitForLoadState()
    assert.equal(new URL(page.url()).search, '', 'nothing typed stays in the address')
    assert.ok(
      (await page.locator('main table a').allTextContents()).includes(reference),
      `a search for a first name finds ${reference}`,
    )
    await assertAccessible(page, 'the families found')

    // The month, and the day sheet as it prints.
    await page.goto(new URL('/sessions/month', served.url).toString())
    await assertAccessible(page, 'the month')
    await page.setViewportSize({ width: 375, height: 800 })
    const scrollWidth = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
            .document.documentElement.scrollWidth,
      )
    assert.ok((await scrollWidth()) <= 375, 'the month fits a phone')
    await page.goto(new URL('/sessions/day-sheet', served.url).toString())
    assert.ok((await scrollWidth()) <= 375, 'the day sheet fits a phone')
    await page.setViewportSize({ width: 1280, height: 800 })
    await assertAccessible(page, 'the day sheet')
    const sheet = (await page.textContent('main')) ?? ''
    assert.doesNotMatch(sheet, /Q[A-E]?\d+ \d[A-Z]{2}|07700/, 'no contact details on the sheet')
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.isVisible('.govuk-service-navigation'), false, 'no menu on paper')
    assert.equal(await page.isVisible('.haven-no-print'), false, 'no buttons on paper')
    const pdf = await page.pdf({ format: 'A4' })
    assert.ok(pdf.subarray(0, 5).toString() === '%PDF-' && pdf.length > 1000, 'printed to PDF')
    await page.emulateMedia({ media: 'screen' })

    // Moving in: a file with mistakes, every problem listed; then put right and imported.
    await page.goto(new URL('/centre/import', served.url).toString())
    await assertAccessible(page, 'the import page')
    const csvFile = (name: string, text: string) => ({
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(text),
    })
    const families = csvFile('families.csv', 'Family,Keep parents apart\r\nRowan,yes\r\n')
    const people = (born: string) =>
      csvFile(
        'people.csv',
        `Family,Role,First name,Last name,Date of birth,Parental responsibility\r\nRowan,resident parent,Ceri,Rowe,,yes\r\nRowan,child,Alys,Rowe,${born},\r\n`,
      )
    await page.setInputFiles('#files', [families, people('01/02/20')])
    await page.click('main form[action="/centre/import"] button')
    await page.waitForLoadState()
    assert.ok(
      await page.isVisible('text=Date of birth has a two-digit year'),
      'the problem is listed by row and column',
    )
    await assertAccessible(page, 'the import with a problem')
    await page.setInputFiles('#files', [families, people('01/02/2020')])
    await page.click('main form[action="/centre/import"] button')
    await page.waitForLoadState()
    assert.equal(await page.textContent('.govuk-panel__title'), 'No problems found')
    await assertAccessible(page, 'the import checked')
    await page.click('main form[action="/centre/import/confirm"] button')
    await page.waitForURL(/\/centre\/import\?imported=1&/)
    assert.ok(await page.isVisible('text=Imported 1 family, 2 people'))
    await assertAccessible(page, 'the import done')
    // The everyday settings and records kept from the pages: rooms and the stagger, an agency
    // without an account, a child added, the safety flags, a request made by letter.
    const go = (to: string) => page.goto(new URL(to, served.url).toString())
    await go('/centre/rooms')
    await page.fill('#name', 'Juniper Annexe')
    await page.click('form[action="/centre/rooms"] button')
    await page.waitForURL(/\/centre\/rooms\?done=added$/)
    assert.ok(await page.isVisible('td:has-text("Juniper Annexe")'))
    await page.fill('#minutes', '3')
    await page.click('form[action="/centre/stagger"] button')
    await page.waitForLoadState()
    assert.ok(await page.isVisible('.govuk-error-summary'), 'too few minutes is refused in words')
    await assertAccessible(page, 'the rooms, a refusal shown')
    await page.setViewportSize({ width: 375, height: 800 })
    assert.ok((await scrollWidth()) <= 375, 'the rooms fit a phone')
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.click('a:has-text("Rename Juniper Annexe")')
    await assertAccessible(page, 'renaming a room')

    await go('/centre/agencies')
    await page.fill('#name', 'Penwith Family Law')
    await page.selectOption('#kind', 'solicitor')
    await page.click('form[action="/centre/agencies"] button')
    await page.waitForURL(/\/centre\/agencies\?done=agency$/)
    await assertAccessible(page, 'the agencies')
    await page.setViewportSize({ width: 375, height: 800 })
    assert.ok((await scrollWidth()) <= 375, 'the agencies fit a phone')
    await page.setViewportSize({ width: 1280, height: 800 })
    await go('/referrals/new')
    assert.ok(
      (await page.locator('#agencyId option').allTextContents()).includes('Penwith Family Law'),
      'the referral form offers the new agency',
    )

    await go('/families')
    await page.click('main table a')
    await page.waitForURL(/\/families\/[0-9a-f-]{36}$/)
    const familyReference = ((await page.textContent('main h1')) ?? '').trim()
    await page.click('a:has-text("Add a child")')
    await assertAccessible(page, 'adding a child')
    await page.fill('#givenName', 'Tegen')
    await page.fill('#familyName', 'Quarrington')
    await page.fill('#dateOfBirth', '2023-06-01')
    await page.click('main form button')
    await page.waitForURL(/\/families\/[0-9a-f-]{36}\?done=child$/)
    assert.ok(await page.isVisible('h3:has-text("Tegen Quarrington")'))
    await page.click('a:has-text("Safety and keeping apart")')
    await assertAccessible(page, 'safety and keeping apart')
    await page.check('#separation')
    await page.fill('#flags', 'No photographs\nEscort to car')
    await page.click('main form button')
    await page.waitForURL(/\?done=safety$/)
    assert.ok(await page.isVisible('text=Safety: no photographs, escort to car.'))

    await go('/centre/subject-access')
    await page.click('a:has-text("Record a request made by letter or phone")')
    await page.fill('#reference', familyReference)
    await page.click('form.haven-filter button')
    await page.waitForURL(/\/centre\/subject-access\/new\?reference=/)
    await assertAccessible(page, 'recording a request made by letter')
    await page.check('#personId')
    await page.check('#receivedVia')
    await page.fill('#note', 'All records since the referral')
    await page.click('form[action="/centre/subject-access"] button')
    await page.waitForURL(/\/centre\/subject-access\/[0-9a-f-]{36}\?done=opened$/)
    assert.ok(await page.isVisible('dd:has-text("By letter")'))
    await assertAccessible(page, 'the request recorded')
    await go('/centre/subject-access')
    await assertAccessible(page, 'open and answered requests')

    // The centre's export, for when it leaves: from the centre's page, downloaded by a button.
    await go('/centre')
    await page.click('a:has-text("Export the centre")')
    await page.waitForURL(/\/centre\/export$/)
    await assertAccessible(page, "the centre's export")
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('main form[action="/centre/export"] button'),
    ])
    assert.match(download.suggestedFilename(), /^haven-export-demo-\d{4}-\d{2}-\d{2}\.jsonl$/)
    const exported = path.join(dir, 'export.jsonl')
    await download.saveAs(exported)
    const checked = await verifyCentreExport(exported)
    assert.equal(checked.problem, undefined)
    assert.equal(checked.centre?.slug, 'demo')

    await page.click('text=Sign out')
    await page.waitForURL(/\/sign-in$|\/$/)
    const after = await page.goto(new URL('/today', served.url).toString())
    assert.ok(after?.url().endsWith('/sign-in'), 'signed out: the day is gone')
  })

  it('a volunteer on a phone signs the parents in, in order, and reaches nothing else', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-browser-'))
    dirs.push(dir)
    const served = await serveHaven({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' })
    cleanups.push(() => served.stop())
    const { volunteer, other, familyId } = await seedVolunteerDay(dir)
    const browser = await launchBrowser()
    cleanups.push(() => browser.close())
    const phone = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true }
    const signIn = async (email: string) => {
      const context = await browser.newContext(phone)
      const page = await context.newPage()
      await page.goto(new URL('/sign-in', served.url).toString())
      await page.fill('#centre', 'ashbury')
      await page.fill('#email', email)
      await page.fill('#password', PASSWORD)
      await page.click('button[type=submit]')
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
      return page
    }
    const page = await signIn(volunteer)
    await page.goto(new URL('/my-sessions', served.url).toString())
    assert.equal(await page.textContent('h1'), 'My sessions today')
    assert.ok(await page.isVisible('text=The parents must not meet'))
    const lines = (await page.locator('main ol li p').allTextContents()).map((line) =>
      line.replace(/\s+/g, ' ').trim(),
    )
    const times = lines.map((line) => /due at (\d\d:\d\d)/.exec(line)?.[1] ?? '')
    assert.equal(lines.length, 3)
    assert.deepEqual([...times].sort(), times, 'in the order they should arrive')
    assert.ok(new Set(times).size > 1, 'the parents arrive at different times')
    await assertAccessible(page, 'my sessions on a phone')
    const text = (await page.textContent('main')) ?? ''
    for (const hidden of ['Trelawny', 'Pengelly', '14 Quarry Lane', '07700'])
      assert.ok(!text.includes(hidden), `only first names and times at the door (${hidden})`)
    await page.click('main button:has-text("Sign in")')
    await page.waitForLoadState()
    assert.ok(await page.isVisible('text=Signed in.'))
    assert.equal(await page.locator('main button:has-text("Sign out")').count(), 1)
    await assertAccessible(page, 'after signing in at the door')
    const width = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
          .document.documentElement.scrollWidth,
    )
    assert.ok(width <= 375, `nothing wider than the phone (${String(width)} px)`)
    const today = await page.goto(new URL('/today', served.url).toString())
    assert.equal(today?.status(), 403, "a volunteer does not see the coordinator's day")

    const stranger = await signIn(other)
    await stranger.goto(new URL('/my-sessions', served.url).toString())
    assert.ok(await stranger.isVisible('text=You have no sessions today.'))
    const refused = await stranger.goto(new URL(`/families/${familyId}`, served.url).toString())
    assert.equal(refused?.status(), 404, 'a volunteer not on the session cannot reach the family')
    await assertAccessible(stranger, 'the refusal page')
    const own = await page.goto(new URL(`/families/${familyId}`, served.url).toString())
    assert.equal(
      own?.status(),
      200,
      'the volunteer on the session reads the family, as the policy lets them',
    )
    assert.ok(
      !((await stranger.textContent('main')) ?? '').includes('Morwenna'),
      'another volunteer sees nothing of the family',
    )
  })

  it('the sign-in page works on a phone-sized screen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-browser-'))
    dirs.push(dir)
    const served = await serveHaven({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'true' })
    cleanups.push(() => served.stop())
    const browser = await launchBrowser()
    cleanups.push(() => browser.close())
    const context = await browser.newContext({
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    })
    const page = await context.newPage()
    await page.goto(new URL('/sign-in', served.url).toString())
    await assertAccessible(page, 'the sign-in page on a phone')
    const width = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
          .document.documentElement.scrollWidth,
    )
    assert.ok(width <= 375, `nothing wider than the screen (${String(width)} px)`)
  })

  it('a coordinator plans a disposal run, sees its families by reference, holds one back with a reason and approves the count', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-browser-'))
    dirs.push(dir)
    const served = await serveHaven({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' })
    cleanups.push(() => served.stop())
    const { email, references } = await seedOldFamilies(dir)
    const [held, , last] = references
    assert.ok(held && last)
    const browser = await launchBrowser()
    cleanups.push(() => browser.close())
    const page = await (await browser.newContext()).newPage()
    const at = (where: string) => new URL(where, served.url).toString()
    await page.goto(at('/sign-in'))
    await page.fill('#centre', 'ashbury')
    await page.fill('#email', email)
    await page.fill('#password', PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/second-factor\/set-up$/)
    const secret = (await page.textContent('code.secret'))?.replaceAll(/\s/g, '') ?? ''
    await page.fill('#code', hotp(base32Decode(secret), totpStep(Date.now())))
    await page.click('button[type=submit]')
    await page.waitForLoadState()

    await page.goto(at('/centre/disposals'))
    await assertAccessible(page, 'retention and disposal')
    await page.click('main button:has-text("Plan a run now")')
    await page.waitForURL(/\/centre\/disposals\/[0-9a-f-]{36}\?done=awaiting_approval$/)
    const runUrl = page.url().replace(/\?.*$/, '')
    await assertAccessible(page, 'the run planned')
    const main = async () => (await page.textContent('main')) ?? ''
    for (const reference of references)
      assert.ok((await main()).includes(reference), `${reference} is listed`)
    assert.doesNotMatch(await main(), /Morwenna|Trelawny|Idris|Pengelly|Elowen|Quarry|07700/)
    assert.match(await main(), /Unused for 3 years \(RETAIN\)/)
    assert.match(await main(), /Destroy the records of 3 families/)

    await page.click(`main a:has-text("Hold or exclude ${held}")`)
    await page.waitForURL(/\/families\/[0-9a-f-]{36}$/)
    await assertAccessible(page, 'keeping a family out')
    await page.check('input[name=as][value=held]')
    await page.click('main button:has-text("Keep it out")')
    await page.waitForLoadState()
    assert.ok(await page.isVisible('.govuk-error-summary'), 'a reason is required')
    await assertAccessible(page, 'keeping a family out, refused for want of a reason')
    await page.fill('#reason', 'A hearing is listed: keep the file')
    await page.click('main button:has-text("Keep it out")')
    await page.waitForURL(/\?done=held$/)
    assert.match(await main(), new RegExp(`${held}[\\s\\S]*Held[\\s\\S]*A hearing is listed`))
    await assertAccessible(page, 'the run with a family held')

    await page.click('main button:has-text("Approve and destroy")')
    await page.waitForLoadState()
    assert.ok(await page.isVisible('.govuk-error-summary'), 'the count must be confirmed')
    await assertAccessible(page, 'the approval refused unconfirmed')
    await page.check('input[name=familiesToDestroy]')
    assert.equal(await page.inputValue('input[name=familiesToDestroy]'), '2')
    assert.ok(await page.isVisible('text=Destroy the records of 2 families'))
    await page.click('main button:has-text("Approve and destroy")')
    await page.waitForURL(/\?done=approved$/)
    await assertAccessible(page, 'the run carried out')
    const kept = page.locator('main table', { hasText: 'Families kept back' })
    assert.match((await kept.textContent()) ?? '', new RegExp(`${held}\\s*On legal hold`))
    const certificate = await page.request.get(
      new URL(
        `/api/disposals/${runUrl.split('/').pop() ?? ''}/certificate.pdf`,
        served.url,
      ).toString(),
    )
    assert.equal(certificate.status(), 200)
    const text = await pdfText(Uint8Array.from(await certificate.body()).buffer)
    assert.match(
      text,
      new RegExp(`${held}\\s+On legal hold`),
      'the certificate names the held family',
    )
    assert.ok(!text.includes(last), 'and counts, never names, the destroyed')

    await page.setViewportSize({ width: 375, height: 800 })
    await page.goto(runUrl)
    const width = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
          .document.documentElement.scrollWidth,
    )
    assert.ok(width <= 375, `the run fits a phone (${String(width)} px)`)
  })
})
