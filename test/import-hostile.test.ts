/**
 * Moving a centre in (decision 0038), attacked as an outsider would: hostile workbooks and
 * CSV files, the sealed "checked files" replayed and tampered with, every role at the routes,
 * oversized bodies, and text built to mislead. Each test asserts the SAFE behaviour. A test
 * marked `todo: 'finding N'` fails today: it is finding N of the review of the import
 * (docs/reviews/import-attack.md), kept so the fix can be seen to turn it green.
 *
 * Workbooks that could exhaust memory are read in a process of their own
 * (test/support/import-probe.ts), with a small heap and a time limit, so a crash there is a
 * failed assertion here and never takes the test runner down.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import writeXlsxFile from 'write-excel-file/node'
import { operatorActor, type Actor } from '../src/app/actor.ts'
import {
  describeProblem,
  importRecords,
  openCheckedFiles,
  sealCheckedFiles,
  type ImportReport,
} from '../src/app/centre-import.ts'
import { createCentre } from '../src/app/centres.ts'
import type { AppContext } from '../src/app/context.ts'
import { familiesFound } from '../src/app/family-search.ts'
import { sheetsOfFiles, type ImportFile } from '../src/app/import-files.ts'
import { readSheets } from '../src/domain/import-sheets.ts'
import { addRoom } from '../src/app/rooms.ts'
import { quarterReturnFile } from '../src/app/statistics.ts'
import { quarterReturnCsv, parseQuarter } from '../src/domain/statistics.ts'
import {
  centreWithCoordinator,
  currentCode,
  invite,
  PASSWORD,
  testApp,
  type Client,
} from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText, type PageResponse } from './support/pages.ts'
import { deflatedRun, readZip, writeZip, type ZipEntry } from './support/zip-forge.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const text = (s: string) => new TextEncoder().encode(s)
const csvFile = (name: string, body: string): ImportFile => ({ name, bytes: text(body) })

const PEOPLE_HEAD =
  'Family,Role,First name,Last name,Date of birth,Relationship,Parental responsibility'
/** A family's three people (a parent, a child, another adult), as CSV lines. */
const peopleOf = (label: string, given = 'Ceri', family = 'Rowe') =>
  [
    `${label},resident parent,${given},${family},,,yes`,
    `${label},child,Alys,${family},02/03/2020,,`,
  ].join('\r\n')

// ---------------------------------------------------------------------------------------
// Workbooks built by hand
// ---------------------------------------------------------------------------------------

const cell = (value: string) => ({ value })
/** A workbook with one family (Oak) and its parent and child, as Excel would make it. */
async function goodWorkbook(): Promise<Buffer> {
  return writeXlsxFile([
    {
      sheet: 'Families',
      data: [['Family', 'Keep parents apart'].map(cell), ['Oak', 'yes'].map(cell)],
    },
    {
      sheet: 'People',
      data: [
        [
          'Family',
          'Role',
          'First name',
          'Last name',
          'Date of birth',
          'Parental responsibility',
        ].map(cell),
        ['Oak', 'resident parent', 'Ceri', 'Rowe', '', 'yes'].map(cell),
        ['Oak', 'child', 'Alys', 'Rowe', '02/03/2020', ''].map(cell),
      ],
    },
  ]).toBuffer()
}

/** The good workbook's entries with some replaced or added. */
async function forged(
  change: (entries: Map<string, Buffer>) => void,
  extra: ZipEntry[] = [],
): Promise<Buffer> {
  const entries = new Map(readZip(await goodWorkbook()).map((e) => [e.name, e.data]))
  change(entries)
  return writeZip([...[...entries].map(([name, data]) => ({ name, data })), ...extra])
}

const edit = (entries: Map<string, Buffer>, name: string, change: (xml: string) => string) => {
  const xml = entries.get(name)?.toString('utf8')
  assert.ok(xml !== undefined, `the workbook has ${name}`)
  entries.set(name, Buffer.from(change(xml)))
}

interface Probe {
  /** The process's exit code, or the signal that ended it (a crash: out of memory). */
  exit: number | string
  problems: string[]
  rows: Record<string, number>
  families: { label: string; people: number }[]
  maxRssMb: number
  ms: number
  stderr: string
}

/**
 * Reads the files in a process of its own, as the import does, with a heap of `heapMb` and
 * `seconds` to finish: what the import would make of them, and what it cost.
 */
