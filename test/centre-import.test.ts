import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import writeXlsxFile from 'write-excel-file/node'
import { operatorActor } from '../src/app/actor.ts'
import {
  describeProblem,
  importRecords,
  openCheckedFiles,
  sealCheckedFiles,
  type ImportReport,
} from '../src/app/centre-import.ts'
import { createCentre } from '../src/app/centres.ts'
import { familiesFound } from '../src/app/family-search.ts'
import {
  templateCsv,
  templateWorkbook,
  workbookRefusal,
  type ImportFile,
} from '../src/app/import-files.ts'
import { addRoom } from '../src/app/rooms.ts'
import { templateHeadings } from '../src/domain/import-sheets.ts'
import type { AppContext } from '../src/app/context.ts'
import {
  dialectsUnderTest,
  dumpEveryTable,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/** A CSV file from rows of cells, as Excel would save it. */
function csv(name: string, rows: string[][]): ImportFile {
  const text = rows
    .map((row) => row.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','))
    .join('\r\n')
  return { name, bytes: new TextEncoder().encode(text) }
}

const AGENCIES = csv('agencies.csv', [
  ['Agency name', 'Kind'],
  ['Hollis & Co Solicitors', 'solicitor'],
  ['Northshire Family Mediation', 'Mediator'],
])
const FAMILIES = csv('Families.csv', [
  ['Family', 'Referred by', 'Referral received', 'Status', 'Keep parents apart', 'Safety flags'],
  ['Oak', 'Hollis & Co Solicitors', '03/02/2026', 'active', 'yes', 'no_photos'],
  ['Birch', '', '2026-01-20', 'waiting', 'no', ''],
])
const PEOPLE = csv('people.csv', [
  [
    'Family',
    'Role',
    'First name',
    'Last name',
    'Date of birth',
    'Relationship',
    'Parental responsibility',
    'Address',
    'Phone',
    'Email',
  ],
  [
    'Oak',
    'resident parent',
    'Siân',
    'Llŷr',
    '',
    'mother',
    'yes',
    '7 Harbour Steps\nQ3 8XY',
    '07700 900777',
    '',
  ],
  ['Oak', 'visiting parent', 'Tomasz', 'Wójcik', '', 'father', 'yes', '', '', ''],
  ['Oak', 'child', 'Nia', 'Wójcik', '11/02/2018', '', '', '', '', ''],
  ['Birch', 'Resident Parent', 'Kerensa', 'Trelawny', '', '', 'yes', '1 Mill Yard, Q5 2AB', '', ''],
  ['Birch', 'child', 'Lowen', 'Penrose', '30/9/2021', '', '', '', '', ''],
  ['Birch', 'other adult', 'Morwenna', 'Penrose', '', 'grandmother', '', '', '', ''],
])
const SESSIONS = csv('sessions.csv', [
  ['Family', 'Date', 'Starts', 'Ends', 'Room', 'Kind'],
  ['Oak', '21/03/2026', '10:00', '12:00', 'Garden room', 'supervised'],
])

async function centre(ctx: AppContext): Promise<string> {
  const { centre } = await createCentre(ctx, {
    name: 'Centre ashbury',
    slug: 'ashbury',
    coordinatorEmail: 'coordinator@ashbury.example.org',
  })
  await addRoom(ctx, operatorActor(centre.id), 'Garden room')
  await addRoom(ctx, operatorActor(centre.id), 'Blue room')
  return centre.id
}

