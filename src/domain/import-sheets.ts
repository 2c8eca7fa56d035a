/**
 * Moving a centre into Haven: the sheets a centre fills in (agencies, families, people,
 * sessions), the columns of each, and the reading of each cell as a coordinator would type
 * it in Excel (UK dates, "yes" and "no", "10:30" or "2pm"). Pure: it reads cells and says,
 * in words, what is wrong with each row; src/app/centre-import.ts writes what it reads.
 * The format is decision 0038 and docs/IMPORT.md.
 */
import { addDays, isIsoDate } from './calendar.ts'
import { AGENCY_KINDS, type AgencyKind } from './roles.ts'
import { REFERRAL_STATUSES, type ReferralStatus } from './cases/referral-lifecycle.ts'

/** A cell as a spreadsheet gives it: text, a number, a yes/no, a date, or nothing. */
export type Cell = string | number | boolean | Date | null | undefined

export const SHEETS = ['agencies', 'families', 'people', 'sessions'] as const
export type SheetName = (typeof SHEETS)[number]

interface Column {
  /** The heading in the template, as a coordinator reads it. */
  title: string
  required: boolean
  /** What goes in it, for the template's guide and the docs. */
  hint: string
}

const AGENCY_KIND_WORDS = AGENCY_KINDS.map((k) => k.replaceAll('_', ' '))
const STATUS_WORDS = REFERRAL_STATUSES.map((s) => s.replaceAll('_', ' '))

export const PERSON_ROLES = {
  'resident parent': 'resident_parent',
  'visiting parent': 'non_resident_parent',
  child: 'child',
  'other adult': 'other_adult',
} as const
export type PersonRole = (typeof PERSON_ROLES)[keyof typeof PERSON_ROLES]
/** The words a role is known by: the template's, and the older "non-resident parent". */
const ROLE_OF_WORD: Record<string, PersonRole> = {
  ...PERSON_ROLES,
  'non resident parent': 'non_resident_parent',
  'nonresident parent': 'non_resident_parent',
}
const ROLE_WORDS = Object.keys(ROLE_OF_WORD)

export const SESSION_KIND_WORDS = ['supported', 'supervised', 'handover'] as const

export const COLUMNS = {
  agencies: {
    name: { title: 'Agency name', required: true, hint: 'as it should appear in Haven' },
    kind: { title: 'Kind', required: true, hint: AGENCY_KIND_WORDS.join(', ') },
  },
  families: {
    family: {
      title: 'Family',
      required: true,
      hint: 'your own label for the family, used only to match its people and sessions; it is not kept',
    },
    referredBy: {
      title: 'Referred by',
      required: false,
      hint: 'an agency name from the Agencies sheet or already in Haven; empty for a self-referral',
    },
    receivedOn: {
      title: 'Referral received',
      required: false,
      hint: 'a date like 14/03/2026; empty for today',
    },
    status: {
      title: 'Status',
      required: false,
      hint: `${STATUS_WORDS.join(', ')}; empty for active`,
    },
    separation: {
      title: 'Keep parents apart',
      required: true,
      hint: 'yes or no: staggered arrivals and departures, separate waiting rooms',
    },
    safetyFlags: {
      title: 'Safety flags',
      required: false,
      hint: 'short codes separated by commas, like no_photos, collect_from_room',
    },
    availability: {
      title: 'When they can come',
      required: false,
      hint: 'free text, like "Saturday mornings"',
    },
    courtOrder: {
      title: 'Court order',
      required: false,
      hint: 'the kind of order, like "child arrangements order"; empty if none',
    },
    courtOrderMadeOn: {
      title: 'Court order made on',
      required: false,
      hint: 'a date like 14/03/2026',
    },
  },
  people: {
    family: { title: 'Family', required: true, hint: 'the label from the Families sheet' },
    role: { title: 'Role', required: true, hint: Object.keys(PERSON_ROLES).join(', ') },
    givenName: { title: 'First name', required: true, hint: '' },
    familyName: { title: 'Last name', required: true, hint: '' },
    dateOfBirth: {
      title: 'Date of birth',
      required: false,
      hint: 'children only, a date like 14/03/2019',
    },
    relationship: {
      title: 'Relationship',
      required: false,
      hint: 'to the children, like "mother" or "grandmother"; needed for an other adult',
    },
    parentalResponsibility: {
      title: 'Parental responsibility',
      required: false,
      hint: 'yes or no; parents only',
    },
    address: { title: 'Address', required: false, hint: 'parents only; sealed as it arrives' },
    phone: { title: 'Phone', required: false, hint: 'parents only; sealed as it arrives' },
    email: { title: 'Email', required: false, hint: 'parents only; sealed as it arrives' },
  },
  sessions: {
    family: {
      title: 'Family',
      required: true,
      hint: 'the label from the Families sheet, or the reference of a family already in Haven',
    },
    date: { title: 'Date', required: true, hint: 'a date like 14/03/2027, today or later' },
    starts: { title: 'Starts', required: true, hint: 'a time like 10:00' },
    ends: { title: 'Ends', required: true, hint: 'a time like 12:00' },
    room: { title: 'Room', required: true, hint: "one of the centre's rooms, by name" },
    kind: { title: 'Kind', required: true, hint: SESSION_KIND_WORDS.join(', ') },
  },
} satisfies Record<SheetName, Record<string, Column>>