async function probe(
  files: Record<string, Uint8Array | string>,
  options: { heapMb?: number; seconds?: number } = {},
): Promise<Probe> {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-hostile-'))
  dirs.push(dir)
  const args = Object.entries(files).map(([name, bytes], i) => {
    const file = path.join(dir, `f${String(i)}`)
    writeFileSync(file, bytes)
    return `${name}=${file}`
  })
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${String(options.heapMb ?? 256)}`,
      path.join(import.meta.dirname, 'support', 'import-probe.ts'),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), (options.seconds ?? 30) * 1000)
  const exit = await new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => {
      resolve(code ?? signal ?? 'unknown')
    }),
  )
  clearTimeout(timer)
  const parsed = (stdout.trim() === '' ? {} : JSON.parse(stdout)) as Partial<Probe>
  return {
    exit,
    problems: parsed.problems ?? [],
    rows: parsed.rows ?? {},
    families: parsed.families ?? [],
    maxRssMb: parsed.maxRssMb ?? Number.NaN,
    ms: parsed.ms ?? Number.NaN,
    stderr: stderr.slice(0, 400),
  }
}

describe('hostile workbooks and CSV files', () => {
  it('reads a workbook made as Excel would, as the baseline of what follows', async () => {
    const read = await probe({ 'Our families.xlsx': await goodWorkbook() })
    assert.equal(read.exit, 0, read.stderr)
    assert.deepEqual(read.problems, [])
    assert.deepEqual(read.families, [{ label: 'Oak', people: 2 }])
  })

  it('expands no entity: a billion laughs and an external entity in sharedStrings and in a sheet stay inert', async () => {
    let dtd = '<!DOCTYPE sst [<!ENTITY lol0 "lol">'
    for (let i = 1; i <= 9; i += 1)
      dtd += `<!ENTITY lol${String(i)} "${`&lol${String(i - 1)};`.repeat(10)}">`
    dtd += '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    const workbook = await forged((entries) => {
      edit(entries, 'xl/sharedStrings.xml', (xml) =>
        xml.replace('<sst', `${dtd}<sst`).replace('<t>Oak</t>', '<t>&lol9;&xxe;</t>'),
      )
      edit(entries, 'xl/worksheets/sheet2.xml', (xml) =>
        xml.replace('<worksheet', `${dtd.replace('sst', 'worksheet')}<worksheet`),
      )
    })
    const read = await probe({ 'families.xlsx': workbook })
    assert.equal(read.exit, 0, read.stderr)
    assert.ok(read.ms < 5000, `${String(read.ms)} ms`)
    assert.ok(read.maxRssMb < 300, `${String(read.maxRssMb)} MB`)
    for (const family of read.families) {
      assert.ok(!family.label.includes('lollol'), 'no entity was expanded')
      assert.ok(!family.label.includes('root:'), 'no file was read')
    }
  })

  it('refuses a workbook whose central directory says 1 KB and whose entry unpacks to 200 MB, without unpacking it', async () => {
    const bomb = await deflatedRun(200 * 1024 * 1024)
    const workbook = await forged(
      () => undefined,
      [
        {
          name: 'xl/media/padding.xml',
          data: new Uint8Array(),
          deflated: bomb,
          centralSize: 1024,
        },
      ],
    )
    assert.ok(workbook.length < 300_000, 'a small upload')
    const read = await probe({ 'families.xlsx': workbook }, { heapMb: 512 })
    assert.equal(read.exit, 0, read.stderr)
    assert.ok(
      read.problems.some((p) => /families\.xlsx/.test(p)),
      read.problems.join('\n'),
    )
    assert.ok(read.maxRssMb < 250, `peak RSS ${String(read.maxRssMb)} MB`)
  })

  it('refuses a workbook whose entry gives no size before its data (a data descriptor), without unpacking it all', async () => {
    const bomb = await deflatedRun(200 * 1024 * 1024)
    const workbook = await forged(
      () => undefined,
      [
        {
          name: 'xl/media/padding.xml',
          data: new Uint8Array(),
          deflated: bomb,
          centralSize: 1024,
          hasDataDescriptor: true,
        },
      ],
    )
    const read = await probe({ 'families.xlsx': workbook }, { heapMb: 512 })
    assert.equal(read.exit, 0, read.stderr)
    assert.ok(
      read.problems.some((p) => /families\.xlsx/.test(p)),
      read.problems.join('\n'),
    )
    assert.ok(read.maxRssMb < 250, `peak RSS ${String(read.maxRssMb)} MB`)
  })

  it('refuses, cheaply, a 4 KB workbook whose entry header claims 4 GB', async () => {
    const workbook = await forged(
      () => undefined,
      [{ name: 'xl/claim.xml', data: text('<a/>'), localSize: 0xfffffff0 }],
    )
    assert.ok(workbook.length < 5000)
    const read = await probe({ 'families.xlsx': workbook })
    assert.equal(read.exit, 0, read.stderr)
    assert.ok(
      read.problems.some((p) => /families\.xlsx/.test(p)),
      read.problems.join('\n'),
    )
    assert.ok(read.maxRssMb < 250, `peak RSS ${String(read.maxRssMb)} MB`)
    assert.ok(read.ms < 2000, `${String(read.ms)} ms`)
  })

  it('survives a 4 KB sheet whose one row is numbered 200,000,000 (the reader fills every row before it)', async () => {
    const workbook = await forged((entries) => {
      edit(entries, 'xl/worksheets/sheet1.xml', (xml) =>
        xml.replace(
          '</sheetData>',
          '<row r="200000000"><c r="A200000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
      )
    })
    assert.ok(workbook.length < 5000)
    const read = await probe({ 'families.xlsx': workbook })
    assert.equal(read.exit, 0, `the reading process died: ${String(read.exit)} ${read.stderr}`)
    assert.ok(read.problems.length > 0, 'the sheet is refused')
  })

  it('survives a 4 KB sheet with one cell in column XFD and one in row 20,001 (every row padded to 16,384 cells)', async () => {
    const sheet =
      '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
      '<row r="1"><c r="A1" t="inlineStr"><is><t>Family</t></is></c><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>' +
      '<row r="20001"><c r="A20001" t="inlineStr"><is><t>Oak</t></is></c></row></sheetData></worksheet>'
    const workbook = await forged((entries) =>
      entries.set('xl/worksheets/sheet1.xml', Buffer.from(sheet)),
    )
    const read = await probe({ 'families.xlsx': workbook })
    assert.equal(read.exit, 0, `the reading process died: ${String(read.exit)} ${read.stderr}`)
    assert.ok(read.problems.length > 0, 'the sheet is refused')
  })

  it('reads a workbook of 5,000 entries, or refuses it, in bounded time and memory', async () => {
    const junk = Array.from({ length: 5000 }, (_, i) => ({
      name: `xl/junk/j${String(i)}.xml`,
      data: text('<a/>'),
    }))
    const read = await probe({ 'families.xlsx': await forged(() => undefined, junk) })
    assert.equal(read.exit, 0, read.stderr)
    assert.ok(read.ms < 10_000, `${String(read.ms)} ms`)
    assert.ok(read.maxRssMb < 300, `${String(read.maxRssMb)} MB`)
  })

  it('does not parse one sheet again for each of 2,000 tabs that point at it', async () => {
    let rows = ''
    for (let r = 1; r <= 2000; r += 1)
      rows += `<row r="${String(r)}"><c r="A${String(r)}" t="inlineStr"><is><t>row ${String(r)} of a long sheet</t></is></c></row>`
    const big = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`
    const workbook = await forged(
      (entries) => {
        let sheets = ''
        let relations = ''
        for (let i = 0; i < 2000; i += 1) {
          sheets += `<sheet r:id="rX${String(i)}" sheetId="${String(i + 10)}" name="Extra${String(i)}"/>`
          relations += `<Relationship Id="rX${String(i)}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/big.xml"/>`
        }
        edit(entries, 'xl/workbook.xml', (xml) => xml.replace('</sheets>', `${sheets}</sheets>`))
        edit(entries, 'xl/_rels/workbook.xml.rels', (xml) =>
          xml.replace('</Relationships>', `${relations}</Relationships>`),
        )
      },
      [{ name: 'xl/worksheets/big.xml', data: text(big) }],
    )
    const read = await probe({ 'families.xlsx': workbook })
    assert.equal(read.exit, 0, read.stderr)
    assert.ok(read.ms < 10_000, `${String(read.ms)} ms`)
    assert.ok(read.problems.some((p) => /Extra0" is not one of the sheets/.test(p)))
  })

  it('says in words that a corrupt or cut-short workbook cannot be read', async () => {
    const good = await goodWorkbook()
    const corrupt = Buffer.from(good)
    corrupt.fill(0x41, 200, 600)
    const { problems } = await sheetsOfFiles([
      { name: 'corrupt.xlsx', bytes: corrupt },
      { name: 'cut.xlsx', bytes: good.subarray(0, good.length >> 1) },
    ])
    assert.equal(problems.length, 2, JSON.stringify(problems))
    assert.match(
      problems[0]?.message ?? '',
      /"corrupt.xlsx" (could not be read as an Excel workbook|is not a readable Excel workbook)/,
    )
    assert.match(problems[1]?.message ?? '', /"cut.xlsx" is not a readable Excel workbook/)
  })

  it('goes by what a file holds, not its name: a workbook named .csv, a CSV named .xlsx', async () => {
    const read = await sheetsOfFiles([
      { name: 'people.csv', bytes: await goodWorkbook() },
      csvFile('families.xlsx', 'Family,Keep parents apart\r\nOak,yes\r\n'),
    ])
    // The workbook's tabs are Families and People; the CSV named families.xlsx is Families again.
    assert.deepEqual(Object.keys(read.sheets).sort(), ['families', 'people'])
    assert.match(
      read.problems.map((p) => p.message).join('\n'),
      /the Families sheet was sent twice/,
    )
  })

  it('refuses NUL bytes: in a cell of a CSV file, and a binary file that is neither CSV nor a workbook', async () => {
    const read = await probe({
      'families.csv': 'Family,Keep parents apart\r\nO\u0000ak,yes\r\n',
      'people.bin': new Uint8Array([0x00, 0x01, 0x02, 0xd0, 0xcf, 0x11, 0xe0]),
    })
    assert.equal(read.exit, 0, read.stderr)
    assert.ok(read.problems.includes('Family holds a NUL character, which no text may hold'))
    assert.ok(
      read.problems.some((p) => /"people.bin" is neither a CSV file nor an Excel workbook/.test(p)),
    )
  })

  it('says where an unclosed quote mark opens (line 2 of a three-line file)', async () => {
    const { problems } = await sheetsOfFiles([
      csvFile('families.csv', 'Family,Keep parents apart\r\n"Oak,yes\r\nBirch,no\r\n'),
    ])
    assert.equal(problems.length, 1)
    assert.match(problems[0]?.message ?? '', /quote mark that is never closed/)
    assert.match(problems[0]?.message ?? '', /line 2\b/)
  })

  it('refuses 20,001 rows in a sheet and a cell of 3,000 characters, by count and length', async () => {
    const rows = Array.from({ length: 20_001 }, (_, i) => `F${String(i)},no`).join('\r\n')
    const read = await probe({
      'families.csv': `Family,Keep parents apart\r\n${rows}\r\n`,
      'people.csv': `${PEOPLE_HEAD}\r\nF1,resident parent,Ceri,${'a'.repeat(3000)},,,yes\r\n`,
    })
    assert.equal(read.exit, 0, read.stderr)
    assert.ok(read.problems.includes('has 20001 rows; at most 20000 are read at once: split it'))
    assert.ok(read.problems.includes('Last name is longer than 2000 characters'))
    assert.ok(read.ms < 10_000, `${String(read.ms)} ms`)
  })

  it('reads names with accents, right-to-left text and emoji from UTF-8 with a BOM and from Windows-1252', async () => {
    const utf8 = `\uFEFF${PEOPLE_HEAD}\r\n  Oak  ,resident parent,  Siân ,  Llŷr  ,,,yes\r\nOak,child,مريم,Ó Briain 🌟,02/03/2020,,\r\n`
    const cp1252 = Buffer.from(`Family,Keep parents apart\r\nOak,no\r\n`, 'latin1')
    const read = await sheetsOfFiles([
      csvFile('people.csv', utf8),
      { name: 'families.csv', bytes: cp1252 },
    ])
    assert.deepEqual(read.problems, [])
    const people = read.sheets.people ?? []
    assert.deepEqual(people[0]?.[0], 'Family', 'the byte-order mark is not part of the heading')
    assert.deepEqual(people[1]?.slice(0, 4), ['Oak', 'resident parent', 'Siân', 'Llŷr'])
    assert.deepEqual(people[2]?.slice(2, 4), ['مريم', 'Ó Briain 🌟'])
    const latin = await sheetsOfFiles([
      {
        name: 'families.csv',
        bytes: Buffer.from('Family,Keep parents apart\r\nSiân,no\r\n', 'latin1'),
      },
    ])
    assert.equal(latin.sheets.families?.[1]?.[0], 'Siân')
  })

  it('says a semicolon-separated CSV (Excel in much of Europe) uses the wrong separator, and how to save it', async () => {
    const { sheets, problems } = await sheetsOfFiles([
      csvFile('families.csv', 'Family;Keep parents apart\r\nOak;yes\r\n'),
    ])
    const words = [...problems, ...readSheets(sheets).problems].map((p) => p.message).join('\n')
    assert.match(words, /semicolon/i, words)
  })

  it('reads, or refuses in words, a CSV saved by Excel as "Unicode Text" (UTF-16)', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Family,Keep parents apart\r\nOak,yes\r\n', 'utf16le'),
    ])
    const { sheets, problems } = await sheetsOfFiles([{ name: 'families.csv', bytes: utf16 }])
    const all = [...problems, ...readSheets(sheets).problems].map((p) => p.message)
    const read = sheets.families?.[1]?.[0] === 'Oak'
    const refusedInWords = all.some((m) => /UTF-8|UTF-16|Unicode/i.test(m))
    assert.ok(read || refusedInWords, all.join('\n'))
    assert.ok(!all.some((m) => m.includes('\u0000')), 'no NUL characters echoed back')
  })
})