async function familyCount(ctx: AppContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('families')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

function problemsOf(report: ImportReport): string[] {
  return report.problems.map(describeProblem)
}

for (const dialect of await dialectsUnderTest()) {
  describe(
    `moving a centre in from its spreadsheets on ${dialect.name}`,
    { skip: dialect.skip },
    () => {
      it('a dry run writes nothing; the import writes every record sealed, searchable and audited by counts', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const centreId = await centre(ctx)
          const actor = operatorActor(centreId)
          const files = [AGENCIES, FAMILIES, PEOPLE, SESSIONS]
          const before = await dumpEveryTable(database)

          const dry = await importRecords(ctx, actor, files, { isDryRun: true })
          assert.deepEqual(problemsOf(dry), [])
          assert.equal(dry.isImported, false)
          assert.deepEqual(dry.counts, { agencies: 2, families: 2, people: 6, sessions: 1 })
          assert.deepEqual(
            dry.references.map((r) => r.label),
            ['Oak', 'Birch'],
          )
          assert.equal(await dumpEveryTable(database), before, 'a dry run leaves no trace')

          const done = await importRecords(ctx, actor, files, { isDryRun: false })
          assert.deepEqual(problemsOf(done), [])
          assert.equal(done.isImported, true)
          assert.deepEqual(done.counts, dry.counts)
          assert.equal(await familyCount(ctx), 2)
          // The references the dry run promised are the ones given.
          assert.deepEqual(done.references, dry.references)

          const families = await ctx.db
            .selectFrom('families')
            .selectAll()
            .orderBy('reference')
            .execute()
          const oak = families.find((f) => f.reference === done.references[0]?.reference)
          assert.ok(oak)
          assert.equal(Boolean(oak.is_separation_required), true)
          const referrals = await ctx.db
            .selectFrom('referrals')
            .select(['status', 'received_on', 'family_id'])
            .execute()
          assert.deepEqual(
            referrals
              .map((r) => [r.family_id === oak.id ? 'Oak' : 'Birch', r.status, r.received_on])
              .sort(),
            [
              ['Birch', 'waiting', '2026-01-20'],
              ['Oak', 'active', '2026-02-03'],
            ],
          )
          const sessions = await ctx.db.selectFrom('contact_sessions').selectAll().execute()
          assert.equal(sessions.length, 1)
          assert.equal(sessions[0]?.family_id, oak.id)

          const everything = await dumpEveryTable(database)
          for (const clear of ['Harbour Steps', 'Q3 8XY', '07700 900777', 'Mill Yard'])
            assert.ok(!everything.includes(clear), `${clear} is sealed, not held in clear`)
          const found = await familiesFound(ctx, ctx.db, centreId, 'sian llyr', 10)
          assert.deepEqual(found, [oak.id], 'the imported family can be found')

          const entries = await ctx.db
            .selectFrom('audit_log')
            .select(['type', 'details'])
            .where('type', '=', 'records.imported')
            .execute()
          assert.equal(entries.length, 1)
          assert.deepEqual(JSON.parse(entries[0]?.details ?? '{}'), dry.counts)
          assert.ok(!/Oak|Birch|Llŷr|Hollis/.test(entries[0]?.details ?? ''), 'counts, never names')

          // Agencies already held are used again, not doubled.
          const again = await importRecords(ctx, actor, [AGENCIES], { isDryRun: false })
          assert.deepEqual(again.counts.agencies, 0)
          const agencies = await ctx.db.selectFrom('agencies').select('name').execute()
          assert.equal(agencies.length, 2)
        }))

      it('lists every problem of every row in words and writes nothing at all', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const centreId = await centre(ctx)
          const actor = operatorActor(centreId)
          const families = csv('families.csv', [
            ['Family', 'Referred by', 'Keep parents apart', 'Notes'],
            ['Ash', 'Nobody Known', 'maybe', 'x'],
            ['Elm', '', 'no', ''],
            ['Elm', '', 'no', ''],
            ['Yew', '', 'yes', ''],
          ])
          const people = csv('people.csv', [
            [
              'Family',
              'Role',
              'First name',
              'Last name',
              'Date of birth',
              'Parental responsibility',
              'Address',
            ],
            ['Ash', 'uncle', 'Ifor', 'Bevan', '', '', ''],
            ['Elm', 'resident parent', 'Ceri', 'Rowe', '', 'yes', ''],
            ['Elm', 'child', 'Alys', 'Rowe', '01/01/30', '', ''],
            ['Elm', 'child', '', 'Rowe', '2031-01-01', '', 'Flat 2'],
            ['Yew', 'resident parent', 'Dilys', 'Hart', '', 'yes', ''],
            ['Yew', 'visiting parent', 'Emrys', 'Hart', '', 'no', ''],
            ['Yew', 'child', 'Ffion', 'Hart', '28/02/2019', '', ''],
            ['Elm', 'child', 'Gareth', 'Rowe', '31/02/2019', '', ''],
            ['Pine', 'child', 'Gwen', 'Lloyd', '2019-05-05', '', ''],
          ])
          const sessions = csv('sessions.csv', [
            ['Family', 'Date', 'Starts', 'Ends', 'Room', 'Kind'],
            ['Yew', '13/03/2026', '10:00', '11:00', 'Garden room', 'supervised'],
            ['Yew', '21/03/2026', '10:00', '09:00', 'Garden room', 'supervised'],
            ['Yew', '21/03/2026', '10:00', '11:00', 'Attic', 'supervised'],
            ['F-9999', '21/03/2026', '10am', '11.30', 'Garden room', 'picnic'],
          ])
          const report = await importRecords(
            ctx,
            actor,
            [families, people, sessions, csv('notes.csv', [['a']])],
            {
              isDryRun: false,
            },
          )
          assert.equal(report.isImported, false)
          const problems = problemsOf(report)
          const expect = [
            /^Files: "notes.csv" is not one of the sheets Haven imports/,
            /^Families, row 1, Notes: "Notes" is not a column Haven imports/,
            /^Families, row 2, Keep parents apart: Keep parents apart should be yes or no, not "maybe"/,
            /^Families, row 2, Referred by: no agency "Nobody Known"/,
            /^Families, row 2, Family: the family "Ash" has no parent in the People sheet/,
            /^Families, row 2, Family: the family "Ash" has no child/,
            /^Families, row 4, Family: the family "Elm" is listed twice \(first on row 3\)/,
            /^People, row 2, Role: Role "uncle" is not one of: resident parent, visiting parent, child, other adult/,
            /^People, row 4, Date of birth: Date of birth has a two-digit year/,
            /^People, row 5, First name: First name is empty/,
            /^People, row 5, Address: Address is recorded for parents only/,
            /^People, row 9, Date of birth: Date of birth is not a real date \(31\/02\/2019\)/,
            /^People, row 10, Family: no family "Pine" in the Families sheet/,
            /^Sessions, row 3, Ends: the session ends \(09:00\) before it starts \(10:00\)/,
            /^Sessions, row 5, Kind: Kind "picnic" is not one of: supported, supervised, handover/,
          ]
          for (const pattern of expect)
            assert.ok(
              problems.some((p) => pattern.test(p)),
              `${String(pattern)} in:\n${problems.join('\n')}`,
            )
          // Found by the database checks, once the rows read well.
          assert.ok(
            problems.some((p) =>
              /^Sessions, row 2, Starts: that day has passed \(13\/03\/2026\)/.test(p),
            ),
            `a session in the past is refused:\n${problems.join('\n')}`,
          )
          assert.ok(
            problems.some((p) =>
              /^Sessions, row 4, Room: there is no room "Attic"; the rooms are Blue room, Garden room/.test(
                p,
              ),
            ),
            problems.join('\n'),
          )
          assert.equal(await familyCount(ctx), 0, 'nothing written while anything is wrong')
          const imported = await ctx.db
            .selectFrom('audit_log')
            .select('type')
            .where('type', '=', 'records.imported')
            .execute()
          assert.equal(imported.length, 0)
        }))

      it('refuses two sessions in one room, and a family in two places, within one import', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const centreId = await centre(ctx)
          const actor = operatorActor(centreId)
          const sessions = csv('sessions.csv', [
            ['Family', 'Date', 'Starts', 'Ends', 'Room', 'Kind'],
            ['Oak', '21/03/2026', '10:00', '12:00', 'Garden room', 'supervised'],
            ['Birch', '21/03/2026', '11:00', '12:00', 'Garden room', 'supported'],
            ['Oak', '21/03/2026', '11:00', '12:30', 'Blue room', 'supervised'],
          ])
          const report = await importRecords(ctx, actor, [AGENCIES, FAMILIES, PEOPLE, sessions], {
            isDryRun: true,
          })
          const problems = problemsOf(report)
          assert.equal(problems.length, 2, problems.join('\n'))
          assert.match(problems[0] ?? '', /^Sessions, row 3/)
          assert.match(problems[1] ?? '', /^Sessions, row 4/)
        }))

      it('reads an Excel workbook made from the template, dates and times as Excel stores them', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const centreId = await centre(ctx)
          const template = await templateWorkbook()
          assert.equal(
            workbookRefusal(template),
            undefined,
            'the template passes the workbook check',
          )
          const headings = (sheet: 'families' | 'people' | 'sessions') =>
            templateHeadings(sheet).map((value) => ({ value }))
          const pad = (
            cells: (string | Date | null)[],
            sheet: 'families' | 'people' | 'sessions',
          ) => templateHeadings(sheet).map((_, i) => cells[i] ?? null)
          const workbook = await writeXlsxFile([
            {
              sheet: 'Families',
              data: [
                headings('families'),
                pad(
                  ['Rowan', null, new Date('2026-02-01T00:00:00Z'), 'accepted', 'no'],
                  'families',
                ),
              ],
              dateFormat: 'dd/mm/yyyy',
            },
            {
              sheet: 'People',
              data: [
                headings('people'),
                pad(
                  [
                    'Rowan',
                    'resident parent',
                    'Nguyễn',
                    'Thảo',
                    null,
                    null,
                    'yes',
                    'ul. Długa 5\nŁódź',
                  ],
                  'people',
                ),
                pad(['Rowan', 'child', 'An', 'Nguyễn', new Date('2019-06-01T00:00:00Z')], 'people'),
              ],
              dateFormat: 'dd/mm/yyyy',
            },
            {
              sheet: 'Sessions',
              data: [
                headings('sessions'),
                pad(
                  [
                    'Rowan',
                    new Date('2026-03-28T00:00:00Z'),
                    '14:00',
                    '15:30',
                    'Blue room',
                    'supported',
                  ],
                  'sessions',
                ),
              ],
              dateFormat: 'dd/mm/yyyy',
            },
          ]).toBuffer()
          const report = await importRecords(
            ctx,
            operatorActor(centreId),
            [{ name: 'Our families.xlsx', bytes: workbook }],
            { isDryRun: false },
          )
          assert.deepEqual(problemsOf(report), [])
          assert.deepEqual(report.counts, { agencies: 0, families: 1, people: 2, sessions: 1 })
          const child = await ctx.db
            .selectFrom('people')
            .select(['given_name', 'date_of_birth'])
            .where('kind', '=', 'child')
            .executeTakeFirstOrThrow()
          assert.deepEqual([child.given_name, child.date_of_birth], ['An', '2019-06-01'])
          const session = await ctx.db
            .selectFrom('contact_sessions')
            .select(['starts_at', 'ends_at'])
            .executeTakeFirstOrThrow()
          assert.deepEqual(
            [session.starts_at, session.ends_at],
            ['2026-03-28T14:00', '2026-03-28T15:30'],
          )
        }))

      it('reads a CSV file Excel saved as Windows-1252, refuses a workbook that unpacks too large, and seals checked files for one session and 30 minutes', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const clock = new TestClock('2026-03-14T09:00:00Z')
          const ctx = testContext(database, clock)
          const centreId = await centre(ctx)
          const actor = operatorActor(centreId)
          const latin1 = (text: string) => Buffer.from(text, 'latin1')
          const families = {
            name: 'families.csv',
            bytes: latin1('Family,Keep parents apart\r\nLarch,no\r\n'),
          }
          const people = {
            name: 'people.csv',
            bytes: latin1(
              'Family,Role,First name,Last name,Date of birth,Parental responsibility\r\nLarch,resident parent,Siân,Gruffydd,,yes\r\nLarch,child,Elin,Gruffydd,02/03/2020,\r\n',
            ),
          }
          const report = await importRecords(ctx, actor, [families, people], { isDryRun: false })
          assert.deepEqual(problemsOf(report), [])
          const parent = await ctx.db
            .selectFrom('people')
            .select('given_name')
            .where('kind', '=', 'resident_parent')
            .executeTakeFirstOrThrow()
          assert.equal(parent.given_name, 'Siân')

          const bomb = Buffer.from(await templateWorkbook())
          // Claim one entry unpacks to 2 GB in the central directory.
          const central = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
          bomb.writeUInt32LE(0x7fff_ffff, central + 24)
          const refused = await importRecords(ctx, actor, [{ name: 'big.xlsx', bytes: bomb }], {
            isDryRun: true,
          })
          assert.match(problemsOf(refused).join('\n'), /"big.xlsx" unpacks to more than 64 MB/)
          assert.equal(templateCsv('agencies'), '\uFEFFAgency name,Kind\r\n')

          // Checked files, sealed for the page, open for the same session within 30 minutes only.
          const checked = sealCheckedFiles(ctx, actor, [families])
          const opened = openCheckedFiles(ctx, actor, checked.sealed, checked.expiresAt)
          assert.deepEqual(
            opened.files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes) })),
            [{ name: 'families.csv', bytes: Buffer.from(families.bytes) }],
          )
          assert.match(opened.checkId, /^[0-9a-f-]{36}$/)
          assert.throws(
            () =>
              openCheckedFiles(
                ctx,
                { ...actor, sessionId: 'another' },
                checked.sealed,
                checked.expiresAt,
              ),
            /could not be read back/,
          )
          clock.advance(30 * 60 * 1000 + 1)
          assert.throws(
            () => openCheckedFiles(ctx, actor, checked.sealed, checked.expiresAt),
            /waited more than 30 minutes/,
          )
        }))

      it('twenty imports of the same booking at once: exactly one books the room', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const centreId = await centre(ctx)
          const actor = operatorActor(centreId)
          const sessions = csv('sessions.csv', [
            ['Family', 'Date', 'Starts', 'Ends', 'Room', 'Kind'],
            ['Birch', '21/03/2026', '10:00', '12:00', 'Garden room', 'supervised'],
          ])
          const families = csv('families.csv', [
            ['Family', 'Keep parents apart'],
            ['Birch', 'no'],
          ])
          const people = csv('people.csv', [
            [
              'Family',
              'Role',
              'First name',
              'Last name',
              'Date of birth',
              'Parental responsibility',
            ],
            ['Birch', 'resident parent', 'Kerensa', 'Trelawny', '', 'yes'],
            ['Birch', 'child', 'Lowen', 'Penrose', '30/09/2021', ''],
          ])
          const reports = await Promise.all(
            Array.from({ length: 20 }, () =>
              importRecords(ctx, actor, [families, people, sessions], { isDryRun: false }),
            ),
          )
          assert.equal(reports.filter((r) => r.isImported).length, 1)
          assert.equal(await familyCount(ctx), 1)
          const booked = await ctx.db.selectFrom('contact_sessions').select('id').execute()
          assert.equal(booked.length, 1)
          for (const r of reports.filter((r) => !r.isImported))
            assert.match(problemsOf(r).join('\n'), /^Sessions, row 2/)
        }))
    },
  )
}
