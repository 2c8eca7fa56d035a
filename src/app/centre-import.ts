import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { ukDateOf, ukDateTime } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import {
  COLUMNS,
  readSheets,
  SHEET_TITLES,
  type FamilyRow,
  type ImportProblem,
  type SessionRow,
} from '../domain/import-sheets.ts'
import type { Db } from '../storage/database.ts'
import { findFamilyByReference } from '../storage/families.ts'
import { markCheckImported } from '../storage/import-checks.ts'
import { findOrCreateAgency, listAgencies } from '../storage/referrals.ts'
import { listRooms } from '../storage/session-people.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { referralInput } from './contracts/cases.ts'
import { openWithMasterKey, sealWithMasterKey } from './field-crypto.ts'
import { sheetsOfFiles, type ImportFile } from './import-files.ts'
import { inCentre } from './in-centre.ts'
import { requireAbility } from './policy-access.ts'
import { assertReferralInput, writeReferral, type ReferralInput } from './referrals.ts'
import { assertTimes, assertToCome, writeBooking } from './sessions.ts'

export interface ImportReport {
  /** A dry run writes nothing, whatever it finds. */
  isDryRun: boolean
  /** Whether the records were written: only when nothing at all was wrong. */
  isImported: boolean
  /** What was (or, in a dry run, would be) brought in. */
  counts: { agencies: number; families: number; people: number; sessions: number }
  /** Every problem found, in sheet and row order; none when it was (or can be) imported. */
  problems: ImportProblem[]
  /** The reference each family got (or would get), by the centre's own label, in order. */
  references: { label: string; reference: string }[]
}

/** Thrown inside the transaction to roll it back and carry the report out. */
class RolledBack extends Error {
  readonly report: ImportReport
  constructor(report: ImportReport) {
    super('import rolled back')
    this.report = report
  }
}

/**
 * Moves a centre's records in from its spreadsheets (decision 0038): agencies, families with
 * their people (contact details sealed under each family's key as they arrive, search terms
 * made), and booked sessions, through the same writes and checks as the pages use (a room
 * free, a family in one place at a time, the separation plan, dates that can be true).
 *
 * Everything is tried in one transaction under the centre's lock. Every problem of every row
 * is gathered; if there is any, or if this is a dry run, the transaction is rolled back and
 * nothing at all is written, so a dry run reports exactly what the import would do. Otherwise
 * it commits, with one audit entry for the import (counts only) beside each record's own.
 */
export async function importRecords(
  ctx: AppContext,
  actor: Actor,
  files: readonly ImportFile[],
  options: {
    isDryRun: boolean
    /** The check whose sealed files these are: they are imported once (`import_checks`). */
    checkId?: string | undefined
  },
): Promise<ImportReport> {
  await requireAbility(ctx, actor, 'record_referrals')
  await requireAbility(ctx, actor, 'decide_referrals')
  const { sheets, problems: fileProblems } = await sheetsOfFiles(files)
  if (Object.keys(sheets).length === 0 && fileProblems.length === 0)
    throw new HavenError('invalid_input', 'choose at least one file to import', 'files')
  if (sheets.sessions !== undefined) await requireAbility(ctx, actor, 'book_sessions')
  const read = readSheets(sheets)
  try {
    return await inCentre(ctx, actor.centreId, async (trx) => {
      if (
        !options.isDryRun &&
        options.checkId !== undefined &&
        !(await markCheckImported(trx, actor.centreId, options.checkId, ctx.now().toISOString()))
      )
        throw new HavenError(
          'conflict',
          'these checked files have been imported already; to import more, check the new files',
          'files',
        )
      const importer = new Importer(ctx, trx, actor, [...fileProblems, ...read.problems])
      const agencies = await importer.agencies(read.agencies)
      const families = await importer.families(read.families)
      const sessions = await importer.sessions(read.sessions, families)
      const report: ImportReport = {
        isDryRun: options.isDryRun,
        isImported: false,
        counts: {
          agencies,
          families: families.size,
          people: read.families
            .filter((f) => families.has(f.label.toLowerCase()))
            .reduce((n, f) => n + f.people.length, 0),
          sessions,
        },
        problems: sortProblems(importer.problems),
        references: [...families.values()].map((f) => ({ label: f.label, reference: f.reference })),
      }
      if (options.isDryRun || importer.problems.length > 0) throw new RolledBack(report)
      await recordEvent(trx, {
        type: 'records.imported',
        at: ctx.now(),
        centreId: actor.centreId,
        actorId: actor.accountId,
        details: { ...report.counts },
      })
      return { ...report, isImported: true }
    })
  } catch (error) {
    if (error instanceof RolledBack) return error.report
    throw error
  }
}

