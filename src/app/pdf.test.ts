import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pdfAccessibility, pdfText, type PdfTag } from '../../test/support/pdf.ts'
import type { OutgoingDocument } from '../domain/outward/documents.ts'
import { renderPdf } from './pdf.ts'

const META = {
  centreName: 'Mill & Weir Contact Centre',
  createdAt: new Date('2026-03-02T10:15:00Z'),
}
const LONG_WORD = `ref-${'0123456789'.repeat(20)}`

const LETTER: OutgoingDocument = {
  title: 'Your subject access request',
  blocks: [
    { kind: 'paragraph', text: 'Mill & Weir Contact Centre' },
    { kind: 'paragraph', text: 'For Thi Nguyễn, compiled on 2 March 2026.' },
    { kind: 'heading', text: 'About you' },
    {
      kind: 'list',
      items: ['Name: Thi Nguyễn', 'Address: 1 Mill Lane\nŁódź', 'Other adult: Siân Llŷr'],
    },
    { kind: 'paragraph', text: `A reference too long for a line: ${LONG_WORD}.` },
    { kind: 'heading', text: 'Sessions' },
    {
      kind: 'table',
      columns: ['Date', 'From', 'To', 'Outcome'],
      rows: [
        ['7 February 2026', '10:00', '12:00', 'Attended'],
        ['21 February 2026', '10:00', '11:30', 'Cancelled'],
      ],
    },
  ],
}

const bytesOf = (pdf: Uint8Array): ArrayBuffer => pdf.slice().buffer
const latin1 = (pdf: Uint8Array): string => Buffer.from(pdf).toString('latin1')
const all = (tags: readonly PdfTag[], role: string): PdfTag[] =>
  tags.flatMap((t) => [...(t.role === role ? [t] : []), ...all(t.children, role)])
const roles = (tags: readonly PdfTag[]): string[] => tags.map((t) => t.role)

