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
} from '../domain/import-sheets.ts'

/** A file as it was sent: its name (which says which sheet a CSV file is) and its bytes. */
export interface ImportFile {
  name: string
  bytes: Uint8Array
}

/** The largest upload the import page takes: the files, and once checked, sealed in the page. */
export const IMPORT_BODY_LIMIT_BYTES = 12 * 1024 * 1024

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
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}

function readCsv(name: string, bytes: Uint8Array, problems: ImportProblem[]): Cell[][] | undefined {
  try {
    const rows: string[][] = parse(decodeCsv(bytes), {
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
    })
    return rows
  } catch (error) {
    const line = (error as { lines?: number }).lines
    problems.push({
      sheet: 'file',
      message: `"${name}" could not be read as CSV${line === undefined ? '' : ` (near line ${String(line)})`}: check for a quote mark that is never closed`,
    })
    return undefined
  }
}

async function readWorkbook(
  name: string,
  bytes: Uint8Array,
  problems: ImportProblem[],
): Promise<{ name: string; rows: Cell[][] }[]> {
  const unpacked = declaredUnpackedSize(bytes)
  if (unpacked === undefined || unpacked > MAX_UNPACKED_BYTES) {
    problems.push({
      sheet: 'file',
      message:
        unpacked === undefined
          ? `"${name}" is not a readable Excel workbook`
          : `"${name}" unpacks to more than ${String(MAX_UNPACKED_BYTES / 1024 / 1024)} MB: split it into smaller workbooks`,
    })
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

/**
 * The total size a zip file says its entries unpack to, from its central directory, before
 * anything is unpacked; nothing when it is no zip file. An entry that lies about its size is
 * still bounded by what the reader gives back; this keeps an honest bomb out cheaply.
 */
export function declaredUnpackedSize(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // The end-of-central-directory record: within the last 64 KB + 22 bytes.
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 65_557); at -= 1) {
    if (view.getUint32(at, true) !== 0x06054b50) continue
    const entries = view.getUint16(at + 10, true)
    let offset = view.getUint32(at + 16, true)
    let total = 0
    for (let i = 0; i < entries; i += 1) {
      if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50)
        return undefined
      const size = view.getUint32(offset + 24, true)
      if (size === 0xffffffff) return Number.POSITIVE_INFINITY // zip64: larger than we read
      total += size
      offset +=
        46 +
        view.getUint16(offset + 28, true) +
        view.getUint16(offset + 30, true) +
        view.getUint16(offset + 32, true)
    }
    return total
  }
  return undefined
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