interface ImportedFamily {
  label: string
  familyId: string
  reference: string
}

/** The rows of one import, written in order inside its transaction. */
class Importer {
  private readonly ctx: AppContext
  private readonly trx: Db
  private readonly actor: Actor
  /** Every problem found, in the order found. */
  readonly problems: ImportProblem[]
  private readonly agencyIds = new Map<string, string>()
  /** The labels of families not written because of a problem of their own. */
  readonly troubled = new Set<string>()

  private readonly rowsWithProblems = new Set<string>()
  private readonly cellsWithProblems = new Set<string>()

  constructor(ctx: AppContext, trx: Db, actor: Actor, problems: ImportProblem[]) {
    this.ctx = ctx
    this.trx = trx
    this.actor = actor
    this.problems = []
    for (const problem of problems) this.add(problem)
  }

  /** A problem, and the row and cell it belongs to (looked up by key, not by a scan). */
  private add(problem: ImportProblem): void {
    this.problems.push(problem)
    this.rowsWithProblems.add(`${problem.sheet}:${String(problem.row)}`)
    this.cellsWithProblems.add(`${problem.sheet}:${String(problem.row)}:${problem.column ?? ''}`)
  }

  /** A problem found by the referral's own checks, unless its cell has one already. */
  private note(problem: ImportProblem): void {
    const cell = `${problem.sheet}:${String(problem.row)}:${problem.column ?? ''}`
    if (!this.cellsWithProblems.has(cell)) this.add(problem)
  }

  /** Agencies by name: one already held is used again (of the same kind), never doubled. */
  async agencies(rows: FamilyAgencyRows): Promise<number> {
    const held = await listAgencies(this.trx, this.actor.centreId)
    for (const agency of held) this.agencyIds.set(agency.name.toLowerCase(), agency.id)
    let added = 0
    for (const row of rows) {
      const existing = held.find((a) => a.name.toLowerCase() === row.name.toLowerCase())
      if (existing) {
        if (existing.kind !== row.kind)
          this.add({
            sheet: 'agencies',
            row: row.row,
            column: COLUMNS.agencies.kind.title,
            message: `"${row.name}" is already in Haven as a ${existing.kind.replaceAll('_', ' ')}, not a ${row.kind.replaceAll('_', ' ')}`,
          })
        continue
      }
      const agency = await findOrCreateAgency(this.trx, {
        id: this.ctx.newId(),
        centreId: this.actor.centreId,
        kind: row.kind,
        name: row.name,
        createdAt: this.ctx.now().toISOString(),
      })
      this.agencyIds.set(row.name.toLowerCase(), agency.id)
      added += 1
    }
    return added
  }