describe('outgoing documents as PDF', () => {
  it('print every name as written and keep the lines of an address apart', async () => {
    const text = await pdfText(bytesOf(await renderPdf(LETTER, META)))
    for (const name of ['Nguyễn', 'Łódź', 'Siân Llŷr', 'Mill & Weir Contact Centre'])
      assert.ok(text.includes(name), `${name} in ${text}`)
    assert.ok(!text.includes('?'), 'no character is replaced')
    assert.match(text, /Address: 1 Mill Lane\nŁódź\n/, 'two lines, not one')
    assert.match(text, /7 February 2026 10:00 12:00 Attended/)
  })

  it('break a word longer than a line, losing nothing', async () => {
    const text = await pdfText(bytesOf(await renderPdf(LETTER, META)))
    const lines = text.split('\n')
    assert.ok(!lines.some((line) => line.includes(LONG_WORD)), 'the word is broken')
    assert.ok(text.replaceAll('\n', '').includes(`${LONG_WORD}.`), 'and every character kept')
  })

  it('embed subsets of DejaVu Sans and name no standard font', async () => {
    const raw = latin1(await renderPdf(LETTER, META))
    assert.equal(raw.match(/\/FontFile2 \d+ 0 R/g)?.length, 2, 'regular and bold, embedded')
    const fonts = raw.match(/\/BaseFont \/[^\s/]+/g) ?? []
    assert.ok(fonts.length > 0)
    for (const font of fonts) assert.match(font, /^\/BaseFont \/[A-Z]{6}\+DejaVuSans(-Bold)?$/)
    assert.doesNotMatch(raw, /Helvetica|Times-Roman|Courier/)
    assert.ok(raw.length < 120_000, `subsets, not the whole fonts (${String(raw.length)} bytes)`)
  })

  it('are tagged for screen readers: language, title, marked, a structure tree', async () => {
    const pdf = await renderPdf(LETTER, META)
    const raw = latin1(pdf)
    assert.match(raw, /\/Lang \(en-GB\)/)
    assert.match(raw, /\/StructTreeRoot \d+ 0 R/)
    assert.match(raw, /\/DisplayDocTitle true/)
    const read = await pdfAccessibility(pdf)
    assert.equal(read.marked, true, '/MarkInfo << /Marked true >>')
    assert.equal(read.info.Title, 'Your subject access request')
    assert.equal(read.info.Author, 'Mill & Weir Contact Centre')
    assert.match(read.metadata ?? '', /<pdfuaid:part>1<\/pdfuaid:part>/, 'claims PDF/UA-1')
    assert.match(read.metadata ?? '', /<rdf:li>Mill &#38; Weir Contact Centre<\/rdf:li>/)
    assert.doesNotMatch(read.metadata ?? '', /Mill & Weir/, 'the XMP is well-formed XML')

    const [document] = all(read.structure, 'Document')
    assert.ok(document)
    assert.deepEqual(roles(document.children), ['H1', 'P', 'P', 'H2', 'L', 'P', 'H2', 'Table'])
    const [list] = all(read.structure, 'L')
    assert.deepEqual(roles(list?.children ?? []), ['LI', 'LI', 'LI'])
    for (const item of list?.children ?? [])
      assert.deepEqual(roles(item.children), ['Lbl', 'LBody'])
    const [table] = all(read.structure, 'Table')
    assert.deepEqual(
      table?.children.map((row) => [row.role, ...roles(row.children)]),
      [
        ['TR', 'TH', 'TH', 'TH', 'TH'],
        ['TR', 'TD', 'TD', 'TD', 'TD'],
        ['TR', 'TD', 'TD', 'TD', 'TD'],
      ],
    )
    assert.match(raw, /\/Scope \/Column/, 'a header cell heads its column')
  })

  it('run a long table on across pages, its header repeated but tagged once', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => [
      `Session ${String(i + 1)}`,
      i === 40 ? 'Did not attend\nrearranged' : 'Attended',
    ])
    const pdf = await renderPdf(
      {
        title: 'Attendance statement',
        blocks: [{ kind: 'table', columns: ['Session', 'Outcome'], rows }],
      },
      META,
    )
    const read = await pdfAccessibility(pdf)
    assert.ok(read.pages >= 3, `${String(read.pages)} pages`)
    const text = await pdfText(bytesOf(pdf))
    for (let i = 1; i <= 120; i++) assert.match(text, new RegExp(`^Session ${String(i)} `, 'm'))
    assert.match(text, /Session 41 Did not attend\nrearranged\n/)
    assert.equal(text.match(/^Session Outcome$/gm)?.length, read.pages, 'a header on every page')
    for (let page = 1; page <= read.pages; page++)
      assert.match(text, new RegExp(`Page ${String(page)} of ${String(read.pages)}`))
    assert.equal(all(read.structure, 'TH').length, 2, 'the header row is tagged once')
    assert.equal(all(read.structure, 'TR').length, 121)
    assert.deepEqual(read.text.unmarked, [], 'every piece of text is tagged or an artifact')
    assert.deepEqual(
      read.text.artifacts.filter((t) => !t.startsWith('Page ')),
      Array.from({ length: read.pages - 1 }, () => ['Session', 'Outcome']).flat(),
      'the repeated headers are artifacts',
    )
    assert.ok(read.text.tagged.includes('Session 120'))
  })

  it('run a row taller than a page on, line by line, clipping nothing', async () => {
    const account = Array.from({ length: 80 }, (_, i) => `Line ${String(i + 1)} of the account.`)
    const pdf = await renderPdf(
      {
        title: 'Incidents',
        blocks: [
          {
            kind: 'table',
            columns: ['Date', 'Account'],
            rows: [['2 March 2026', account.join('\n')]],
          },
        ],
      },
      META,
    )
    const read = await pdfAccessibility(pdf)
    assert.equal(read.pages, 2)
    const text = await pdfText(bytesOf(pdf))
    const at = account.map((line) => text.indexOf(line))
    assert.ok(
      at.every((i) => i >= 0),
      'every line printed',
    )
    assert.deepEqual(
      at,
      [...at].sort((x, y) => x - y),
      'in order',
    )
    assert.equal(all(read.structure, 'TR').length, 2, 'still one row under its header')
    assert.equal(all(read.structure, 'TD').length, 2)
  })

  it('are the same bytes for the same document and time', async () => {
    const first = await renderPdf(LETTER, META)
    const again = await renderPdf(LETTER, META)
    assert.ok(Buffer.from(first).equals(Buffer.from(again)))
    const later = await renderPdf(LETTER, { ...META, createdAt: new Date('2026-03-03T10:15:00Z') })
    assert.ok(!Buffer.from(first).equals(Buffer.from(later)))
    assert.match(latin1(first), /<xmp:CreateDate>2026-03-02T10:15:00Z<\/xmp:CreateDate>/)
  })
})
