/**
 * Reads files as the import does (src/app/import-files.ts, then the pure reading of the
 * sheets), in a process of its own, so a hostile file that would exhaust memory or time ends
 * this process and not the test runner. Prints one line of JSON: the problems in words, the
 * rows of each sheet, the peak memory and the time taken.
 *
 *   node test/support/import-probe.ts NAME=PATH [NAME=PATH ...]
 */
import { readFileSync } from 'node:fs'
import { resourceUsage } from 'node:process'
import { sheetsOfFiles } from '../../src/app/import-files.ts'
import { readSheets } from '../../src/domain/import-sheets.ts'

const files = process.argv.slice(2).map((arg) => {
  const at = arg.indexOf('=')
  return { name: arg.slice(0, at), bytes: new Uint8Array(readFileSync(arg.slice(at + 1))) }
})
const started = performance.now()
const { sheets, problems } = await sheetsOfFiles(files)
const read = readSheets(sheets)
process.stdout.write(
  `${JSON.stringify({
    problems: [...problems, ...read.problems].map((p) => p.message),
    rows: Object.fromEntries(Object.entries(sheets).map(([name, rows]) => [name, rows.length])),
    families: read.families.map((f) => ({ label: f.label, people: f.people.length })),
    ms: Math.round(performance.now() - started),
    maxRssMb: Math.round(resourceUsage().maxRSS / 1024),
  })}\n`,
)