  /** Each family with its people and referral, through the checks a referral form has. */
  async families(rows: readonly FamilyRow[]): Promise<Map<string, ImportedFamily>> {
    const written = new Map<string, ImportedFamily>()
    const today = ukDateOf(this.ctx.now().toISOString())
    for (const family of rows) {
      const before = this.problems.length
      const agencyId =
        family.referredBy === undefined
          ? undefined
          : this.agencyIds.get(family.referredBy.toLowerCase())
      if (family.referredBy !== undefined && agencyId === undefined)
        this.add({
          sheet: 'families',
          row: family.row,
          column: COLUMNS.families.referredBy.title,
          message: `no agency "${family.referredBy}" in the Agencies sheet or in Haven`,
        })
      const input = referralOf(family, agencyId)
      const checked = referralInput.safeParse(input)
      if (!checked.success)
        for (const issue of checked.error.issues) this.note(problemOf(family, issue))
      else
        try {
          assertReferralInput(input, today)
        } catch (error) {
          if (!(error instanceof HavenError)) throw error
          this.note(problemOfField(family, error.field, error.message))
        }
      // Someone in the family had a problem already (a role, a date): it is not written.
      const hasRowProblem =
        this.rowsWithProblems.has(`families:${String(family.row)}`) ||
        family.people.some((person) => this.rowsWithProblems.has(`people:${String(person.row)}`))
      if (this.problems.length > before || hasRowProblem) {
        this.troubled.add(family.label.toLowerCase())
        continue
      }
      const done = await writeReferral(this.ctx, this.trx, this.actor, input, family.status)
      written.set(family.label.toLowerCase(), {
        label: family.label,
        familyId: done.familyId,
        reference: done.reference,
      })
    }
    return written
  }

  /** Each session, through the booking's own checks, for a family of this import or held. */
  async sessions(
    rows: readonly SessionRow[],
    families: ReadonlyMap<string, ImportedFamily>,
  ): Promise<number> {
    const rooms = await listRooms(this.trx, this.actor.centreId)
    const nowInUk = ukDateTime(this.ctx.now())
    let booked = 0
    for (const row of rows) {
      const problem = (column: keyof typeof COLUMNS.sessions | undefined, message: string) => {
        this.add({
          sheet: 'sessions',
          row: row.row,
          column: column === undefined ? undefined : COLUMNS.sessions[column].title,
          message,
        })
      }
      const familyId =
        families.get(row.family.toLowerCase())?.familyId ??
        (await findFamilyByReference(this.trx, this.actor.centreId, row.family.toUpperCase()))?.id
      const room = rooms.find((r) => r.name.toLowerCase() === row.room.toLowerCase())
      if (familyId === undefined)
        problem(
          'family',
          this.troubled.has(row.family.toLowerCase())
            ? `the family "${row.family}" has problems of its own (above); its sessions are checked once they are put right`
            : `no family "${row.family}" in the Families sheet or held in Haven`,
        )
      if (room === undefined)
        problem(
          'room',
          rooms.length === 0
            ? `there is no room "${row.room}": the centre has no rooms yet; add them first`
            : `there is no room "${row.room}"; the rooms are ${rooms.map((r) => r.name).join(', ')}`,
        )
      if (familyId === undefined || room === undefined) continue
      const booking = {
        familyId,
        roomId: room.id,
        kind: row.kind,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
      }
      try {
        assertTimes(booking)
        assertToCome(booking.startsAt, nowInUk)
        await writeBooking(this.ctx, this.trx, this.actor, booking)
        booked += 1
      } catch (error) {
        if (!(error instanceof HavenError) || error.code === 'internal') throw error
        problem(SESSION_FIELDS[error.field ?? ''], error.message)
      }
    }
    return booked
  }
}

type FamilyAgencyRows = ReturnType<typeof readSheets>['agencies']