/** A sheet's column by its key, for code that holds the key as text. */
function columnOf(sheet: SheetName, key: string): Column | undefined {
  return (COLUMNS[sheet] as Record<string, Column>)[key]
}

export const SHEET_TITLES: Record<SheetName, string> = {
  agencies: 'Agencies',
  families: 'Families',
  people: 'People',
  sessions: 'Sessions',
}

/** At most this many rows in one sheet: a centre's years of families fit many times over. */
export const MAX_ROWS = 20_000
/** No cell of the template needs more; a longer one is a pasted document. */
export const MAX_CELL_LENGTH = 2_000

export interface ImportProblem {
  sheet: SheetName | 'file'
  /** The spreadsheet's row number (the headings are row 1), when the problem is one row's. */
  row?: number | undefined
  /** The column's heading, when the problem is one cell's. */
  column?: string | undefined
  message: string
}

export interface AgencyRow {
  row: number
  name: string
  kind: AgencyKind
}

export interface PersonRow {
  row: number
  role: PersonRole
  givenName: string
  familyName: string
  dateOfBirth?: string | undefined
  relationship?: string | undefined
  hasParentalResponsibility?: boolean | undefined
  address?: string | undefined
  phone?: string | undefined
  email?: string | undefined
}

export interface FamilyRow {
  row: number
  label: string
  referredBy?: string | undefined
  receivedOn?: string | undefined
  status: ReferralStatus
  isSeparationRequired: boolean
  safetyFlags: string[]
  availability?: string | undefined
  courtOrder?: { kind: string; madeOn?: string | undefined } | undefined
  people: PersonRow[]
}

export interface SessionRow {
  row: number
  family: string
  kind: (typeof SESSION_KIND_WORDS)[number]
  /** UK wall-clock times, `YYYY-MM-DDTHH:MM`. */
  startsAt: string
  endsAt: string
  room: string
}

export interface ReadSheets {
  agencies: AgencyRow[]
  families: FamilyRow[]
  sessions: SessionRow[]
  problems: ImportProblem[]
}

/** Which sheet a file or a workbook's tab is, from its name ("People.csv", "Families"). */
export function sheetOfName(name: string): SheetName | undefined {
  const word = name
    .toLowerCase()
    .replace(/\.(csv|xlsx)$/, '')
    .replace(/[^a-z]/g, '')
  if (word.includes('agenc')) return 'agencies'
  if (word.includes('famil')) return 'families'
  if (word.includes('people') || word.includes('person')) return 'people'
  if (word.includes('session')) return 'sessions'
  return undefined
}

/** Text of a cell as typed, trimmed; a number as written; nothing for an empty cell. */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return ''
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString()
  // One Unicode form (a "â" typed on a Mac and on Windows compare equal); one kind of line end.
  return String(cell).normalize('NFC').replace(/\r\n?/g, '\n').trim()
}

/** Columns whose text may run over lines: an address, a note. */
const MULTILINE = new Set(['address', 'availability', 'courtOrder'])
/** Control characters (but a tab and a line end), which reach terminals and pages unseen. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/
/** Characters that turn text around as it is shown, so a name reads as another. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/
/** Characters that take no room on the page: two labels that look alike would differ by one. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/
/** The longest agency name Haven holds anywhere (an invitation's agency: contracts/members.ts). */
export const AGENCY_NAME_MAX = 200

