import { inflateRawSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import readXlsxFile from 'read-excel-file/node'
import writeXlsxFile from 'write-excel-file/node'
import {
  sheetOfName,
  SHEET_TITLES,
  SHEETS,
  templateGuide,
  templateHeadings,
  type Cell,
  type ImportProblem,
  type SheetName,
  MAX_ROWS,
} from '../domain/import-sheets.ts'

/** A file as it was sent: its name (which says which sheet a CSV file is) and its bytes. */
export interface ImportFile {
  name: string
  bytes: Uint8Array
}

/** The largest upload the import page takes: the files, and once checked, sealed in the page. */
export const IMPORT_BODY_LIMIT_BYTES = 12 * 1024 * 1024
/** "Import" sends the checked files back sealed and base64-encoded: a third larger, and more. */
export const IMPORT_CONFIRM_LIMIT_BYTES = 2 * IMPORT_BODY_LIMIT_BYTES

/** The most a workbook may unpack to: a centre's data is a few megabytes; more is a zip bomb. */
export const MAX_UNPACKED_BYTES = 64 * 1024 * 1024
/** The template's tab of column notes, which is not data. */
const GUIDE_TAB = 'Guide'

/**
 * The sheets in the files a centre sent: CSV files (one sheet each, named by the file) or
 * Excel workbooks (a tab per sheet, named by the tab), with a problem in words for a file
 * that cannot be read, a tab or file that is no sheet Haven knows, or a sheet sent twice.
 */
export async function sheetsOfFiles(
  files: readonly ImportFile[],
): Promise<{ sheets: Partial<Record<SheetName, Cell[][]>>; problems: ImportProblem[] }> {
  const sheets: Partial<Record<SheetName, Cell[][]>> = {}
  const problems: ImportProblem[] = []
  const take = (name: string, sheet: SheetName | undefined, rows: Cell[][]) => {
    if (sheet === undefined) {
      problems.push({
        sheet: 'file',
        message: `"${name}" is not one of the sheets Haven imports (${SHEETS.map((s) => SHEET_TITLES[s]).join(', ')}): name the file or tab after its sheet`,
      })
      return
    }
    if (sheets[sheet] !== undefined) {
      problems.push({
        sheet: 'file',
        message: `the ${SHEET_TITLES[sheet]} sheet was sent twice ("${name}" is the second): send it once`,
      })
      return
    }
    sheets[sheet] = rows
  }
  for (const file of files) {
    const name = displayName(file.name)
    if (isZip(file.bytes)) {
      const tabs = await readWorkbook(name, file.bytes, problems)
      for (const tab of tabs)
        if (tab.name !== GUIDE_TAB) take(`${name}: ${tab.name}`, sheetOfName(tab.name), tab.rows)
    } else if (/\.csv$/i.test(file.name) || looksLikeText(file.bytes)) {
      const rows = readCsv(name, file.bytes, problems)
      if (rows) take(name, sheetOfName(file.name), rows)
    } else
      problems.push({
        sheet: 'file',
        message: `"${name}" is neither a CSV file nor an Excel workbook (.xlsx); an older .xls workbook can be saved as .xlsx from Excel`,
      })
  }
  return { sheets, problems }
}

/** A file's name as it may be shown: its last part, printable, not too long. */
function displayName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? ''
  const clean = last.replace(/[^\p{L}\p{N} ._()-]/gu, '').slice(0, 80)
  return clean === '' ? 'a file' : clean
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
}

function looksLikeText(bytes: Uint8Array): boolean {
  return !bytes.subarray(0, 4096).includes(0)
}

/**
 * Text of a CSV file: UTF-8 (with or without Excel's byte-order mark), or, when it is not
 * UTF-8, Windows-1252, which Excel writes for "CSV (Comma delimited)" on a UK PC (so "Siân"
 * arrives as typed either way).
 */
function decodeCsv(bytes: Uint8Array): string {
  // Excel's "Unicode Text" is UTF-16 with a byte-order mark.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}

/** The line on which a quote mark opens and is never closed, if one is. */
function unclosedQuoteLine(text: string): number | undefined {
  let line = 1
  let openedOn: number | undefined
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]
    if (char === '\n') line += 1
    else if (char === '"') {
      if (openedOn === undefined) openedOn = line
      else if (text[i + 1] === '"')
        i += 1 // a quote mark written twice, inside quotes
      else openedOn = undefined
    }
  }
  return openedOn
}