/** A family's rows as the referral a referral form would send. */
function referralOf(family: FamilyRow, agencyId: string | undefined): ReferralInput {
  const parents = family.people.filter(
    (p) => p.role === 'resident_parent' || p.role === 'non_resident_parent',
  )
  return {
    ...(agencyId === undefined ? {} : { agencyId }),
    ...(family.receivedOn === undefined ? {} : { receivedOn: family.receivedOn }),
    parents: parents.map((p) => ({
      kind: p.role as 'resident_parent' | 'non_resident_parent',
      givenName: p.givenName,
      familyName: p.familyName,
      ...(p.relationship === undefined ? {} : { relationship: p.relationship }),
      hasParentalResponsibility: p.hasParentalResponsibility ?? false,
      ...(p.address === undefined && p.phone === undefined && p.email === undefined
        ? {}
        : {
            contactDetails: {
              ...(p.address === undefined ? {} : { address: p.address }),
              ...(p.phone === undefined ? {} : { phone: p.phone }),
              ...(p.email === undefined ? {} : { email: p.email }),
            },
          }),
    })),
    children: family.people
      .filter((p) => p.role === 'child')
      .map((p) => ({
        givenName: p.givenName,
        familyName: p.familyName,
        dateOfBirth: p.dateOfBirth ?? '',
      })),
    namedPeople: family.people
      .filter((p) => p.role === 'other_adult')
      .map((p) => ({
        givenName: p.givenName,
        familyName: p.familyName,
        relationship: p.relationship ?? '',
      })),
    ...(family.courtOrder === undefined
      ? {}
      : {
          courtOrder: {
            kind: family.courtOrder.kind,
            ...(family.courtOrder.madeOn === undefined ? {} : { madeOn: family.courtOrder.madeOn }),
          },
        }),
    ...(family.availability === undefined ? {} : { availability: family.availability }),
    isSeparationRequired: family.isSeparationRequired,
    safetyFlags: family.safetyFlags,
  }
}

/** The column a booking's field came from. */
const SESSION_FIELDS: Record<string, keyof typeof COLUMNS.sessions> = {
  roomId: 'room',
  familyId: 'family',
  startsAt: 'starts',
  endsAt: 'ends',
}

/** Where a referral field came from: a person's row and column, or the family's. */
const PERSON_FIELDS: Record<string, keyof typeof COLUMNS.people> = {
  givenName: 'givenName',
  familyName: 'familyName',
  dateOfBirth: 'dateOfBirth',
  relationship: 'relationship',
  hasParentalResponsibility: 'parentalResponsibility',
  address: 'address',
  phone: 'phone',
  email: 'email',
}
const FAMILY_FIELDS: Record<string, keyof typeof COLUMNS.families> = {
  receivedOn: 'receivedOn',
  availability: 'availability',
  courtOrder: 'courtOrder',
  safetyFlags: 'safetyFlags',
  agencyId: 'referredBy',
  isSeparationRequired: 'separation',
}

function problemOf(family: FamilyRow, issue: z.core.$ZodIssue): ImportProblem {
  const path = issue.path.map(String)
  return problemOfField(family, path.join('.'), issue.message)
}

function problemOfField(
  family: FamilyRow,
  field: string | undefined,
  message: string,
): ImportProblem {
  const path = (field ?? '').split('.')
  const [list, index, ...rest] = path
  const group =
    list === 'parents'
      ? family.people.filter(
          (p) => p.role === 'resident_parent' || p.role === 'non_resident_parent',
        )
      : list === 'children'
        ? family.people.filter((p) => p.role === 'child')
        : list === 'namedPeople'
          ? family.people.filter((p) => p.role === 'other_adult')
          : undefined
  const person = group?.[Number(index)]
  if (person) {
    const key = PERSON_FIELDS[rest[rest.length - 1] ?? '']
    return {
      sheet: 'people',
      row: person.row,
      column: key === undefined ? undefined : COLUMNS.people[key].title,
      message,
    }
  }
  const key = FAMILY_FIELDS[list ?? '']
  const what =
    list === 'parents'
      ? 'parents'
      : list === 'children'
        ? 'children'
        : list === 'namedPeople'
          ? 'other adults'
          : undefined
  return {
    sheet: 'families',
    row: family.row,
    column: key === undefined ? COLUMNS.families.family.title : COLUMNS.families[key].title,
    message: what === undefined ? message : `the family "${family.label}": ${what} ${message}`,
  }
}