/**
 * Why a family label cannot be matched safely, if it cannot: a label mixing alphabets (a
 * Cyrillic "О" in "Оak") or holding an invisible character would look like another label
 * and join people to the wrong family.
 */
function labelProblem(label: string): string | undefined {
  if (INVISIBLE.test(label))
    return 'holds an invisible character, so it may look like another label; retype it'
  const scripts = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Arabic', 'Hebrew'].filter((script) =>
    new RegExp(`\\p{Script=${script}}`, 'u').test(label),
  )
  if (scripts.length > 1)
    return `mixes letters of different alphabets (${scripts.join(' and ')}), so it may look like another label; retype it`
  return undefined
}

const HEADING_KEY = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9]/g, '')

/**
 * A date as a UK coordinator types it (14/03/2026, 14-03-2026, 14.3.2026, or 2026-03-14), or
 * as Excel stores it (a date cell, or its day number). Day first: a UK spreadsheet. A
 * two-digit year is refused rather than guessed.
 */
export function parseUkDate(cell: Cell): { date: string } | { problem: string } {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { problem: 'is not a date' }
    return { date: cell.toISOString().slice(0, 10) }
  }
  if (typeof cell === 'number') {
    // Excel's day number: days since 30 December 1899 (its 1900 leap-year slip included).
    if (Number.isInteger(cell) && cell > 0 && cell < 2_958_466)
      return { date: addDays('1899-12-30', cell) }
    return { problem: 'is not a date: write it like 14/03/2026' }
  }
  const text = cellText(cell)
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$/.exec(text)
  let parts: [string, string, string] | undefined
  if (iso) parts = [iso[1] ?? '', iso[2] ?? '', iso[3] ?? '']
  else if (uk) {
    const year = uk[3] ?? ''
    if (year.length !== 4)
      return { problem: `has a two-digit year (${text}): write the year in full, like 14/03/2026` }
    parts = [year, uk[2] ?? '', uk[1] ?? '']
  }
  if (!parts) return { problem: `is not a date (${text}): write it like 14/03/2026` }
  const date = `${parts[0]}-${parts[1].padStart(2, '0')}-${parts[2].padStart(2, '0')}`
  if (!isIsoDate(date))
    return { problem: `is not a real date (${text}): day, then month, then year` }
  return { date }
}

/** A time of day as typed (10:30, 10.30, 9:00, 2pm, 2:30 pm) or as Excel stores it. */
export function parseTime(cell: Cell): { time: string } | { problem: string } {
  let hours: number
  let minutes: number
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { problem: 'is not a time' }
    hours = cell.getUTCHours()
    minutes = cell.getUTCMinutes()
  } else if (typeof cell === 'number' && cell >= 0 && cell < 1) {
    const total = Math.round(cell * 24 * 60)
    hours = Math.floor(total / 60)
    minutes = total % 60
  } else {
    const text = cellText(cell).toLowerCase().replace(/\s+/g, '')
    const match = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(text)
    if (!match || (match[2] === undefined && match[3] === undefined))
      return { problem: `is not a time (${cellText(cell)}): write it like 10:30` }
    hours = Number(match[1])
    minutes = Number(match[2] ?? '0')
    if (match[3] !== undefined) {
      if (hours < 1 || hours > 12)
        return { problem: `is not a time (${cellText(cell)}): write it like 10:30` }
      hours = (hours % 12) + (match[3] === 'pm' ? 12 : 0)
    }
  }
  if (hours > 23 || minutes > 59)
    return { problem: `is not a time (${cellText(cell)}): write it like 10:30` }
  return { time: `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}` }
}

/** Yes or no as typed (yes, y, no, n, true, false, x for a tick); nothing for empty. */
export function parseYesNo(cell: Cell): { value: boolean | undefined } | { problem: string } {
  if (typeof cell === 'boolean') return { value: cell }
  const text = cellText(cell).toLowerCase()
  if (text === '') return { value: undefined }
  if (['yes', 'y', 'true', 'x', '1'].includes(text)) return { value: true }
  if (['no', 'n', 'false', '0'].includes(text)) return { value: false }
  return { problem: `should be yes or no, not "${cellText(cell)}"` }
}

/** A word from a list, forgiving case, spaces, hyphens and underscores. */
function chooseWord<T extends string>(text: string, words: readonly T[]): T | undefined {
  const key = (w: string) => w.toLowerCase().replace(/[\s_-]+/g, ' ')
  return words.find((w) => key(w) === key(text))
}

