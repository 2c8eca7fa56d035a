import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, invite, testApp, type Client } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText, type PageResponse } from './support/pages.ts'

const FAMILIES = 'Family,Keep parents apart,Status\r\nOak,yes,active\r\nBirch,no,accepted\r\n'
const PEOPLE = [
  'Family,Role,First name,Last name,Date of birth,Parental responsibility,Address,Phone',
  'Oak,resident parent,Siân,Llŷr,,yes,"7 Harbour Steps, Q3 8XY",07700 900777',
  'Oak,visiting parent,Tomasz,Wójcik,,yes,,',
  'Oak,child,Nia,Wójcik,11/02/2018,,,',
  'Birch,resident parent,Kerensa,Trelawny,,yes,,',
  'Birch,child,Lowen,Penrose,30/09/2021,,,',
].join('\r\n')
const SESSIONS =
  'Family,Date,Starts,Ends,Room,Kind\r\nOak,21/03/2026,10:00,12:00,Willow Room,supervised\r\n'

/** Sends files through the upload form as a browser does: multipart, with the CSRF token. */
async function upload(client: Client, files: Record<string, string>): Promise<PageResponse> {
  const form = new FormData()
  form.append('_csrf', client.csrf ?? '')
  for (const [name, text] of Object.entries(files))
    form.append('files', new File([text], name, { type: 'text/csv' }))
  const response = await client.app.request('/centre/import', {
    method: 'POST',
    body: form,
    headers: {
      cookie: [client.cookie, client.deviceCookie].filter((c) => c !== undefined).join('; '),
      'sec-fetch-site': 'same-origin',
      accept: 'text/html',
    },
  })
  return {
    status: response.status,
    location: response.headers.get('location'),
    text: await response.text(),
  }
}

function hidden(page: PageResponse, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(page.text)?.[1]
  assert.ok(value !== undefined, `no ${name} on the page`)
  return value.replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&#43;', '+')
}