/** Problems in the order a coordinator reads the workbook: file, then sheet by sheet, row. */
function sortProblems(problems: ImportProblem[]): ImportProblem[] {
  const order = ['file', 'agencies', 'families', 'people', 'sessions']
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        order.indexOf(a.p.sheet) - order.indexOf(b.p.sheet) ||
        (a.p.row ?? 0) - (b.p.row ?? 0) ||
        a.i - b.i,
    )
    .map(({ p }) => p)
}

/** How a problem reads on its own: "People, row 4, Date of birth: …". */
export function describeProblem(problem: ImportProblem): string {
  const where = [
    problem.sheet === 'file' ? 'Files' : SHEET_TITLES[problem.sheet],
    problem.row === undefined ? undefined : `row ${String(problem.row)}`,
    problem.column,
  ]
    .filter((part) => part !== undefined)
    .join(', ')
  return `${where}: ${problem.message}`
}

/** How long checked files may wait for "Import" before they must be checked again. */
const CHECKED_FOR_MS = 30 * 60 * 1000

/**
 * Files that passed a dry run, sealed under the master key for the page to send back with
 * "Import" (decision 0038): nothing is kept on the server between the two steps, the browser
 * holds only ciphertext, and the seal is bound to the person's sign-in session and a time
 * limit, so it cannot be replayed by anyone else or altered. The seal carries an id of its
 * own, recorded when its files are imported, so they are imported once. The files are framed
 * as bytes (a JSON header of names and lengths, then the files), so the page carries them
 * base64-encoded once: about four thirds of their size.
 */
export function sealCheckedFiles(
  ctx: AppContext,
  actor: Actor,
  files: readonly ImportFile[],
): { sealed: string; expiresAt: string } {
  const expiresAt = new Date(ctx.now().getTime() + CHECKED_FOR_MS).toISOString()
  const header = Buffer.from(
    JSON.stringify({
      checkId: randomUUID(),
      files: files.map((f) => ({ name: f.name, length: f.bytes.length })),
    }),
  )
  const length = Buffer.alloc(4)
  length.writeUInt32BE(header.length)
  const plain = Buffer.concat([length, header, ...files.map((f) => f.bytes)])
  return {
    sealed: sealWithMasterKey(ctx.masterKey, checkedPurpose(actor, expiresAt), plain),
    expiresAt,
  }
}

/** The files sealed by `sealCheckedFiles`, if still in time and sealed for this session. */
export function openCheckedFiles(
  ctx: AppContext,
  actor: Actor,
  sealed: string,
  expiresAt: string,
): { checkId: string; files: ImportFile[] } {
  const again = 'choose the files and check them again'
  if (!(Date.parse(expiresAt) > ctx.now().getTime()))
    throw new HavenError(
      'invalid_input',
      `the checked files waited more than 30 minutes: ${again}`,
      'files',
    )
  let plain: Buffer
  try {
    plain = openWithMasterKey(ctx.masterKey, checkedPurpose(actor, expiresAt), sealed)
  } catch {
    throw new HavenError(
      'invalid_input',
      `the checked files could not be read back: ${again}`,
      'files',
    )
  }
  const headerLength = plain.readUInt32BE(0)
  const header = JSON.parse(plain.subarray(4, 4 + headerLength).toString('utf8')) as {
    checkId: string
    files: { name: string; length: number }[]
  }
  let at = 4 + headerLength
  const files = header.files.map((f) => {
    const bytes = plain.subarray(at, at + f.length)
    at += f.length
    return { name: f.name, bytes }
  })
  return { checkId: header.checkId, files }
}

function checkedPurpose(actor: Actor, expiresAt: string): string {
  return `import:${actor.centreId}:${actor.accountId}:${actor.sessionId}:${expiresAt}`
}