/** One sheet's rows as records of its columns, with problems for headings it cannot use. */
function readTable(
  sheet: SheetName,
  rows: Cell[][] | undefined,
  problems: ImportProblem[],
): { row: number; cells: Record<string, Cell> }[] {
  if (rows === undefined) return [] // not sent: nothing of this kind to import
  const columns = COLUMNS[sheet]
  const [headings = [], ...body] = rows
  if (headings.every((cell) => cellText(cell) === '')) {
    problems.push({
      sheet,
      row: 1,
      message: 'the first row should hold the headings, as in the template; it is empty',
    })
    return []
  }
  const byKey = new Map(Object.entries(columns).map(([key, c]) => [HEADING_KEY(c.title), key]))
  const keyAt: (string | undefined)[] = []
  const seen = new Set<string>()
  headings.forEach((heading, index) => {
    const title = cellText(heading)
    if (title === '') return
    const key = byKey.get(HEADING_KEY(title))
    if (key === undefined) {
      problems.push({
        sheet,
        row: 1,
        column: title,
        message: `"${title}" is not a column Haven imports; rename it to one of the template's headings or delete it, so nothing is left behind unnoticed`,
      })
      return
    }
    if (seen.has(key)) {
      problems.push({ sheet, row: 1, column: title, message: `"${title}" appears twice` })
      return
    }
    seen.add(key)
    keyAt[index] = key
  })
  for (const [key, column] of Object.entries(columns))
    if (column.required && !seen.has(key))
      problems.push({
        sheet,
        row: 1,
        column: column.title,
        message: `the column "${column.title}" is missing`,
      })
  if (body.length > MAX_ROWS)
    problems.push({
      sheet,
      message: `has ${String(body.length)} rows; at most ${String(MAX_ROWS)} are read at once: split it`,
    })
  const read: { row: number; cells: Record<string, Cell> }[] = []
  body.slice(0, MAX_ROWS).forEach((cells, index) => {
    if (cells.every((cell) => cellText(cell) === '')) return // a blank line
    const record: Record<string, Cell> = {}
    cells.forEach((cell, at) => {
      const key = keyAt[at]
      if (key !== undefined) record[key] = cell
    })
    read.push({ row: index + 2, cells: record })
  })
  return read
}

/** Reads a cell as text, noting a missing required one or one too long. */
class RowReader {
  private readonly sheet: SheetName
  private readonly row: number
  private readonly cells: Record<string, Cell>
  private readonly problems: ImportProblem[]

  constructor(
    sheet: SheetName,
    row: number,
    cells: Record<string, Cell>,
    problems: ImportProblem[],
  ) {
    this.sheet = sheet
    this.row = row
    this.cells = cells
    this.problems = problems
  }

  problem(key: string, message: string): void {
    this.problems.push({
      sheet: this.sheet,
      row: this.row,
      column: columnOf(this.sheet, key)?.title,
      message,
    })
  }

  text(key: string): string | undefined {
    const text = cellText(this.cells[key])
    const title = columnOf(this.sheet, key)?.title ?? key
    if (text === '') {
      if (columnOf(this.sheet, key)?.required === true) this.problem(key, `${title} is empty`)
      return undefined
    }
    if (text.includes('\u0000')) {
      this.problem(key, `${title} holds a NUL character, which no text may hold`)
      return undefined
    }
    if (CONTROL.test(text)) {
      this.problem(key, `${title} holds a control character, which no text may hold; retype it`)
      return undefined
    }
    if (BIDI_CONTROL.test(text)) {
      this.problem(
        key,
        `${title} holds a character that turns the text around as it is shown; retype it`,
      )
      return undefined
    }
    if (text.includes('\n') && !MULTILINE.has(key)) {
      this.problem(key, `${title} runs over more than one line; put it on one`)
      return undefined
    }
    if (key === 'family') {
      const problem = labelProblem(text)
      if (problem !== undefined) {
        this.problem(key, `${title} "${text}" ${problem}`)
        return undefined
      }
    }
    if (text.length > MAX_CELL_LENGTH) {
      this.problem(key, `${title} is longer than ${String(MAX_CELL_LENGTH)} characters`)
      return undefined
    }
    return text
  }

  date(key: string): string | undefined {
    if (cellText(this.cells[key]) === '') return this.text(key)
    const read = parseUkDate(this.cells[key])
    if ('problem' in read) {
      this.problem(key, `${columnOf(this.sheet, key)?.title ?? key} ${read.problem}`)
      return undefined
    }
    return read.date
  }

