import { createRequire } from 'node:module'
import PDFDocument from 'pdfkit'
import type { Block, OutgoingDocument } from '../domain/outward/documents.ts'

/**
 * Renders one of Haven's outgoing documents as a tagged PDF (pdfkit; decision 0039): A4, DejaVu
 * Sans embedded as subsets so any name prints as written ("Nguyễn", "Łódź", "Siân Llŷr"), no
 * images, scripts or forms. The structure tree follows the document's blocks (H1 for the
 * title, H2, P, L/LI/Lbl/LBody, Table/TR/TH/TD), the language is en-GB and the title is shown
 * in the viewer's title bar, so a screen reader can read and navigate it (PDF/UA-1 as far as
 * pdfkit goes). Line breaks inside a text are kept, long words are broken, tables run on across
 * pages with their header row repeated, and each page says "Page N of M". The same document
 * and time give the same bytes.
 */
export async function renderPdf(
  doc: OutgoingDocument,
  meta: { centreName: string; createdAt: Date },
): Promise<Uint8Array> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    pdfVersion: '1.7',
    // @types/pdfkit (0.17) lists only the PDF/A subsets; pdfkit 0.20 takes 'PDF/UA' too.
    subset: 'PDF/UA' as PDFKit.Mixins.PDFSubsets,
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    bufferPages: true,
    font: FONTS.regular,
    info: {
      Title: doc.title,
      Author: meta.centreName,
      Creator: 'Haven',
      Producer: 'Haven',
      CreationDate: meta.createdAt,
      ModDate: meta.createdAt,
    },
  })
  escapeXmpMetadata(pdf)
  const bytes = collect(pdf)
  const root = pdf.struct('Document')
  pdf.addStructure(root)
  const writer = new Writer(pdf, root)
  writer.heading(doc.title, 'H1')
  for (const block of doc.blocks) writer.block(block)
  writer.pageNumbers()
  root.end()
  pdf.end()
  return bytes
}

const require = createRequire(import.meta.url)
/** DejaVu Sans (Bitstream Vera licence: free to embed), from the `dejavu-fonts-ttf` package. */
const FONTS = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
}

const MARGIN = 56
const BODY = { size: 10.5, leading: 15 }
const HEADING = { H1: { size: 16, leading: 22 }, H2: { size: 12.5, leading: 18 } }
const GAP = 6
const BULLET_INDENT = 14
const CELL_PADDING = 6

type StructureElement = PDFKit.PDFStructureElement
type Style = { font: string; size: number; leading: number }
const REGULAR: Style = { font: FONTS.regular, ...BODY }
const BOLD: Style = { font: FONTS.bold, ...BODY }

/** Lays the blocks out top to bottom, page by page, each piece of text inside its tag. */
class Writer {
  #pdf: PDFKit.PDFDocument
  #root: StructureElement
  #y: number
  #graphemes = new Intl.Segmenter('en-GB', { granularity: 'grapheme' })

  constructor(pdf: PDFKit.PDFDocument, root: StructureElement) {
    this.#pdf = pdf
    this.#root = root
    this.#y = MARGIN
  }