function readCsv(name: string, bytes: Uint8Array, problems: ImportProblem[]): Cell[][] | undefined {
  const text = decodeCsv(bytes)
  let rows: string[][]
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: false, trim: true })
  } catch {
    const line = unclosedQuoteLine(text)
    problems.push({
      sheet: 'file',
      message:
        line === undefined
          ? `"${name}" could not be read as CSV: open it in Excel and save it again as "CSV UTF-8 (Comma delimited)"`
          : `"${name}" could not be read as CSV: on line ${String(line)} there is a quote mark that is never closed`,
    })
    return undefined
  }
  const [headings = []] = rows
  if (headings.length === 1 && (headings[0] ?? '').includes(';')) {
    problems.push({
      sheet: 'file',
      message: `"${name}" has its columns separated by semicolons, not commas: in Excel choose Save As, then "CSV UTF-8 (Comma delimited)"`,
    })
    return undefined
  }
  return rows
}

async function readWorkbook(
  name: string,
  bytes: Uint8Array,
  problems: ImportProblem[],
): Promise<{ name: string; rows: Cell[][] }[]> {
  const refusal = workbookRefusal(bytes)
  if (refusal !== undefined) {
    problems.push({ sheet: 'file', message: `"${name}" ${refusal}` })
    return []
  }
  try {
    const tabs = await readXlsxFile(Buffer.from(bytes), { trim: true })
    return tabs.map((tab) => ({ name: tab.sheet, rows: tab.data as unknown as Cell[][] }))
  } catch {
    problems.push({
      sheet: 'file',
      message: `"${name}" could not be read as an Excel workbook: open it in Excel and save it again as .xlsx`,
    })
    return []
  }
}

/** The most entries a workbook may hold: a real one has a few dozen. */
const MAX_ENTRIES = 2_000
/** The widest sheet read: the template's sheets have ten columns at most. */
export const MAX_COLUMNS = 50

/**
 * Why a workbook may not be handed to the spreadsheet reader, or nothing when it may. The
 * reader trusts a zip's own word for how large each entry is and fills every row up to the
 * highest row number a sheet names, so before it sees anything, every entry is unpacked here
 * with a hard bound on its output (`maxOutputLength`), its sizes checked against both of the
 * zip's records of them, the total kept under 64 MB, and each sheet's row numbers and columns
 * kept within what is read (review of 2026-12-02, findings 1 and 2).
 */