for (const dialect of await dialectsUnderTest()) {
  describe(`the import page on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('gives the templates, lists every problem of a file, checks, then imports what was checked once', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const client = coordinator.client
        await client.json('POST', '/api/rooms', { name: 'Willow Room' })
        const families = async () =>
          (await ctx.db.selectFrom('families').select('id').execute()).length

        const start = await getPage(client, '/centre/import')
        assert.equal(start.status, 200)
        assert.match(visibleText(start.text), /Download the Excel template/)
        const workbook = await client.call('GET', '/centre/import/template.xlsx')
        assert.equal(workbook.status, 200)
        assert.match(workbook.headers.get('content-type') ?? '', /spreadsheetml/)
        assert.deepEqual(
          [...new Uint8Array(await workbook.arrayBuffer()).subarray(0, 2)],
          [0x50, 0x4b],
        )
        const people = await client.call('GET', '/centre/import/people.csv')
        const csv = Buffer.from(await people.arrayBuffer())
        assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte-order mark for Excel')
        assert.match(csv.toString('utf8', 3), /^Family,Role,First name,Last name,Date of birth/)

        const empty = await upload(client, {})
        assert.equal(empty.status, 400)
        assert.match(visibleText(empty.text), /Choose the files to check/)

        const wrong = await upload(client, {
          'families.csv': FAMILIES,
          'people.csv': PEOPLE.replace('11/02/2018', '11/02/18').replace(
            'Birch,child',
            'Birch,cousin',
          ),
          'sessions.csv': SESSIONS.replace('Willow Room', 'Attic'),
        })
        assert.equal(wrong.status, 400)
        const said = visibleText(wrong.text)
        assert.match(said, /5 problems were found/)
        assert.match(said, /Families 3 Family The family "Birch" has no child in the People sheet/)
        assert.match(said, /Sessions 2 Family The family "Oak" has problems of its own/)
        assert.match(said, /People 4 Date of birth Date of birth has a two-digit year/)
        assert.match(said, /People 6 Role Role "cousin" is not one of/)
        assert.match(said, /Sessions 2 Room There is no room "Attic"; the rooms are Willow Room/)
        assert.ok(
          !said.includes('Harbour Steps') && !said.includes('07700'),
          'no contact details echoed',
        )
        assert.equal(await families(), 0)

        const checked = await upload(client, {
          'families.csv': FAMILIES,
          'people.csv': PEOPLE,
          'sessions.csv': SESSIONS,
        })
        assert.equal(checked.status, 200, visibleText(checked.text))
        assert.match(
          visibleText(checked.text),
          /No problems found Ready to import 2 families, 5 people, 1 session, 0 agencies/,
        )
        assert.match(visibleText(checked.text), /Oak F-0001 Birch F-0002/)
        assert.ok(!checked.text.includes('Harbour Steps'), 'the checked files travel sealed')
        assert.equal(await families(), 0, 'a check saves nothing')
        const sealed = hidden(checked, 'sealed')
        const expiresAt = hidden(checked, 'expiresAt')

        // Someone else's session cannot use the sealed files, nor can an altered copy.
        const other = await invite(ctx, app, centreId, 'ashbury', 'staff@ashbury.example.org', [
          'staff',
        ])
        const stolen = await postForm(other.client, '/centre/import/confirm', { sealed, expiresAt })
        assert.equal(stolen.status, 400)
        assert.match(visibleText(stolen.text), /could not be read back/)
        const altered = await postForm(client, '/centre/import/confirm', {
          sealed,
          expiresAt: new Date(Date.parse(expiresAt) + 60_000).toISOString(),
        })
        assert.equal(altered.status, 400)
        assert.equal(await families(), 0)

        // A second set of files, checked before the first is imported: its session would take
        // the same room at the same time, which nothing has booked yet.
        const second = await upload(client, {
          'families.csv': 'Family,Keep parents apart\r\nRowan,no\r\n',
          'people.csv':
            'Family,Role,First name,Last name,Date of birth,Parental responsibility\r\nRowan,resident parent,Ceri,Rowe,,yes\r\nRowan,child,Alys,Rowe,01/02/2020,\r\n',
          'sessions.csv': SESSIONS.replace('Oak,', 'Rowan,'),
        })
        assert.equal(second.status, 200, visibleText(second.text))

        const done = await postForm(client, '/centre/import/confirm', { sealed, expiresAt })
        assert.equal(done.status, 303, visibleText(done.text))
        assert.equal(done.location, '/centre/import?imported=2&people=5&sessions=1&agencies=0')
        assert.equal(await families(), 2)
        const after = await getPage(client, done.location)
        assert.match(
          visibleText(after.text),
          /Imported 2 families, 5 people, 1 session, 0 agencies/,
        )

        // The same checked files again, by any route (a new form token, none): imported once.
        const twice = await postForm(client, '/centre/import/confirm', { sealed, expiresAt })
        assert.equal(twice.status, 409)
        assert.match(visibleText(twice.text), /These checked files have been imported already/)
        assert.equal(await families(), 2)

        // The second set, checked before: since then its room has been taken.
        const late = await postForm(client, '/centre/import/confirm', {
          sealed: hidden(second, 'sealed'),
          expiresAt: hidden(second, 'expiresAt'),
        })
        assert.equal(late.status, 409)
        assert.match(visibleText(late.text), /since the check, 1 problem has come up/)
        assert.match(visibleText(late.text), /Sessions 2 Room/)
        assert.equal(await families(), 2)
      }))

    it('is not offered to a volunteer, and refuses their upload', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId } = await centreWithCoordinator(ctx, app, 'ashbury')
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        assert.equal((await getPage(volunteer.client, '/centre/import')).status, 403)
        assert.equal((await getPage(volunteer.client, '/centre/import/template.xlsx')).status, 403)
        const refused = await upload(volunteer.client, {
          'families.csv': FAMILIES,
          'people.csv': PEOPLE,
        })
        assert.equal(refused.status, 403)
        assert.equal((await ctx.db.selectFrom('families').select('id').execute()).length, 0)
      }))
  })
}
