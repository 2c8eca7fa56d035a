import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import QRCode from 'qrcode'
import { operatorActor } from '../src/app/actor.ts'
import { createCentre } from '../src/app/centres.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { openHaven } from '../src/app/runtime.ts'
import { loadConfig } from '../src/config.ts'
import { hotp, totpStep } from '../src/domain/totp.ts'
import { QR_OPTIONS } from '../src/web/qr-code.ts'
import { base32Decode, tokenFromLink } from './support/accounts.ts'
import { axeViolations, browserSkip, describeViolations, launchBrowser } from './support/browser.ts'
import { serveHaven, type Served } from './support/processes.ts'

/**
 * A person's first steps, on a phone, in Debian's Chromium: the invitation, signing in,
 * setting up the second factor from a QR code, the recovery codes, "your account is ready",
 * and later the second-factor prompt and a password reset. Every page is checked at 375 px
 * (no sideways scrolling), with axe at WCAG 2.2 AA, for GOV.UK's components, and for any
 * Content-Security-Policy violation the browser reports.
 */
const PASSWORD = 'lantern orchard pebble'
const EMAIL = 'c@ashbury.example.org'
const VOLUNTEER = 'v@ashbury.example.org'
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true }

const cleanups: (() => Promise<unknown>)[] = []
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

interface Browsing {
  page: Page
  /** Script errors, console errors (CSP violations among them), resources that failed. */
  problems: string[]
}

async function open(browser: Browser): Promise<Browsing> {
  const context = await browser.newContext(PHONE)
  const problems: string[] = []
  // Added through the debugging protocol, so the page's own CSP stays as it is served.
  await context.addInitScript(() => {
    const doc = (globalThis as unknown as { document: EventTarget }).document
    doc.addEventListener('securitypolicyviolation', (event) => {
      const e = event as unknown as { violatedDirective: string; blockedURI: string }
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  const page = await context.newPage()
  // A refused form answers 4xx on purpose; any other resource failing is a problem.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text())
  })
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document')
      problems.push(`${String(response.status())} ${response.url()}`)
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return { page, problems }
}

/**
 * The page is one of Haven's GOV.UK pages at phone size: the same header, stylesheet and
 * script as every page, GOV.UK's heading, fields and buttons, nothing wider than the phone, no
 * style attribute (the CSP refuses them), and axe finds nothing.
 */
async function assertFirstStepPage(page: Page, what: string): Promise<void> {
  const facts = await page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: {
          documentElement: { scrollWidth: number }
          querySelector: (s: string) => { className: string } | null
          querySelectorAll: (s: string) => ArrayLike<{ className: string | object }>
        }
      }
    ).document
    const classOf = (selector: string) =>
      Array.from(doc.querySelectorAll(selector)).map((e) =>
        typeof e.className === 'string' ? e.className : '',
      )
    return {
      width: doc.documentElement.scrollWidth,
      header: doc.querySelector('header.haven-header a.haven-header__brand') !== null,
      stylesheet: doc.querySelector('link[rel=stylesheet][href="/assets/haven.css"]') !== null,
      script: doc.querySelector('script[src="/assets/haven.js"]') !== null,
      styled: doc.querySelectorAll('[style]').length,
      h1: classOf('main h1'),
      inputs: classOf('main input:not([type=hidden])'),
      buttons: classOf('main button'),
      paragraphs: classOf('main > p, main form > p'),
      summaries: classOf('main [role=alert] h2'),
    }
  })
  assert.ok(facts.width <= 375, `${what}: nothing wider than the phone (${String(facts.width)} px)`)
  assert.ok(facts.header && facts.stylesheet && facts.script, `${what}: Haven's frame`)
  assert.equal(facts.styled, 0, `${what}: no style attribute (the CSP refuses them)`)
  assert.equal(facts.h1.length, 1, `${what}: one heading`)
  assert.match(facts.h1[0] ?? '', /govuk-heading-l|govuk-panel__title/, `${what}: GOV.UK heading`)
  for (const input of facts.inputs) assert.match(input, /\bgovuk-input\b/, `${what}: ${input}`)
  for (const button of facts.buttons) assert.match(button, /\bgovuk-button\b/, `${what}: button`)
  for (const p of facts.paragraphs) assert.match(p, /\bgovuk-body\b/, `${what}: paragraph`)
  for (const title of facts.summaries)
    assert.match(title, /govuk-error-summary__title|govuk-notification-banner/, `${what}: summary`)
  const violations = await axeViolations(page)
  assert.deepEqual(violations, [], `${what}:\n${describeViolations(violations)}`)
}