  get #width(): number {
    return this.#pdf.page.width - 2 * MARGIN
  }

  get #bottom(): number {
    return this.#pdf.page.height - MARGIN
  }

  block(block: Block): void {
    if (block.kind === 'heading') this.heading(block.text, 'H2')
    else if (block.kind === 'paragraph') this.paragraph(block.text)
    else if (block.kind === 'list') this.list(block.items)
    else this.table(block.columns, block.rows)
  }

  heading(text: string, tag: 'H1' | 'H2'): void {
    const style = { font: FONTS.bold, ...HEADING[tag] }
    const lines = this.#wrap(text, style, this.#width)
    // A heading stays with at least the first line of what follows it.
    this.#room(lines.length * style.leading + BODY.leading)
    this.#flow(this.#child(tag), lines, style, MARGIN)
    this.#y += GAP
  }

  paragraph(text: string): void {
    this.#flow(this.#child('P'), this.#wrap(text, REGULAR, this.#width), REGULAR, MARGIN)
    this.#y += GAP
  }

  list(items: readonly string[]): void {
    const list = this.#child('L')
    for (const text of items) {
      const item = this.#struct(list, 'LI')
      const lines = this.#wrap(text, REGULAR, this.#width - BULLET_INDENT)
      // An item of a few lines is kept on one page; a longer one may run on.
      this.#room(Math.min(lines.length, 4) * REGULAR.leading)
      const y = this.#y
      this.#struct(item, 'Lbl', () => {
        this.#line('•', REGULAR, MARGIN, y)
      })
      this.#flow(this.#struct(item, 'LBody'), lines, REGULAR, MARGIN + BULLET_INDENT)
      item.end()
    }
    list.end()
    this.#y += GAP
  }

  table(columns: readonly string[], rows: readonly (readonly string[])[]): void {
    const table = this.#child('Table')
    const width = this.#width / columns.length
    const cellWidth = width - CELL_PADDING
    const header = columns.map((c) => this.#wrap(c, BOLD, cellWidth))
    const headerHeight = Math.max(...header.map((lines) => lines.length)) * BOLD.leading
    const drawHeader = (): void => {
      const y = this.#y
      header.forEach((lines, i) => {
        lines.forEach((line, n) => {
          this.#line(line, BOLD, MARGIN + i * width, y + n * BOLD.leading)
        })
      })
      this.#y = y + headerHeight
    }
    const rule = (): void => {
      this.#artifact(() => {
        this.#pdf
          .moveTo(MARGIN, this.#y + 2)
          .lineTo(MARGIN + this.#width, this.#y + 2)
          .lineWidth(0.75)
          .stroke()
      })
      this.#y += 5
    }
    // The header row and the first row start on the same page.
    this.#room(headerHeight + 5 + REGULAR.leading)
    const headerRow = this.#struct(table, 'TR')
    const startY = this.#y
    header.forEach((lines, i) => {
      this.#struct(headerRow, 'TH', { scope: 'Column' }, () => {
        lines.forEach((line, n) => {
          this.#line(line, BOLD, MARGIN + i * width, startY + n * BOLD.leading)
        })
      })
    })
    headerRow.end()
    this.#y = startY + headerHeight
    rule()
    for (const row of rows) {
      const tr = this.#struct(table, 'TR')
      const cells = columns.map((_, i) => ({
        element: this.#struct(tr, 'TD'),
        lines: this.#wrap(row[i] ?? '', REGULAR, cellWidth),
      }))
      // A row that fits on a page is not split; a longer one runs on, line by line.
      const total = Math.max(...cells.map((c) => c.lines.length))
      const height = total * REGULAR.leading
      const page = this.#bottom - MARGIN - headerHeight - 5
      this.#room(height <= page ? height : REGULAR.leading, () => {
        this.#artifact(drawHeader)
        rule()
      })
      let done = 0
      while (done < total) {
        const fits = Math.max(1, Math.floor((this.#bottom - this.#y) / REGULAR.leading))
        const count = Math.min(fits, total - done)
        const y = this.#y
        cells.forEach((cell, i) => {
          const slice = cell.lines.slice(done, done + count)
          if (slice.length === 0) return
          cell.element.add(() => {
            slice.forEach((line, n) => {
              this.#line(line, REGULAR, MARGIN + i * width, y + n * REGULAR.leading)
            })
          })
        })
        done += count
        this.#y = y + count * REGULAR.leading
        if (done < total) {
          this.#newPage()
          this.#artifact(drawHeader)
          rule()
        }
      }
      for (const cell of cells) cell.element.end()
      tr.end()
    }
    table.end()
    this.#y += GAP
  }

  /** "Page N of M" at the foot of every page, marked as pagination, not content. */
  pageNumbers(): void {
    const { start, count } = this.#pdf.bufferedPageRange()
    for (let i = start; i < start + count; i++) {
      this.#pdf.switchToPage(i)
      const text = `Page ${String(i - start + 1)} of ${String(count)}`
      this.#pdf.font(FONTS.regular).fontSize(9)
      const width = this.#pdf.widthOfString(text)
      this.#pdf.markContent('Artifact', { type: 'Pagination' })
      this.#pdf.text(text, this.#pdf.page.width - MARGIN - width, this.#bottom + 20, {
        lineBreak: false,
      })
      this.#pdf.endMarkedContent()
    }
  }

  /** A new element under the document's root. */
  #child(tag: string): StructureElement {
    return this.#struct(this.#root, tag)
  }

  #struct(
    parent: StructureElement,
    tag: string,
    options?: StructOptions | (() => void),
    draw?: () => void,
  ): StructureElement {
    const [opts, content] = typeof options === 'function' ? [{}, options] : [options ?? {}, draw]
    const element = this.#pdf.struct(tag, opts)
    parent.add(element)
    if (content !== undefined) {
      element.add(content)
      element.end()
    }
    return element
  }

  /** Draws lines into an element, starting a page (and another piece of the element) as needed. */
  #flow(element: StructureElement, lines: readonly string[], style: Style, x: number): void {
    let next = 0
    while (next < lines.length) {
      this.#room(style.leading)
      const fits = Math.max(1, Math.floor((this.#bottom - this.#y) / style.leading))
      const slice = lines.slice(next, next + fits)
      element.add(() => {
        for (const line of slice) {
          this.#line(line, style, x, this.#y)
          this.#y += style.leading
        }
      })
      next += slice.length
    }
    element.end()
  }

  #line(text: string, style: Style, x: number, y: number): void {
    this.#pdf.font(style.font).fontSize(style.size).text(text, x, y, { lineBreak: false })
  }

  #artifact(draw: () => void): void {
    this.#pdf.markContent('Artifact', { type: 'Pagination' })
    draw()
    this.#pdf.endMarkedContent()
  }

  /** Starts a new page unless `height` points are left on this one. */
  #room(height: number, onNewPage?: () => void): void {
    if (this.#y + height <= this.#bottom || this.#y === MARGIN) return
    this.#newPage()
    onNewPage?.()
  }

  #newPage(): void {
    this.#pdf.addPage()
    this.#y = MARGIN
  }

  /**
   * The text as lines no wider than `width`: each line break in the text starts a line, words
   * wrap at spaces, and a word longer than a line is broken between characters. A line that
   * ends at a space keeps it, so words stay apart when the text is read out or copied.
   */
  #wrap(text: string, style: Style, width: number): string[] {
    this.#pdf.font(style.font).fontSize(style.size)
    const measure = (s: string): number => this.#pdf.widthOfString(s)
    const space = measure(' ')
    const lines: string[] = []
    for (const paragraph of text.split(/\r\n|\r|\n/)) {
      let words: string[] = []
      let used = 0
      for (const word of paragraph.split(' ')) {
        const w = measure(word)
        const wider = words.length === 0 ? w : used + space + w
        if (wider <= width) {
          words.push(word)
          used = wider
          continue
        }
        if (words.length > 0) lines.push(`${words.join(' ')} `)
        let piece = ''
        if (w > width)
          for (const { segment } of this.#graphemes.segment(word)) {
            if (piece !== '' && measure(piece + segment) > width) {
              lines.push(piece)
              piece = ''
            }
            piece += segment
          }
        else piece = word
        words = [piece]
        used = measure(piece)
      }
      lines.push(words.join(' '))
    }
    return lines
  }
}