export function workbookRefusal(bytes: Uint8Array): string | undefined {
  const unreadable = 'is not a readable Excel workbook: open it in Excel and save it again as .xlsx'
  const tooLarge = `unpacks to more than ${String(MAX_UNPACKED_BYTES / 1024 / 1024)} MB: split it into smaller workbooks`
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let end = -1
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 65_557); at -= 1)
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at
      break
    }
  if (end < 0) return unreadable
  const entries = view.getUint16(end + 10, true)
  if (entries > MAX_ENTRIES) return `holds more than ${String(MAX_ENTRIES)} parts: ${unreadable}`
  let offset = view.getUint32(end + 16, true)
  let total = 0
  for (let i = 0; i < entries; i += 1) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return unreadable
    const method = view.getUint16(offset + 10, true)
    const packed = view.getUint32(offset + 20, true)
    const size = view.getUint32(offset + 24, true)
    const nameLength = view.getUint16(offset + 28, true)
    const local = view.getUint32(offset + 42, true)
    const entryName = Buffer.from(bytes.subarray(offset + 46, offset + 46 + nameLength)).toString(
      'utf8',
    )
    offset +=
      46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true)
    if (packed === 0xffffffff || size === 0xffffffff) return tooLarge // zip64
    if (total + size > MAX_UNPACKED_BYTES) return tooLarge
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) return unreadable
    const flags = view.getUint16(local + 6, true)
    const hasDescriptor = (flags & 0x08) !== 0
    // Without a data descriptor, the entry's own header must agree with the directory.
    if (
      !hasDescriptor &&
      (view.getUint32(local + 18, true) !== packed || view.getUint32(local + 22, true) !== size)
    )
      return unreadable
    if (view.getUint16(local + 8, true) !== method) return unreadable
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
    if (dataAt + packed > bytes.length) return unreadable
    const data = bytes.subarray(dataAt, dataAt + packed)
    let unpacked: Buffer
    try {
      if (method === 0) unpacked = Buffer.from(data)
      else if (method === 8)
        unpacked = inflateRawSync(data, {
          maxOutputLength: Math.max(1, Math.min(size, MAX_UNPACKED_BYTES - total)),
        })
      else return unreadable
    } catch {
      // More than the directory says, or cut short: either way, not handed on.
      return size >= MAX_UNPACKED_BYTES - total ? tooLarge : unreadable
    }
    if (unpacked.length !== size) return unreadable
    total += size
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(entryName)) {
      const bounds = sheetBounds(unpacked.toString('latin1'))
      if (bounds.rows > MAX_ROWS + 1)
        return `has a sheet with rows numbered up to ${String(bounds.rows)}; at most ${String(MAX_ROWS)} rows are read at once: split it`
      if (bounds.columns > MAX_COLUMNS)
        return `has a sheet with something in column ${columnName(bounds.columns)}; the sheets have ${String(MAX_COLUMNS)} columns at most: delete what is beyond them`
    }
  }
  return undefined
}

/** The highest row number and column a sheet's XML names (its dimension, rows and cells). */
function sheetBounds(xml: string): { rows: number; columns: number } {
  let rows = 0
  let columns = 0
  const cell = (ref: string) => {
    const match = /^\$?([A-Z]{1,3})\$?(\d{1,10})$/.exec(ref)
    if (!match) return
    columns = Math.max(columns, columnNumber(match[1] ?? ''))
    rows = Math.max(rows, Number(match[2]))
  }
  for (const m of xml.matchAll(/<(?:\w+:)?dimension\b[^>]*\bref="([^"]*)"/g))
    for (const ref of (m[1] ?? '').split(':')) cell(ref)
  for (const m of xml.matchAll(/<(?:\w+:)?row\b[^>]*\br="(\d{1,10})"/g))
    rows = Math.max(rows, Number(m[1]))
  for (const m of xml.matchAll(/<(?:\w+:)?c\b[^>]*\br="([^"]*)"/g)) cell(m[1] ?? '')
  return { rows, columns }
}

function columnNumber(letters: string): number {
  let n = 0
  for (let i = 0; i < letters.length; i += 1) n = n * 26 + letters.charCodeAt(i) - 64
  return n
}

function columnName(n: number): string {
  let name = ''
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26))
    name = String.fromCharCode(65 + ((rest - 1) % 26)) + name
  return name
}

/** The template workbook: a tab per sheet with its headings, and a Guide tab. */
export async function templateWorkbook(): Promise<Buffer> {
  const bold = (value: string) => ({ value, fontWeight: 'bold' as const })
  const sheets = SHEETS.map((sheet) => ({
    sheet: SHEET_TITLES[sheet],
    data: [templateHeadings(sheet).map(bold)],
    columns: templateHeadings(sheet).map(() => ({ width: 22 })),
  }))
  const guide = {
    sheet: GUIDE_TAB,
    data: [
      ['Sheet', 'Column', 'Needed', 'What to write'].map(bold),
      ...templateGuide().map((g) => [g.sheet, g.column, g.required ? 'yes' : 'no', g.hint]),
    ],
    columns: [{ width: 12 }, { width: 24 }, { width: 8 }, { width: 80 }],
  }
  return writeXlsxFile([...sheets, guide]).toBuffer()
}

/** The template of one sheet as CSV: its headings, UTF-8 with a byte-order mark for Excel. */
export function templateCsv(sheet: SheetName): string {
  return `\uFEFF${templateHeadings(sheet)
    .map((h) => (/[",]/.test(h) ? `"${h.replaceAll('"', '""')}"` : h))
    .join(',')}\r\n`
}
