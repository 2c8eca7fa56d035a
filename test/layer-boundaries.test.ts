import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { boundaries } from '../eslint.boundaries.js'

/** The layer rules of docs/ARCHITECTURE.md hold by lint; each case would pass without them. */
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...boundaries,
  ],
})

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file })
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message)
}

const cases: [file: string, code: string, allowed: boolean][] = [
  ['src/domain/rule.ts', "import { sql } from 'kysely'", false],
  ['src/domain/rule.ts', "import { readFileSync } from 'node:fs'", false],
  ['src/domain/rule.ts', "import { x } from '../storage/centres.ts'", false],
  ['src/domain/rule.ts', "import { x } from '../app/centres.ts'", false],
  ['src/domain/rule.ts', "import { x } from '../http/app.ts'", false],
  ['src/domain/rule.ts', "import { x } from '../config.ts'", false],
  ['src/domain/rule.ts', 'export const t = Date.now()', false],
  ['src/domain/rule.ts', 'export const t = new Date()', false],
  ['src/domain/rule.ts', 'export const r = Math.random()', false],
  ['src/domain/rule.ts', 'export const e = process.env', false],
  [
    'src/domain/rule.ts',
    "import { x } from './calendar.ts'\nexport const d = new Date('2026-01-01')",
    true,
  ],
  ['src/app/use-case.ts', "import { x } from '../http/app.ts'", false],
  ['src/app/use-case.ts', "import { x } from '../web/routes.ts'", false],
  ['src/app/use-case.ts', "import { Hono } from 'hono'", false],
  ['src/app/use-case.ts', "import { x } from '../storage/centres.ts'", true],
  ['src/app/contracts/area.ts', "import { x } from '../../storage/centres.ts'", false],
  ['src/app/contracts/area.ts', "import { Hono } from 'hono'", false],
  ['src/app/contracts/area.ts', "import { readFileSync } from 'node:fs'", false],
  ['src/app/contracts/area.ts', "import { x } from '../../http/validation.ts'", false],
  ['src/app/contracts/area.ts', "import { x } from '../../domain/errors.ts'", true],
  ['src/app/contracts/area.ts', "import { z } from 'zod'", true],
  ['src/http/route.ts', "import { x } from '../app/contracts/cases.ts'", true],
  ['src/web/page.ts', "import { x } from '../app/contracts/cases.ts'", true],
  ['src/storage/table.ts', "import { x } from '../app/centres.ts'", false],
  ['src/storage/table.ts', "import { x } from '../domain/errors.ts'", true],
  ['src/http/route.ts', "import { x } from '../storage/centres.ts'", false],
  ['src/http/route.ts', "import { sql } from 'kysely'", false],
  ['src/http/route.ts', "import { x } from '../app/centres.ts'", true],
  ['src/web/page.ts', "import { x } from '../storage/database.ts'", false],
  ['src/web/page.ts', "import pg from 'pg'", false],
  ['src/web/page.ts', "import { x } from '../app/overview.ts'", true],
  ['src/cli/command.ts', "import { x } from '../http/app.ts'", false],
  ['src/cli/command.ts', "import { x } from '../storage/migrate.ts'", true],
]

describe('layer boundaries', () => {
  for (const [file, code, allowed] of cases) {
    it(`${allowed ? 'allows' : 'refuses'} in ${file}: ${code.split('\n').at(-1) ?? ''}`, async () => {
      const found = await problems(file, code)
      if (allowed) assert.deepEqual(found, [])
      else assert.ok(found.length > 0, 'no rule fired')
    })
  }
})