/** A structure element's options; `scope` (of a header cell) is pdfkit's, missing from @types. */
type StructOptions = PDFKit.Mixins.StructureElementOptions & { scope?: 'Column' | 'Row' }

/** The whole PDF, once pdfkit has written it, in a plain Uint8Array of its own. */
function collect(pdf: PDFKit.PDFDocument): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = []
    pdf.on('data', (chunk: Uint8Array) => chunks.push(chunk))
    pdf.on('end', () => {
      const bytes = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0))
      let at = 0
      for (const chunk of chunks) {
        bytes.set(chunk, at)
        at += chunk.length
      }
      resolve(bytes)
    })
    pdf.on('error', reject)
  })
}

/**
 * pdfkit copies the title and author into the XMP metadata without escaping them, so a centre
 * called "Mill & Weir" would make the metadata unreadable XML. The info dictionary keeps the
 * words as they are; the XMP copy is escaped.
 */
function escapeXmpMetadata(pdf: PDFKit.PDFDocument): void {
  const internals = pdf as unknown as { info: PDFKit.DocumentInfo; _addInfo: () => void }
  const addInfo = internals._addInfo.bind(pdf)
  const xml = (s = ''): string => s.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`)
  internals._addInfo = () => {
    const info = internals.info
    internals.info = { ...info, Title: xml(info.Title), Author: xml(info.Author) }
    try {
      addInfo()
    } finally {
      internals.info = info
    }
  }
}