// ---------------------------------------------------------------------------------------
// Against the database: what the import writes
// ---------------------------------------------------------------------------------------

async function centre(ctx: AppContext, slug = 'ashbury'): Promise<string> {
  const { centre } = await createCentre(ctx, {
    name: `Centre ${slug}`,
    slug,
    coordinatorEmail: `coordinator@${slug}.example.org`,
  })
  await addRoom(ctx, operatorActor(centre.id), 'Garden room')
  return centre.id
}

const problemsOf = (report: ImportReport) => report.problems.map(describeProblem)

for (const dialect of await dialectsUnderTest()) {
  describe(`hostile text in an import on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('keeps names as typed (accents, right-to-left, emoji), without the spaces around them, and finds them', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const centreId = await centre(ctx)
        const report = await importRecords(
          ctx,
          operatorActor(centreId),
          [
            csvFile('families.csv', 'Family,Keep parents apart\r\n Oak ,no\r\n'),
            csvFile(
              'people.csv',
              `${PEOPLE_HEAD}\r\nOak,resident parent,  Siân  ,مريم,,,yes\r\nOak,child,Zoë 🌟,Nguyễn,02/03/2020,,\r\n`,
            ),
          ],
          { isDryRun: false },
        )
        assert.deepEqual(problemsOf(report), [])
        const names = await ctx.db
          .selectFrom('people')
          .select(['given_name', 'family_name'])
          .orderBy('kind')
          .execute()
        assert.deepEqual(
          names.map((n) => [n.given_name, n.family_name]),
          [
            ['Zoë 🌟', 'Nguyễn'],
            ['Siân', 'مريم'],
          ],
        )
        const found = await familiesFound(ctx, ctx.db, centreId, 'مريم', 10)
        assert.equal(found.length, 1, 'a right-to-left name is found')
      }))

    it('refuses two family labels that look the same (a Cyrillic О, a zero-width space), so no one is joined to the wrong family', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const centreId = await centre(ctx)
        // "Оak" starts with CYRILLIC CAPITAL LETTER O; "Oak\u200B" ends with a zero-width space.
        const report = await importRecords(
          ctx,
          operatorActor(centreId),
          [
            csvFile(
              'families.csv',
              'Family,Keep parents apart\r\nOak,yes\r\n\u041eak,no\r\nOak\u200B,no\r\n',
            ),
            csvFile(
              'people.csv',
              [
                PEOPLE_HEAD,
                peopleOf('Oak'),
                peopleOf('\u041eak', 'Emrys', 'Hart'),
                peopleOf('Oak\u200B', 'Dilys', 'Hart'),
              ].join('\r\n'),
            ),
          ],
          { isDryRun: true },
        )
        const problems = problemsOf(report)
        assert.ok(
          problems.some((p) => /^Families, row 3\b/.test(p)) &&
            problems.some((p) => /^Families, row 4\b/.test(p)),
          `look-alike labels are refused:\n${problems.join('\n')}`,
        )
      }))

    it('joins a person to a family whose label is the same text in another Unicode form (NFD "Siân" to NFC "Siân")', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const centreId = await centre(ctx)
        const nfc = 'Siân'.normalize('NFC')
        const nfd = 'Siân'.normalize('NFD')
        const report = await importRecords(
          ctx,
          operatorActor(centreId),
          [
            csvFile('families.csv', `Family,Keep parents apart\r\n${nfc},no\r\n`),
            csvFile('people.csv', `${PEOPLE_HEAD}\r\n${peopleOf(nfd)}\r\n`),
          ],
          { isDryRun: true },
        )
        assert.deepEqual(problemsOf(report), [])
      }))

    it('refuses control characters and right-to-left overrides in names and labels (they reach terminals and pages)', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const centreId = await centre(ctx)
        const report = await importRecords(
          ctx,
          operatorActor(centreId),
          [
            csvFile('families.csv', 'Family,Keep parents apart\r\nOak\u001b]0;x\u0007,no\r\n'),
            csvFile(
              'people.csv',
              `${PEOPLE_HEAD}\r\nOak\u001b]0;x\u0007,resident parent,Ceri\u202Eirec,Rowe,,,yes\r\nOak\u001b]0;x\u0007,child,Alys,Ro\u0008we,02/03/2020,,\r\n`,
            ),
          ],
          { isDryRun: true },
        )
        const problems = problemsOf(report)
        for (const where of [
          /^Families, row 2, Family/,
          /^People, row 2, First name/,
          /^People, row 3, Last name/,
        ])
          assert.ok(
            problems.some((p) => where.test(p)),
            `${String(where)}:\n${problems.join('\n')}`,
          )
      }))

    it('holds an agency name to the 200 characters it has everywhere else', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const centreId = await centre(ctx)
        const report = await importRecords(
          ctx,
          operatorActor(centreId),
          [csvFile('agencies.csv', `Agency name,Kind\r\n${'Hollis '.repeat(250)},solicitor\r\n`)],
          { isDryRun: true },
        )
        assert.ok(
          problemsOf(report).some((p) => /^Agencies, row 2, Agency name/.test(p)),
          problemsOf(report).join('\n'),
        )
      }))

    it('stores formulas as text, and no CSV export carries imported text to a spreadsheet', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const centreId = await centre(ctx)
        const actor = operatorActor(centreId)
        const formulas = [
          '=HYPERLINK("http://example.org/x","Click")',
          "=cmd|' /C calc'!A0",
          '@SUM(1+1)',
          '+44 7700',
          '-1+1',
        ]
        const q = (s: string) => `"${s.replaceAll('"', '""')}"`
        const report = await importRecords(
          ctx,
          actor,
          [
            csvFile('agencies.csv', `Agency name,Kind\r\n${q(formulas[1] ?? '')},solicitor\r\n`),
            csvFile(
              'families.csv',
              `Family,Referred by,Keep parents apart,When they can come\r\nOak,${q(formulas[1] ?? '')},no,${q(formulas[0] ?? '')}\r\n`,
            ),
            csvFile(
              'people.csv',
              `${PEOPLE_HEAD}\r\nOak,resident parent,${q(formulas[0] ?? '')},${q(formulas[2] ?? '')},,,yes\r\nOak,child,${q(formulas[3] ?? '')},${q(formulas[4] ?? '')},02/03/2020,,\r\n`,
            ),
            csvFile(
              'sessions.csv',
              'Family,Date,Starts,Ends,Room,Kind\r\nOak,21/03/2026,10:00,12:00,Garden room,supervised\r\n',
            ),
          ],
          { isDryRun: false },
        )
        assert.deepEqual(problemsOf(report), [])
        const given = await ctx.db
          .selectFrom('people')
          .select('given_name')
          .where('kind', '=', 'resident_parent')
          .executeTakeFirstOrThrow()
        assert.equal(
          given.given_name,
          formulas[0],
          'kept as typed: import is not where it is defused',
        )
        const exported = await quarterReturnFile(ctx, actor, '2026-Q1', 'csv')
        const csv = String(exported.body)
        for (const formula of formulas)
          assert.ok(!csv.includes(formula.slice(1, 8)), `${formula} is not in the statistics CSV`)
        for (const line of csv.split('\r\n'))
          for (const field of line.split(','))
            assert.doesNotMatch(field, /^[=+\-@]/, `a field of the statistics CSV: ${field}`)
      }))

    it('books a session only for a family of its own centre, whatever reference a sheet names', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const first = await centre(ctx, 'ashbury')
        const second = await centre(ctx, 'brockley')
        const held = await importRecords(
          ctx,
          operatorActor(first),
          [
            csvFile('families.csv', 'Family,Keep parents apart,Status\r\nOak,no,accepted\r\n'),
            csvFile('people.csv', `${PEOPLE_HEAD}\r\n${peopleOf('Oak')}\r\n`),
          ],
          { isDryRun: false },
        )
        const reference = held.references[0]?.reference ?? ''
        assert.match(reference, /^F-/)
        const report = await importRecords(
          ctx,
          operatorActor(second),
          [
            csvFile(
              'sessions.csv',
              `Family,Date,Starts,Ends,Room,Kind\r\n${reference},21/03/2026,10:00,12:00,Garden room,supervised\r\n`,
            ),
          ],
          { isDryRun: false },
        )
        assert.match(
          problemsOf(report).join('\n'),
          /no family "F-\d+" in the Families sheet or held in Haven/,
        )
        assert.equal((await ctx.db.selectFrom('contact_sessions').select('id').execute()).length, 0)
      }))

    it('opens checked files only for the centre, account and sign-in session they were sealed for, unaltered', () =>
      withMigratedDatabase(dialect.name, (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const actor: Actor = { ...operatorActor('centre-a'), sessionId: 'session-1' }
        const files = [csvFile('families.csv', 'Family,Keep parents apart\r\nOak,no\r\n')]
        const { sealed, expiresAt } = sealCheckedFiles(ctx, actor, files)
        assert.equal(openCheckedFiles(ctx, actor, sealed, expiresAt).files.length, 1)
        for (const other of [
          { ...actor, centreId: 'centre-b' },
          { ...actor, accountId: 'someone-else' },
          { ...actor, sessionId: 'session-2' },
        ])
          assert.throws(
            () => openCheckedFiles(ctx, other, sealed, expiresAt),
            /could not be read back/,
          )
        const flipped = Buffer.from(sealed)
        const at = Math.floor(flipped.length / 2)
        flipped[at] = flipped[at] === 0x41 ? 0x42 : 0x41
        assert.throws(
          () => openCheckedFiles(ctx, actor, flipped.toString(), expiresAt),
          /could not be read back/,
        )
        assert.throws(
          () => openCheckedFiles(ctx, actor, sealed.slice(0, -4), expiresAt),
          /could not be read back/,
        )
        assert.throws(() => openCheckedFiles(ctx, actor, '', expiresAt), /could not be read back/)
        return Promise.resolve()
      }))
  })
}