  time(key: string): string | undefined {
    if (cellText(this.cells[key]) === '') return this.text(key)
    const read = parseTime(this.cells[key])
    if ('problem' in read) {
      this.problem(key, `${columnOf(this.sheet, key)?.title ?? key} ${read.problem}`)
      return undefined
    }
    return read.time
  }

  yesNo(key: string): boolean | undefined {
    const read = parseYesNo(this.cells[key])
    const title = columnOf(this.sheet, key)?.title ?? key
    if ('problem' in read) {
      this.problem(key, `${title} ${read.problem}`)
      return undefined
    }
    if (read.value === undefined && columnOf(this.sheet, key)?.required === true)
      this.problem(key, `${title} is empty: write yes or no`)
    return read.value
  }

  word<T extends string>(
    key: string,
    words: readonly T[],
    shown: readonly string[],
  ): T | undefined {
    const text = this.text(key)
    if (text === undefined) return undefined
    const word = chooseWord(text, words) ?? chooseWord(text.replaceAll(' ', '_'), words)
    if (word === undefined)
      this.problem(
        key,
        `${columnOf(this.sheet, key)?.title ?? key} "${text}" is not one of: ${shown.join(', ')}`,
      )
    return word
  }
}

/**
 * Reads the sheets given (any may be missing) into agencies, families with their people,
 * and sessions, with every problem found in words. A family label names a family once in the
 * Families sheet; people and sessions refer to it. What needs the database (an agency or a
 * room by name, a family already in Haven, a clash) is checked when the import is tried.
 */
