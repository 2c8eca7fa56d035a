// Screenshots of the main pages for the docs (npm run screenshots): a demo centre served on a
// free port, its coordinator set up from the printed link, Debian's Chromium. Writes
// docs/screenshots/*.png. Synthetic data only.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { operatorActor } from '../src/app/actor.ts'
import { listFamilies } from '../src/app/families.ts'
import { listRooms } from '../src/app/rooms.ts'
import { openHaven } from '../src/app/runtime.ts'
import { bookSession } from '../src/app/sessions.ts'
import { loadConfig } from '../src/config.ts'
import { ukDateTime } from '../src/domain/calendar.ts'
import { hotp, totpStep } from '../src/domain/totp.ts'
import { base32Decode } from '../test/support/accounts.ts'
import { launchBrowser } from '../test/support/browser.ts'
import { serveHaven } from '../test/support/processes.ts'

const out = new URL('../docs/screenshots/', import.meta.url)
mkdirSync(out, { recursive: true })
const dir = mkdtempSync(path.join(tmpdir(), 'haven-shots-'))
const served = await serveHaven({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'true' })
const browser = await launchBrowser()
try {
  let link = ''
  let email = ''
  for (let i = 0; i < 100 && link === ''; i += 1) {
    link = /(https?:\/\/\S+\/invitations\/\S+)/.exec(served.stderr())?.[1] ?? ''
    email = /coordinator \(([^)]+)\)/.exec(served.stderr())?.[1] ?? ''
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const page = await (
    await browser.newContext({ viewport: { width: 1100, height: 900 } })
  ).newPage()
  const shot = (name: string) =>
    page.screenshot({ path: new URL(name, out).pathname, fullPage: true })
  await page.goto(link)
  await page.fill('#displayName', 'Demo Coordinator')
  await page.fill('#password', 'lantern orchard pebble')
  await page.click('button[type=submit]')
  await page.click('a#sign-in')
  await page.waitForURL(/\/sign-in\?centre=demo&welcome=1$/)
  await page.fill('#email', email)
  await page.fill('#password', 'lantern orchard pebble')
  await page.click('button[type=submit]')
  await page.waitForURL(/set-up$/)
  // The second factor's set-up as a phone shows it: the QR code, the key in blocks of four.
  await page.setViewportSize({ width: 375, height: 667 })
  await shot('phone-second-factor.png')
  await page.setViewportSize({ width: 1100, height: 900 })
  const secret = (await page.textContent('code.secret'))?.replaceAll(/\s/g, '') ?? ''
  await page.fill('#code', hotp(base32Decode(secret), totpStep(Date.now())))
  await page.click('button[type=submit]')
  await page.waitForLoadState()
  await page.goto(new URL('/today', served.url).toString())
  await shot('coordinator-day.png')
  await page.goto(new URL('/families', served.url).toString())
  await page.click('main table a')
  await page.waitForURL(/\/families\/[0-9a-f-]{36}$/)
  await shot('family-record.png')
  await page.goto(new URL('/centres/demo/policy', served.url).toString())
  await page.screenshot({ path: new URL('policy.png', out).pathname })
  await page.goto(new URL('/disclosures', served.url).toString())
  await page.locator('main table tr', { hasText: 'Refused' }).first().locator('a').click()
  await page.waitForURL(/\/disclosures\/[0-9a-f-]{36}$/)
  await shot('disclosure-decision.png')
  // Finding a family by a first name from the list.
  await page.goto(new URL('/families', served.url).toString())
  const firstName =
    ((await page.locator('main table tbody tr td').nth(1).textContent()) ?? '').split(',')[0] ?? ''
  await page.fill('#q', firstName.trim())
  await page.click('main form[action="/families/search"] button')
  await page.waitForLoadState()
  await shot('search.png')
  await page.goto(new URL('/sessions/month', served.url).toString())
  await shot('month.png')
  // The demo's sessions fall on Saturdays: the sheet of the coming (or this) Saturday.
  const saturday = new Date()
  saturday.setUTCDate(saturday.getUTCDate() + ((6 - saturday.getUTCDay() + 7) % 7))
  await page.goto(
    new URL(
      `/sessions/day-sheet?date=${saturday.toISOString().slice(0, 10)}`,
      served.url,
    ).toString(),
  )
  await page.emulateMedia({ media: 'print' })
  await shot('day-sheet.png')
  await page.emulateMedia({ media: 'screen' })
  await page.goto(new URL('/centre/statistics', served.url).toString())
  await shot('statistics.png')
  // Moving in: a check of two files with mistakes, every problem listed, nothing saved.
  await page.goto(new URL('/centre/import', served.url).toString())
  await page.setInputFiles('#files', [
    {
      name: 'families.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'Family,Keep parents apart,Status\r\nRowan,yes,active\r\nHazel,perhaps,active\r\n',
      ),
    },
    {
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'Family,Role,First name,Last name,Date of birth,Parental responsibility\r\nRowan,resident parent,Ceri,Rowe,,yes\r\nRowan,child,Alys,Rowe,01/02/20,\r\nHazel,resident parent,Dilys,Hart,,yes\r\nHazel,cousin,Emrys,Hart,,\r\nHazel,child,Ffion,Hart,31/02/2019,\r\n',
      ),
    },
  ])
  await page.click('main form[action="/centre/import"] button')
  await page.waitForLoadState()
  await shot('import-check.png')

  // A session today (the demo's sessions fall on Saturdays), for the door on a phone.
  const haven = await openHaven(loadConfig({ HAVEN_DATA_DIR: dir }, process.cwd()))
  try {
    const centreId = (
      await haven.ctx.db.selectFrom('centres').select('id').executeTakeFirstOrThrow()
    ).id
    const operator = operatorActor(centreId)
    const families = await listFamilies(haven.ctx, operator, { limit: 30, offset: 0 })
    const family = families.find(
      (f) => f.status === 'active' && f.separationPlan?.isRequired === true,
    )
    const [room] = await listRooms(haven.ctx, operator)
    const today = ukDateTime(new Date()).slice(0, 10)
    if (family && room)
      await bookSession(haven.ctx, operator, {
        familyId: family.id,
        roomId: room.id,
        kind: 'supported',
        startsAt: `${today}T16:00`,
        endsAt: `${today}T18:00`,
      })
  } finally {
    await haven.close()
  }
  const phoneContext = await browser.newContext({
    viewport: { width: 375, height: 667 },
    isMobile: true,
    storageState: await page.context().storageState(),
  })
  const door = await phoneContext.newPage()
  await door.goto(new URL('/my-sessions', served.url).toString())
  await door.screenshot({ path: new URL('phone-door.png', out).pathname, fullPage: true })
  const phone = await (
    await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true })
  ).newPage()
  await phone.goto(new URL('/sign-in', served.url).toString())
  await phone.screenshot({ path: new URL('phone-sign-in.png', out).pathname, fullPage: true })
  process.stdout.write(`screenshots written to ${out.pathname}\n`)
} finally {
  await browser.close()
  await served.stop()
  rmSync(dir, { recursive: true, force: true })
}