/** A code the app would not show in the steps either side of now. */
function wrongCode(secret: string): string {
  const now = totpStep(Date.now())
  const near = new Set([-1, 0, 1, 2].map((d) => hotp(base32Decode(secret), now + d)))
  let code = 123456
  while (near.has(String(code))) code += 1
  return String(code)
}

/** The QR code in the page: its drawing (each path's paint and data) and its name. */
async function qrInPage(page: Page): Promise<{ paths: string[][]; role: string; label: string }> {
  const svg = page.locator('main .haven-qr svg')
  assert.equal(await svg.count(), 1, 'one QR code, inline')
  type Element = {
    getAttribute: (name: string) => string | null
    querySelectorAll: (selector: string) => ArrayLike<Element>
  }
  return svg.evaluate((node) => {
    const el = node as unknown as Element
    return {
      paths: Array.from(el.querySelectorAll('path')).map((p) => [
        p.getAttribute('fill') ?? '',
        p.getAttribute('stroke') ?? '',
        p.getAttribute('d') ?? '',
      ]),
      role: el.getAttribute('role') ?? '',
      label: el.getAttribute('aria-label') ?? '',
    }
  })
}

/** The same drawing made afresh from a URI with the qrcode package. */
async function qrOf(uri: string): Promise<string[][]> {
  const svg = await QRCode.toString(uri, QR_OPTIONS)
  return Array.from(svg.matchAll(/<path([^>]*)\/?>/g), ([, attributes = '']) =>
    ['fill', 'stroke', 'd'].map(
      (name) => new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1] ?? '',
    ),
  )
}

let shared:
  Promise<{ served: Served; browser: Browser; tokens: Record<string, string> }> | undefined

/**
 * One centre for the journeys: its coordinator's invitation and a volunteer's (a role that
 * signs in without a second factor at the default policy), made beside the server on the
 * same data directory, then the server and the browser.
 */
function world(): Promise<{ served: Served; browser: Browser; tokens: Record<string, string> }> {
  shared ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-first-steps-'))
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true })
      return Promise.resolve()
    })
    const haven = await openHaven(loadConfig({ HAVEN_DATA_DIR: dir }, process.cwd()))
    const tokens: Record<string, string> = {}
    try {
      const { centre, invitation } = await createCentre(haven.ctx, {
        name: 'Ashbury',
        slug: 'ashbury',
        coordinatorEmail: EMAIL,
      })
      tokens.coordinator = tokenFromLink(invitation.link)
      const volunteer = await inviteMember(haven.ctx, operatorActor(centre.id), {
        email: VOLUNTEER,
        roles: ['volunteer'],
      })
      tokens.volunteer = tokenFromLink(volunteer.link)
    } finally {
      await haven.close()
    }
    const served = await serveHaven({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' })
    cleanups.push(() => served.stop())
    const browser = await launchBrowser()
    cleanups.push(() => browser.close())
    return { served, browser, tokens }
  })()
  return shared
}

