import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { operatorActor } from '../app/actor.ts'
import { describeProblem, importRecords } from '../app/centre-import.ts'
import { findCentreBySlugOrThrow } from '../app/centres.ts'
import { templateCsv, templateWorkbook } from '../app/import-files.ts'
import { SHEETS } from '../domain/import-sheets.ts'
import { UsageError, type Command } from './commands.ts'
import { requiredString, withHaven } from './support.ts'

const MAX_FILES = 8

/** Moving a centre in from the machine: the same check and import as the page (decision 0038). */
const importCommand: Command = {
  path: ['import'],
  centreScopeOnly: "writes and prints a centre's families",
  summary:
    "Import a centre's agencies, families and booked sessions from Excel or CSV (--dry-run checks only)",
  usage: 'haven import --centre SLUG [--dry-run] [--json] FILE...',
  details: [
    'FILE      an Excel workbook (.xlsx) with a tab per sheet, or CSV files named after their',
    '          sheet (agencies.csv, families.csv, people.csv, sessions.csv): see haven import template',
    '--dry-run check every row and say what would be imported; nothing is written',
    'Every problem of every row is listed; if there is any, nothing is written at all. Otherwise',
    'everything is written in one transaction, audited as an import by the operator.',
    'Exit code: 0 imported (or, with --dry-run, ready to import), 1 problems found.',
  ],
  options: {
    centre: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: MAX_FILES,
  async run(values, positionals, io) {
    const slug = requiredString(values, 'centre')
    if (positionals.length === 0) throw new UsageError('name the files to import')
    const files = positionals.map((file) => {
      const full = path.resolve(io.cwd, file)
      try {
        return { name: path.basename(full), bytes: readFileSync(full) }
      } catch {
        throw new UsageError(`cannot read ${file}`)
      }
    })
    const isDryRun = values['dry-run'] === true
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const report = await importRecords(haven.ctx, operatorActor(centre.id), files, { isDryRun })
      const c = report.counts
      const what = `${String(c.families)} families, ${String(c.people)} people, ${String(c.sessions)} sessions and ${String(c.agencies)} new agencies`
      if (values.json === true) io.out(JSON.stringify(report))
      else if (report.problems.length > 0) {
        for (const problem of report.problems) io.out(describeProblem(problem))
        io.out(`${String(report.problems.length)} problems found: nothing was written`)
      } else {
        for (const r of report.references) io.out(`${r.reference}  ${r.label}`)
        io.out(isDryRun ? `ready to import ${what}; nothing was written` : `imported ${what}`)
      }
      return report.problems.length > 0 ? 1 : 0
    })
  },
}

const templateCommand: Command = {
  path: ['import', 'template'],
  summary: 'Write the import templates (an Excel workbook and a CSV file per sheet) to a folder',
  usage: 'haven import template --out DIR',
  details: ['The workbook has a Guide tab saying what goes in each column.'],
  options: { out: { type: 'string' } },
  async run(values, _positionals, io) {
    const out = path.resolve(io.cwd, requiredString(values, 'out'))
    mkdirSync(out, { recursive: true })
    writeFileSync(path.join(out, 'haven-import-template.xlsx'), await templateWorkbook())
    for (const sheet of SHEETS) writeFileSync(path.join(out, `${sheet}.csv`), templateCsv(sheet))
    io.out(`templates written to ${out}`)
    return 0
  },
}

export const IMPORT_COMMANDS: readonly Command[] = [importCommand, templateCommand]
