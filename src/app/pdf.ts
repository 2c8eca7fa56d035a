import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib'
import type { OutgoingDocument } from '../domain/outward/documents.ts'

/**
 * Renders one of Haven's outgoing documents as a PDF (pdf-lib, the standard Helvetica fonts,
 * A4, no images, no scripts, no forms). Text is kept as text, so it can be searched and read
 * aloud. Characters the standard fonts cannot show become "?" rather than failing the
 * document (an assumption in docs/decisions/0015-outgoing-documents.md).
 */
const A4: [number, number] = [595.28, 841.89]
const MARGIN = 56
const SIZE = 11
const LEADING = 15

export async function renderPdf(
  doc: OutgoingDocument,
  meta: { centreName: string; createdAt: Date },
): Promise<Uint8Array> {
  const pdf = await PDFDocument.create()
  pdf.setTitle(doc.title)
  pdf.setAuthor(meta.centreName)
  pdf.setCreator('Haven')
  pdf.setProducer('Haven')
  pdf.setCreationDate(meta.createdAt)
  pdf.setModificationDate(meta.createdAt)
  const regular = await pdf.embedFont(StandardFonts.Helvetica)
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold)
  const writer = new PageWriter(pdf, regular, bold)
  writer.line(doc.title, { font: bold, size: 16, leading: 24 })
  writer.gap(6)
  for (const block of doc.blocks) {
    if (block.kind === 'heading') writer.paragraph(block.text, bold)
    else if (block.kind === 'paragraph') writer.paragraph(block.text, regular)
    else if (block.kind === 'list')
      for (const item of block.items) writer.paragraph(item, regular, '• ')
    else writer.table(block.columns, block.rows)
    writer.gap(6)
  }
  return pdf.save({ useObjectStreams: false })
}

class PageWriter {
  #pdf: PDFDocument
  #regular: PDFFont
  #bold: PDFFont
  #page: PDFPage
  #y: number
  #safe = new Map<string, string>()

  constructor(pdf: PDFDocument, regular: PDFFont, bold: PDFFont) {
    this.#pdf = pdf
    this.#regular = regular
    this.#bold = bold
    this.#page = pdf.addPage(A4)
    this.#y = A4[1] - MARGIN
  }

  gap(points: number): void {
    this.#y -= points
  }

  line(text: string, style: { font: PDFFont; size?: number; leading?: number; x?: number }): void {
    const leading = style.leading ?? LEADING
    if (this.#y - leading < MARGIN) {
      this.#page = this.#pdf.addPage(A4)
      this.#y = A4[1] - MARGIN
    }
    this.#y -= leading
    this.#page.drawText(this.#encodable(text, style.font), {
      x: MARGIN + (style.x ?? 0),
      y: this.#y,
      size: style.size ?? SIZE,
      font: style.font,
    })
  }

  paragraph(text: string, font: PDFFont, bullet = ''): void {
    const indent = bullet === '' ? 0 : font.widthOfTextAtSize(bullet, SIZE)
    const lines = this.#wrap(this.#encodable(text, font), font, A4[0] - 2 * MARGIN - indent)
    lines.forEach((line, index) => {
      this.line(index === 0 ? `${bullet}${line}` : line, { font, x: index === 0 ? 0 : indent })
    })
  }

  table(columns: readonly string[], rows: readonly (readonly string[])[]): void {
    const width = (A4[0] - 2 * MARGIN) / columns.length
    const row = (cells: readonly string[], font: PDFFont): void => {
      if (this.#y - LEADING < MARGIN) {
        this.#page = this.#pdf.addPage(A4)
        this.#y = A4[1] - MARGIN
      }
      this.#y -= LEADING
      cells.forEach((cell, index) => {
        this.#page.drawText(this.#encodable(cell, font), {
          x: MARGIN + index * width,
          y: this.#y,
          size: SIZE,
          font,
        })
      })
    }
    row(columns, this.#bold)
    for (const cells of rows) row(cells, this.#regular)
  }

  #wrap(text: string, font: PDFFont, width: number): string[] {
    const lines: string[] = []
    let current = ''
    for (const word of text.split(/\s+/).filter((w) => w !== '')) {
      const next = current === '' ? word : `${current} ${word}`
      if (current !== '' && font.widthOfTextAtSize(next, SIZE) > width) {
        lines.push(current)
        current = word
      } else current = next
    }
    if (current !== '' || lines.length === 0) lines.push(current)
    return lines
  }

  /** The text with every character the font cannot encode replaced by "?". */
  #encodable(text: string, font: PDFFont): string {
    let out = ''
    for (const char of text) {
      let safe = this.#safe.get(char)
      if (safe === undefined) {
        try {
          font.encodeText(char)
          safe = char
        } catch {
          safe = '?'
        }
        this.#safe.set(char, safe)
      }
      out += safe
    }
    return out
  }
}