describe('the CSV a spreadsheet opens', () => {
  it('defuses a cell that starts with =, +, - or @ in the statistics CSV writer (latent: no imported text reaches it today)', () => {
    const quarter = parseQuarter('2026-Q1')
    assert.ok(quarter)
    // The writer as it would be given text from a record: a title and labels that are formulas.
    const r = {
      quarter,
      sections: [
        {
          title: '=HYPERLINK("http://example.org/x","Click")',
          figures: [
            { label: "=cmd|' /C calc'!A0", value: 1, shown: '1' },
            { label: '@SUM(1+1)', value: 1, shown: '+1' },
            { label: '-1+1', value: 1, shown: '1' },
          ],
        },
      ],
    }
    const csv = quarterReturnCsv(r)
    for (const line of csv.split('\r\n'))
      for (const field of line.split(','))
        assert.doesNotMatch(field.replace(/^"/, ''), /^[=+\-@]/, field)
  })
})

// ---------------------------------------------------------------------------------------
// Through the pages
// ---------------------------------------------------------------------------------------

function cookieOf(client: Client): string {
  return [client.cookie, client.deviceCookie].filter((c) => c !== undefined).join('; ')
}

/** Files through the upload form, as a browser sends them. */
async function upload(
  client: Client,
  files: Record<string, string | Uint8Array>,
  options: { csrf?: string | null } = {},
): Promise<PageResponse> {
  const form = new FormData()
  if (options.csrf !== null) form.append('_csrf', options.csrf ?? client.csrf ?? '')
  for (const [name, body] of Object.entries(files))
    form.append('files', new File([body], name, { type: 'text/csv' }))
  const response = await client.app.request('/centre/import', {
    method: 'POST',
    body: form,
    headers: { cookie: cookieOf(client), 'sec-fetch-site': 'same-origin', accept: 'text/html' },
  })
  return {
    status: response.status,
    location: response.headers.get('location'),
    text: await response.text(),
  }
}

function hidden(page: PageResponse, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(page.text)?.[1]
  assert.ok(value !== undefined, `no ${name} on the page: ${visibleText(page.text).slice(0, 400)}`)
  return value
    .replaceAll('&#x2F;', '/')
    .replaceAll('&#x3D;', '=')
    .replaceAll('&#43;', '+')
    .replaceAll('&amp;', '&')
}

const FAMILIES = 'Family,Keep parents apart\r\nOak,yes\r\nBirch,no\r\n'
const PEOPLE = `${PEOPLE_HEAD}\r\n${peopleOf('Oak')}\r\n${peopleOf('Birch', 'Kerensa', 'Trelawny')}\r\n`

const familyCount = async (ctx: AppContext) =>
  (await ctx.db.selectFrom('families').select('id').execute()).length

for (const dialect of await dialectsUnderTest()) {
  describe(`the import pages, attacked, on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('lets the coordinator and staff in, and no one else: the page, the templates, the check, the import', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const checked = await upload(coordinator.client, {
          'families.csv': FAMILIES,
          'people.csv': PEOPLE,
        })
        assert.equal(checked.status, 200, visibleText(checked.text))
        const sealed = hidden(checked, 'sealed')
        const expiresAt = hidden(checked, 'expiresAt')
        const people: Record<string, Client> = {}
        for (const role of ['staff', 'volunteer', 'referrer', 'parent', 'chair', 'management'])
          people[role] = (
            await invite(ctx, app, centreId, 'ashbury', `${role}@ashbury.example.org`, [role])
          ).client
        for (const [role, client] of Object.entries(people)) {
          const allowed = role === 'staff'
          const expect = allowed ? 200 : 403
          for (const route of [
            '/centre/import',
            '/centre/import/template.xlsx',
            '/centre/import/people.csv',
          ])
            assert.equal((await getPage(client, route)).status, expect, `${role} GET ${route}`)
          const check = await upload(client, { 'families.csv': FAMILIES, 'people.csv': PEOPLE })
          assert.equal(check.status, expect, `${role} POST /centre/import`)
          // The coordinator's seal is no use to anyone else, staff included.
          const confirm = await postForm(client, '/centre/import/confirm', { sealed, expiresAt })
          assert.equal(confirm.status, allowed ? 400 : 403, `${role} POST /centre/import/confirm`)
        }
        assert.equal(await familyCount(ctx), 0, 'nothing was imported by anyone')
      }))

    it('refuses an upload and an import without the CSRF token, saving nothing', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const client = coordinator.client
        const none = await upload(
          client,
          { 'families.csv': FAMILIES, 'people.csv': PEOPLE },
          { csrf: null },
        )
        assert.equal(none.status, 403)
        const wrong = await upload(client, { 'families.csv': FAMILIES }, { csrf: 'not-the-token' })
        assert.equal(wrong.status, 403)
        const checked = await upload(client, { 'families.csv': FAMILIES, 'people.csv': PEOPLE })
        const body = new URLSearchParams({
          sealed: hidden(checked, 'sealed'),
          expiresAt: hidden(checked, 'expiresAt'),
        })
        const response = await client.app.request('/centre/import/confirm', {
          method: 'POST',
          body: body.toString(),
          headers: {
            cookie: cookieOf(client),
            'content-type': 'application/x-www-form-urlencoded',
            'sec-fetch-site': 'same-origin',
            accept: 'text/html',
          },
        })
        assert.equal(response.status, 403)
        assert.equal(await familyCount(ctx), 0)
      }))

    it('takes a repeated Import (the same _once) once', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const checked = await upload(coordinator.client, {
          'families.csv': FAMILIES,
          'people.csv': PEOPLE,
        })
        const fields = {
          sealed: hidden(checked, 'sealed'),
          expiresAt: hidden(checked, 'expiresAt'),
          _once: hidden(checked, '_once'),
        }
        const first = await postForm(coordinator.client, '/centre/import/confirm', fields)
        assert.equal(first.status, 303, visibleText(first.text))
        const again = await postForm(coordinator.client, '/centre/import/confirm', fields)
        assert.equal(again.status, 303)
        assert.equal(await familyCount(ctx), 2)
      }))

    it('imports checked files once: the same seal sent again (a second check page, a new _once, or none) adds nothing', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const checked = await upload(coordinator.client, {
          'families.csv': FAMILIES,
          'people.csv': PEOPLE,
        })
        const seal = {
          sealed: hidden(checked, 'sealed'),
          expiresAt: hidden(checked, 'expiresAt'),
        }
        const first = await postForm(coordinator.client, '/centre/import/confirm', {
          ...seal,
          _once: hidden(checked, '_once'),
        })
        assert.equal(first.status, 303)
        assert.equal(await familyCount(ctx), 2)
        const fresh = await postForm(coordinator.client, '/centre/import/confirm', {
          ...seal,
          _once: '0b6f4c1e-2f1a-4c55-9b7e-5a1d2c3e4f50',
        })
        const bare = await postForm(coordinator.client, '/centre/import/confirm', seal)
        assert.equal(
          await familyCount(ctx),
          2,
          `imported again: ${String(fresh.status)}, ${String(bare.status)}`,
        )
        assert.notEqual(fresh.status, 303)
      }))

    it('refuses the seal in another sign-in session of the same coordinator', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const checked = await upload(coordinator.client, {
          'families.csv': FAMILIES,
          'people.csv': PEOPLE,
        })
        const seal = { sealed: hidden(checked, 'sealed'), expiresAt: hidden(checked, 'expiresAt') }
        const other = await centreWithCoordinator(ctx, app, 'brockley')
        const stolen = await postForm(other.coordinator.client, '/centre/import/confirm', seal)
        assert.equal(stolen.status, 400, 'another centre')
        coordinator.client.cookie = undefined
        const again = await coordinator.client.signIn('ashbury', coordinator.email, PASSWORD)
        assert.ok(again.status < 300, JSON.stringify(again.body))
        if (again.body.secondFactor === 'verify' && coordinator.secret !== undefined) {
          const verified = await coordinator.client.json('POST', '/api/auth/second-factor', {
            code: currentCode(coordinator.secret, ctx, 1),
          })
          assert.equal(verified.status, 200, JSON.stringify(verified.body))
        }
        assert.equal(
          (await getPage(coordinator.client, '/centre/import')).status,
          200,
          'signed in again',
        )
        const replay = await postForm(coordinator.client, '/centre/import/confirm', seal)
        assert.ok([400, 401, 403].includes(replay.status), String(replay.status))
        assert.equal(await familyCount(ctx), 0)
      }))

    it('answers a body over 12 MB at the import with a 413 page, saving nothing; other pages keep their own limit', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const big = `${FAMILIES}${' '.repeat(13 * 1024 * 1024)}`
        const refused = await upload(coordinator.client, {
          'families.csv': big,
          'people.csv': PEOPLE,
        })
        assert.equal(refused.status, 413)
        assert.match(visibleText(refused.text), /larger than/)
        assert.equal(await familyCount(ctx), 0)
        const form = await postForm(coordinator.client, '/centre/referrals/new', {
          availability: 'x'.repeat(200_000),
        })
        assert.equal(form.status, 413, 'a page other than the import keeps the form limit')
        assert.match(visibleText(form.text), /larger than 97 KB/)
      }))

    it('says, when the import refuses a body for its size, that the files are over 12 MB (not "shorten the longest answer")', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const refused = await upload(coordinator.client, {
          'families.csv': `${FAMILIES}${' '.repeat(13 * 1024 * 1024)}`,
        })
        assert.equal(refused.status, 413)
        const said = visibleText(refused.text)
        assert.match(said, /12 MB/)
        assert.doesNotMatch(said, /longest answer/)
      }))

    it('reads no more than the form limit of an upload from someone not signed in before refusing it', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        await centreWithCoordinator(ctx, app, 'ashbury')
        let pulled = 0
        const boundary = 'haven-hostile'
        const head = text(
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="families.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        )
        const chunk = new Uint8Array(64 * 1024).fill(0x20)
        const total = 8 * 1024 * 1024
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (pulled === 0) {
              pulled += head.length
              controller.enqueue(head)
            } else if (pulled < total) {
              pulled += chunk.length
              controller.enqueue(chunk)
            } else {
              controller.enqueue(text(`\r\n--${boundary}--\r\n`))
              controller.close()
            }
          },
        })
        const response = await app.request('/centre/import', {
          method: 'POST',
          body: stream,
          duplex: 'half',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'sec-fetch-site': 'same-origin',
            accept: 'text/html',
          },
        })
        assert.ok(response.status >= 400, String(response.status))
        assert.ok(
          pulled <= 512 * 1024,
          `${String(Math.round(pulled / 1024))} KB were read before the refusal`,
        )
      }))

    it('imports what it checked: a 7.5 MB file that passes the check is not refused as too large at Import', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        // A blank row of spaces stands for what makes a real file large (a pasted logo, years of rows).
        const padded = `${FAMILIES}${' '.repeat(7.5 * 1024 * 1024)}\r\n`
        const checked = await upload(coordinator.client, {
          'families.csv': padded,
          'people.csv': PEOPLE,
        })
        assert.equal(checked.status, 200, visibleText(checked.text).slice(0, 600))
        const done = await postForm(coordinator.client, '/centre/import/confirm', {
          sealed: hidden(checked, 'sealed'),
          expiresAt: hidden(checked, 'expiresAt'),
        })
        assert.equal(done.status, 303, `Import answered ${String(done.status)}`)
        assert.equal(await familyCount(ctx), 2)
      }))

    it('shows a label or a value built as markup as text, on the problems and the references', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const label = '<img src=x onerror=alert(1)>'
        const q = (s: string) => `"${s.replaceAll('"', '""')}"`
        const wrong = await upload(coordinator.client, {
          'families.csv': `Family,Keep parents apart\r\n${q(label)},"<script>alert(2)</script>"\r\n`,
        })
        assert.equal(wrong.status, 400)
        assert.ok(!wrong.text.includes('<img src=x'), 'the label is escaped in the problems')
        assert.ok(!wrong.text.includes('<script>alert(2)'), 'the value is escaped in the problems')
        const right = await upload(coordinator.client, {
          'families.csv': `Family,Keep parents apart\r\n${q(label)},no\r\n`,
          'people.csv': `${PEOPLE_HEAD}\r\n${peopleOf(q(label))}\r\n`,
        })
        assert.equal(right.status, 200, visibleText(right.text).slice(0, 600))
        assert.ok(!right.text.includes('<img src=x'), 'the label is escaped in the references')
        assert.match(visibleText(right.text), /&lt;img src=x onerror=alert\(1\)&gt; F-0001/)
      }))
  })
}
