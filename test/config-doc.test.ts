// Every setting documented, from the declarations themselves: docs/OPERATING.md's tables are
// what scripts/config-doc.ts writes from SETTINGS, every declared setting is really read by
// loadConfig, and no code reads an environment variable that is not declared.
import assert from 'node:assert/strict'
import { globSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError, DEVELOPMENT_VARIABLES, loadConfig, SETTINGS } from '../src/config.ts'
import { OPERATING_DOC, withGeneratedTables } from '../scripts/config-doc.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const SETTING_NAMES = new Set<string>(SETTINGS.map((setting) => setting.name))
const DEVELOPMENT_NAMES = new Set<string>(DEVELOPMENT_VARIABLES.map(({ name }) => name))

/**
 * The environment variables a source file reads: `process.env.X`, `process.env['X']`,
 * `env.X` or `io.env['X']` (any name ending in env), a helper called with an environment
 * and a name (`nonEmpty(env, 'X')`), names destructured from an environment, and, with
 * `literals`, any quoted `HAVEN_…` or `DATABASE_URL` (a name kept in a variable first).
 */
export function environmentReads(source: string, literals: boolean): Set<string> {
  const names = new Set<string>()
  const NAME = '([A-Z][A-Z0-9_]*)'
  const ENV = '[A-Za-z_$.]*(?:env|Env|environment)'
  const patterns = [
    new RegExp(`\\b${ENV}\\s*(?:\\?\\.|\\.)\\s*${NAME}\\b`, 'g'),
    new RegExp(`\\b${ENV}\\s*(?:\\?\\.)?\\[\\s*['"\`]${NAME}['"\`]`, 'g'),
    new RegExp(`\\(\\s*${ENV}\\s*,\\s*['"\`]${NAME}['"\`]`, 'g'),
  ]
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) if (match[1]) names.add(match[1])
  for (const match of source.matchAll(new RegExp(`\\{([^{}]*)\\}\\s*=\\s*${ENV}\\b`, 'g')))
    for (const name of (match[1] ?? '').matchAll(/\b([A-Z][A-Z0-9_]*)\b/g))
      if (name[1]) names.add(name[1])
  if (literals)
    for (const match of source.matchAll(/['"`](HAVEN_[A-Z0-9_]+|DATABASE_URL)['"`]/g))
      if (match[1]) names.add(match[1])
  return names
}

function files(patterns: string[]): string[] {
  return patterns.flatMap((pattern) => globSync(pattern, { cwd: ROOT })).sort()
}

describe('the settings in docs/OPERATING.md', () => {
  it('are exactly what node scripts/config-doc.ts writes from SETTINGS', async () => {
    const current = readFileSync(OPERATING_DOC, 'utf8')
    assert.equal(
      current,
      await withGeneratedTables(current),
      'docs/OPERATING.md is out of date: run node scripts/config-doc.ts',
    )
    for (const { name } of [...SETTINGS, ...DEVELOPMENT_VARIABLES])
      assert.equal(
        current.match(new RegExp(`^\\| \`${name}\` +\\|`, 'gm'))?.length,
        1,
        `${name} has one line`,
      )
  })

  it('would be rewritten if a setting were added without its line', async () => {
    const current = readFileSync(OPERATING_DOC, 'utf8')
    const withoutPort = current.replace(/^\| `PORT` .*\n/m, '')
    assert.notEqual(withoutPort, current)
    assert.equal(await withGeneratedTables(withoutPort), current)
  })

  it('are each read by loadConfig: an empty value is refused, naming it', () => {
    for (const { name } of SETTINGS) {
      assert.throws(
        () => loadConfig({ [name]: ' ' }, ROOT),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message === `${name} is set but empty; unset it or give a value`,
        name,
      )
    }
  })

  it('show the defaults loadConfig uses', () => {
    const config = loadConfig({}, ROOT)
    const shown = (name: string): string | undefined => {
      const setting = SETTINGS.find((candidate) => candidate.name === name)
      return setting?.kind === 'text' ? setting.shownDefault.replaceAll('`', '') : undefined
    }
    assert.equal(shown('HOST'), config.host)
    assert.equal(shown('HAVEN_MAIL_FROM'), config.mailFrom)
    assert.equal(shown('LOG_LEVEL'), config.logLevel)
    assert.equal(path.relative(ROOT, config.dataDir), shown('HAVEN_DATA_DIR')?.replace('./', ''))
    assert.equal(config.port, 3000)
  })
})

describe('reading the environment', () => {
  const undeclared = ['HAVEN', 'NOT', 'DECLARED'].join('_')

  it('finds every way a file may read a variable', () => {
    const sources = [
      `const port = process.env.${undeclared}`,
      `const port = process.env['${undeclared}'] ?? 3`,
      `const port = io.env?.${undeclared}`,
      `const port = integer(env, '${undeclared}', 1, 0, 9)`,
      `const { PORT, ${undeclared} } = process.env`,
      `const name = '${undeclared}'\nconst value = env[name]`,
    ]
    for (const source of sources) assert.ok(environmentReads(source, true).has(undeclared), source)
    assert.equal(environmentReads(`const x = 'HAVEN_VERSION_TEXT'`, false).size, 0)
    assert.deepEqual([...environmentReads(`c.env as { incoming?: unknown }`, true)], [])
  })

  it("is only of declared settings in Haven's own code (src, bin)", () => {
    const sources = files(['src/**/*.ts', 'bin/*.js']).filter((file) => !file.endsWith('.test.ts'))
    assert.ok(sources.length > 100)
    const found: string[] = []
    for (const file of sources) {
      for (const name of environmentReads(readFileSync(path.join(ROOT, file), 'utf8'), true))
        // src/config.ts names the development variables in declaring them.
        if (
          !SETTING_NAMES.has(name) &&
          !(file === path.join('src', 'config.ts') && DEVELOPMENT_NAMES.has(name))
        )
          found.push(`${file}: ${name}`)
    }
    assert.deepEqual(
      found,
      [],
      'declare each in SETTINGS (src/config.ts) and read it through loadConfig',
    )
  })

  it('is of declared variables in the tests, benchmarks and scripts (HAVEN_…, DATABASE_URL)', () => {
    const sources = files(['src/**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'])
    const found: string[] = []
    for (const file of sources) {
      for (const name of environmentReads(readFileSync(path.join(ROOT, file), 'utf8'), false))
        if (
          /^(HAVEN_|DATABASE_URL$)/.test(name) &&
          !SETTING_NAMES.has(name) &&
          !DEVELOPMENT_NAMES.has(name)
        )
          found.push(`${file}: ${name}`)
    }
    assert.deepEqual(found, [], 'declare each in DEVELOPMENT_VARIABLES (src/config.ts)')
  })

  it('deploy/haven.env.example names only settings, and Haven accepts its values', () => {
    const example = readFileSync(path.join(ROOT, 'deploy/haven.env.example'), 'utf8')
    const environment: Record<string, string> = {}
    for (const line of example.split('\n')) {
      const match = /^#?([A-Z][A-Z0-9_]*)='([^']*)'$/.exec(line)
      if (!match?.[1] || match[2] === undefined) continue
      assert.ok(SETTING_NAMES.has(match[1]), `${match[1]} is not a setting`)
      environment[match[1]] = match[2]
    }
    assert.ok(Object.keys(environment).length >= 10)
    const config = loadConfig(environment, ROOT)
    assert.equal(config.isBehindTls, true)
    assert.deepEqual(config.trustedProxies, ['127.0.0.1', '::1'])
    assert.equal(path.dirname(config.auditKeyFile), '/var/lib/haven-keys')
    assert.equal(path.dirname(config.disposalLedgerFile), '/var/lib/haven-keys')
    assert.equal(config.dataDir, '/var/lib/haven')
  })
})