describe('first steps on a phone', { skip: browserSkip(), timeout: 180_000 }, () => {
  it('an invited coordinator sets up their account from a QR code and ends on "your account is ready"; the prompt and a reset are the same GOV.UK pages', async () => {
    const { served, browser, tokens } = await world()
    const url = (p: string) => new URL(p, served.url).toString()
    const { page, problems } = await open(browser)

    // The invitation: a link that cannot be used, the form, its errors, then accepted.
    const broken = await page.goto(url(`/invitations/${'x'.repeat(43)}`))
    assert.equal(broken?.status(), 404)
    await assertFirstStepPage(page, 'an invitation link that cannot be used')
    await page.goto(url(`/invitations/${tokens.coordinator}`))
    await assertFirstStepPage(page, 'the invitation')
    await page.click('main button[type=submit]')
    await page.waitForLoadState()
    assert.ok(await page.isVisible('.govuk-error-summary a[href="#displayName"]'))
    assert.ok(await page.isVisible('#displayName-error'), 'the error beside its field')
    assert.match(await page.title(), /^Error: /)
    await assertFirstStepPage(page, 'the invitation with an error')
    await page.fill('#displayName', 'Cass Coordinator')
    await page.fill('#password', PASSWORD)
    await page.click('main button[type=submit]')
    await page.waitForLoadState()
    assert.equal(await page.textContent('main h1'), 'Now sign in')
    await assertFirstStepPage(page, 'the invitation accepted')
    await page.click('a#sign-in')
    await page.waitForURL(/\/sign-in\?centre=ashbury&welcome=1$/)
    await assertFirstStepPage(page, 'the sign-in page')

    // Signing in: a wrong password first, then the second factor's set-up.
    await page.fill('#email', EMAIL)
    await page.fill('#password', 'not the password at all')
    await page.click('main button[type=submit]')
    await page.waitForLoadState()
    assert.ok(await page.isVisible('.govuk-error-summary'))
    assert.equal(await page.inputValue('#centre'), 'ashbury', 'what was typed is kept')
    await assertFirstStepPage(page, 'the sign-in page with an error')
    await page.fill('#password', PASSWORD)
    await page.click('main button[type=submit]')
    await page.waitForURL(/\/second-factor\/set-up$/)
    assert.equal(await page.textContent('.haven-header__centre'), 'Ashbury', 'the centre is named')
    await assertFirstStepPage(page, 'setting up the second factor')

    // The QR code is the otpauth URI the page also links to, and the typed key its secret.
    const readEnrolment = async () => {
      const uri = (await page.getAttribute('main a[href^="otpauth:"]', 'href')) ?? ''
      const key = (await page.textContent('main code.secret')) ?? ''
      return { uri, key, secret: key.replaceAll(' ', '') }
    }
    const first = await readEnrolment()
    assert.match(first.key, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/, 'the key in blocks of four')
    const uri = new URL(first.uri)
    assert.equal(uri.protocol, 'otpauth:')
    assert.equal(uri.searchParams.get('secret'), first.secret)
    assert.match(uri.searchParams.get('issuer') ?? '', /^Haven \(.+\)$/)
    assert.equal(
      decodeURIComponent(/^otpauth:\/\/totp\/([^?]+)\?/.exec(first.uri)?.[1] ?? ''),
      `${uri.searchParams.get('issuer') ?? ''}:${EMAIL}`,
      'the label: the issuer and the e-mail, nothing else of the person',
    )
    const qr = await qrInPage(page)
    assert.equal(qr.role, 'img')
    assert.match(qr.label, /QR code/)
    assert.deepEqual(qr.paths, await qrOf(first.uri), 'the QR code encodes the URI on the page')
    assert.notDeepEqual(qr.paths, await qrOf(`${first.uri}x`), 'and no other')
    const address = page.url()
    assert.ok(!address.includes(first.secret), 'the secret is in no address')

    // A wrong code: a new key and QR code, the error beside the field.
    await page.fill('#code', wrongCode(first.secret))
    await page.click('main button[type=submit]')
    await page.waitForLoadState()
    assert.ok(await page.isVisible('.govuk-error-summary a[href="#code"]'))
    assert.ok(await page.isVisible('#code-error'))
    await assertFirstStepPage(page, 'setting up with a wrong code')
    const second = await readEnrolment()
    assert.notEqual(second.secret, first.secret, 'a new key after a wrong code')
    assert.deepEqual((await qrInPage(page)).paths, await qrOf(second.uri))

    await page.fill('#code', hotp(base32Decode(second.secret), totpStep(Date.now())))
    const setUpStep = totpStep(Date.now())
    await page.click('main button[type=submit]')
    await page.waitForLoadState()
    assert.equal(await page.textContent('main h1'), 'Your recovery codes')
    assert.equal(await page.locator('main .haven-codes code').count(), 10)
    await assertFirstStepPage(page, 'the recovery codes')

    // The end of the invitation: the account is ready, and the way to the person's own work.
    await page.click('a#continue')
    await page.waitForURL(/\/account-ready$/)
    assert.equal(await page.textContent('.govuk-panel__title'), 'Your account is ready')
    assert.match((await page.textContent('.govuk-panel__body')) ?? '', /Ashbury/)
    assert.equal(await page.getAttribute('a#start', 'href'), '/start')
    assert.ok(await page.isVisible('main a[href="/today"]'), 'what they can do next')
    await assertFirstStepPage(page, 'the account ready')
    await page.click('a#start')
    await page.waitForURL(/\/today$/)
    assert.deepEqual(problems, [], 'no script error and no CSP violation')

    // Another day: the second-factor prompt, wrong then right.
    const later = await open(browser)
    await later.page.goto(url('/centres/ashbury/sign-in'))
    await later.page.fill('#email', EMAIL)
    await later.page.fill('#password', PASSWORD)
    await later.page.click('main button[type=submit]')
    await later.page.waitForURL(/\/second-factor$/)
    await assertFirstStepPage(later.page, 'the second-factor prompt')
    await later.page.fill('#code', wrongCode(second.secret))
    await later.page.click('main button[type=submit]')
    await later.page.waitForLoadState()
    assert.ok(await later.page.isVisible('#code-error'))
    await assertFirstStepPage(later.page, 'the second-factor prompt with an error')
    const step = Math.max(totpStep(Date.now()), setUpStep + 1)
    await later.page.fill('#code', hotp(base32Decode(second.secret), step))
    await later.page.click('main button[type=submit]')
    await later.page.waitForURL(/\/today$/)

    // A forgotten password: the request, and a link that is not (or no longer) valid.
    await later.page.goto(url('/password-reset'))
    await assertFirstStepPage(later.page, 'asking for a password reset')
    await later.page.fill('#email', EMAIL)
    await later.page.click('main button[type=submit]')
    await later.page.waitForLoadState()
    assert.ok(await later.page.isVisible('.govuk-notification-banner'))
    await assertFirstStepPage(later.page, 'a password reset asked for')
    await later.page.goto(url(`/password-reset/${'y'.repeat(43)}`))
    await assertFirstStepPage(later.page, 'setting a new password')
    await later.page.fill('#password', 'short')
    await later.page.click('main button[type=submit]')
    await later.page.waitForLoadState()
    assert.ok(await later.page.isVisible('.govuk-error-summary'))
    await assertFirstStepPage(later.page, 'setting a new password refused')
    assert.deepEqual(later.problems, [], 'no script error and no CSP violation')
  })
  it('an invited volunteer, with no second factor to set up, signs in from the last page of the invitation and lands on "your account is ready"', async () => {
    const { served, browser, tokens } = await world()
    const url = (p: string) => new URL(p, served.url).toString()
    const { page, problems } = await open(browser)
    await page.goto(url(`/invitations/${tokens.volunteer ?? ''}`))
    await page.fill('#displayName', 'Val Volunteer')
    await page.fill('#password', PASSWORD)
    await page.click('main button[type=submit]')
    await page.waitForLoadState()
    await page.click('a#sign-in')
    await page.waitForURL(/\/sign-in\?centre=ashbury&welcome=1$/)
    await page.fill('#email', VOLUNTEER)
    await page.fill('#password', PASSWORD)
    await page.click('main button[type=submit]')
    await page.waitForURL(/\/account-ready$/)
    assert.equal(await page.textContent('.govuk-panel__title'), 'Your account is ready')
    assert.ok(await page.isVisible('main a[href="/my-sessions"]'), "the volunteer's own pages")
    assert.equal(await page.locator('main a[href="/today"]').count(), 0, 'and no others')
    assert.doesNotMatch((await page.textContent('main')) ?? '', /authenticator/)
    await assertFirstStepPage(page, 'the account ready, without a second factor')
    await page.click('a#start')
    await page.waitForURL(/\/my-sessions$/)

    // Signing in another day, not from the invitation, goes straight to the person's work.
    const later = await open(browser)
    await later.page.goto(url('/sign-in?centre=ashbury'))
    await later.page.fill('#email', VOLUNTEER)
    await later.page.fill('#password', PASSWORD)
    await later.page.click('main button[type=submit]')
    await later.page.waitForURL(/\/my-sessions$/)
    assert.deepEqual([...problems, ...later.problems], [], 'no script error and no CSP violation')
  })
})
