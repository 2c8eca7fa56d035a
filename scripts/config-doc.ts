// Writes the settings tables of docs/OPERATING.md from the declarations in src/config.ts
// (SETTINGS and DEVELOPMENT_VARIABLES), between their markers, formatted as Prettier would.
// Run: node scripts/config-doc.ts. test/config-doc.test.ts fails when the file is not what
// this would write, and when code reads an environment variable that is not declared.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import prettier from 'prettier'
import { DEVELOPMENT_VARIABLES, SETTINGS, type Setting } from '../src/config.ts'

export const OPERATING_DOC = fileURLToPath(new URL('../docs/OPERATING.md', import.meta.url))

const MARKERS = {
  settings: 'settings',
  development: 'development-variables',
} as const

function cell(text: string): string {
  return text.replaceAll('|', '\\|')
}

function accepts(setting: Setting): string {
  switch (setting.kind) {
    case 'integer':
      return `a whole number from ${String(setting.min)} to ${String(setting.max)}`
    case 'boolean':
      return '`true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`)'
    case 'text':
      return setting.accepts
  }
}

function shownDefault(setting: Setting): string {
  return setting.kind === 'text' ? setting.shownDefault : `\`${String(setting.fallback)}\``
}

/** The operator's table: every setting, its default, what it accepts and what it means. */
export function settingsTable(settings: readonly Setting[] = SETTINGS): string {
  const rows = settings.map(
    (setting) =>
      `| \`${setting.name}\` | ${cell(shownDefault(setting))} | ${cell(accepts(setting))} | ${cell(setting.meaning)} |`,
  )
  return ['| variable | default | accepts | meaning |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  )
}

/** The variables only the tests, benchmarks and scripts read. */
export function developmentTable(): string {
  const rows = DEVELOPMENT_VARIABLES.map(
    ({ name, meaning }) => `| \`${name}\` | ${cell(meaning)} |`,
  )
  return ['| variable | meaning |', '| --- | --- |', ...rows].join('\n')
}

function replaceBetween(text: string, marker: string, body: string): string {
  const start = `<!-- ${marker}:start (generated from src/config.ts by node scripts/config-doc.ts; do not edit) -->`
  const end = `<!-- ${marker}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from === -1 || to === -1 || to < from)
    throw new Error(`docs/OPERATING.md has no "${marker}" markers (${start} ... ${end})`)
  return `${text.slice(0, from + start.length)}\n\n${body}\n\n${text.slice(to)}`
}

/** docs/OPERATING.md as it should be: `current` with both tables written again. */
export async function withGeneratedTables(current: string): Promise<string> {
  const replaced = replaceBetween(
    replaceBetween(current, MARKERS.settings, settingsTable()),
    MARKERS.development,
    developmentTable(),
  )
  const options = (await prettier.resolveConfig(OPERATING_DOC)) ?? {}
  return prettier.format(replaced, { ...options, filepath: OPERATING_DOC })
}

if (import.meta.main) {
  const current = readFileSync(OPERATING_DOC, 'utf8')
  const next = await withGeneratedTables(current)
  writeFileSync(OPERATING_DOC, next)
  process.stdout.write(
    next === current ? 'docs/OPERATING.md was up to date.\n' : 'docs/OPERATING.md rewritten.\n',
  )
}