export function readSheets(sheets: Partial<Record<SheetName, Cell[][]>>): ReadSheets {
  const problems: ImportProblem[] = []
  const agencies: AgencyRow[] = []
  for (const { row, cells } of readTable('agencies', sheets.agencies, problems)) {
    const r = new RowReader('agencies', row, cells, problems)
    const name = r.text('name')
    const kind = r.word('kind', AGENCY_KINDS, AGENCY_KIND_WORDS)
    if (name !== undefined && name.length > AGENCY_NAME_MAX) {
      r.problem('name', `Agency name is longer than ${String(AGENCY_NAME_MAX)} characters`)
      continue
    }
    if (name === undefined || kind === undefined) continue
    if (agencies.some((a) => a.name.toLowerCase() === name.toLowerCase()))
      r.problem('name', `the agency "${name}" is listed twice`)
    else agencies.push({ row, name, kind })
  }

  const families: FamilyRow[] = []
  const labels = new Map<string, FamilyRow>()
  for (const { row, cells } of readTable('families', sheets.families, problems)) {
    const r = new RowReader('families', row, cells, problems)
    const label = r.text('family')
    const statusText = r.text('status')
    const status =
      statusText === undefined ? 'active' : r.word('status', REFERRAL_STATUSES, STATUS_WORDS)
    const separation = r.yesNo('separation')
    const flags = (r.text('safetyFlags') ?? '')
      .split(/[,;]/)
      .map((f) =>
        f
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_'),
      )
      .filter((f) => f !== '')
    const courtOrder = r.text('courtOrder')
    const madeOn = r.date('courtOrderMadeOn')
    const family: FamilyRow = {
      row,
      label: label ?? '',
      referredBy: r.text('referredBy'),
      receivedOn: r.date('receivedOn'),
      status: status ?? 'active',
      isSeparationRequired: separation ?? false,
      safetyFlags: flags,
      availability: r.text('availability'),
      courtOrder: courtOrder === undefined ? undefined : { kind: courtOrder, madeOn },
      people: [],
    }
    if (courtOrder === undefined && madeOn !== undefined)
      r.problem('courtOrderMadeOn', 'a date is given for a court order that is not named')
    if (label === undefined) continue
    const key = label.toLowerCase()
    if (labels.has(key)) {
      r.problem(
        'family',
        `the family "${label}" is listed twice (first on row ${String(labels.get(key)?.row)})`,
      )
      continue
    }
    labels.set(key, family)
    families.push(family)
  }

  for (const { row, cells } of readTable('people', sheets.people, problems)) {
    const r = new RowReader('people', row, cells, problems)
    const label = r.text('family')
    const roleWord = r.word('role', ROLE_WORDS, Object.keys(PERSON_ROLES))
    const chosenRole: PersonRole | undefined =
      roleWord === undefined ? undefined : ROLE_OF_WORD[roleWord]
    const person: PersonRow = {
      row,
      role: chosenRole ?? 'other_adult',
      givenName: r.text('givenName') ?? '',
      familyName: r.text('familyName') ?? '',
      dateOfBirth: r.date('dateOfBirth'),
      relationship: r.text('relationship'),
      hasParentalResponsibility: r.yesNo('parentalResponsibility'),
      address: r.text('address'),
      phone: r.text('phone'),
      email: r.text('email'),
    }
    if (
      chosenRole === 'child' &&
      person.dateOfBirth === undefined &&
      cellText(cells.dateOfBirth) === ''
    )
      r.problem('dateOfBirth', 'a child needs a date of birth')
    if (chosenRole !== undefined && chosenRole !== 'child' && person.dateOfBirth !== undefined)
      r.problem('dateOfBirth', 'a date of birth is recorded for children only')
    const isParent = chosenRole === 'resident_parent' || chosenRole === 'non_resident_parent'
    if (chosenRole !== undefined && !isParent) {
      for (const key of ['address', 'phone', 'email', 'parentalResponsibility'] as const)
        if (cellText(cells[key]) !== '')
          r.problem(key, `${COLUMNS.people[key].title} is recorded for parents only`)
    }
    if (
      isParent &&
      person.hasParentalResponsibility === undefined &&
      cellText(cells.parentalResponsibility) === ''
    )
      r.problem(
        'parentalResponsibility',
        'Parental responsibility is empty: write yes or no for a parent',
      )
    if (chosenRole === 'other_adult' && person.relationship === undefined)
      r.problem('relationship', 'an other adult needs a relationship, like "grandmother"')
    if (label === undefined || chosenRole === undefined) continue
    const family = labels.get(label.toLowerCase())
    if (!family) {
      r.problem('family', `no family "${label}" in the Families sheet`)
      continue
    }
    family.people.push(person)
  }
  for (const family of families) {
    const count = (role: PersonRole) => family.people.filter((p) => p.role === role).length
    const where = {
      sheet: 'families' as const,
      row: family.row,
      column: COLUMNS.families.family.title,
    }
    if (count('resident_parent') + count('non_resident_parent') === 0)
      problems.push({
        ...where,
        message: `the family "${family.label}" has no parent in the People sheet`,
      })
    if (count('child') === 0)
      problems.push({
        ...where,
        message: `the family "${family.label}" has no child in the People sheet`,
      })
    for (const role of ['resident_parent', 'non_resident_parent'] as const)
      if (count(role) > 1)
        problems.push({
          ...where,
          message: `the family "${family.label}" has ${String(count(role))} people as ${role === 'resident_parent' ? 'resident parent' : 'visiting parent'}; one at most`,
        })
  }

  const sessions: SessionRow[] = []
  for (const { row, cells } of readTable('sessions', sheets.sessions, problems)) {
    const r = new RowReader('sessions', row, cells, problems)
    const family = r.text('family')
    const date = r.date('date')
    const starts = r.time('starts')
    const ends = r.time('ends')
    const room = r.text('room')
    const kind = r.word('kind', SESSION_KIND_WORDS, SESSION_KIND_WORDS)
    if (
      family === undefined ||
      date === undefined ||
      starts === undefined ||
      ends === undefined ||
      room === undefined ||
      kind === undefined
    )
      continue
    if (ends <= starts) {
      r.problem('ends', `the session ends (${ends}) before it starts (${starts})`)
      continue
    }
    sessions.push({
      row,
      family,
      kind,
      startsAt: `${date}T${starts}`,
      endsAt: `${date}T${ends}`,
      room,
    })
  }
  return { agencies, families, sessions, problems }
}

/** The template's rows of headings, one list per sheet, in order. */
export function templateHeadings(sheet: SheetName): string[] {
  return Object.values(COLUMNS[sheet]).map((c) => c.title)
}

/** What each column takes, for the template's guide sheet and the import page. */
export function templateGuide(): {
  sheet: string
  column: string
  required: boolean
  hint: string
}[] {
  return SHEETS.flatMap((sheet) =>
    Object.values(COLUMNS[sheet]).map((c) => ({
      sheet: SHEET_TITLES[sheet],
      column: c.title,
      required: c.required,
      hint: c.hint,
    })),
  )
}
