import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

/**
 * The centre's policy is the one authority (issue 14): no role list outside src/domain/policy
 * allows or refuses anything. The use cases, the API, the pages and the command ask the
 * engine (abilities.ts, the rules); role names appear outside it only to describe an account
 * or to write one, in the places listed here with why. A new role name anywhere else fails.
 */
const ROLE_NAME = /['"`](coordinator|chair|management|staff|volunteer|referrer|parent)['"`]/
const ROLE_LOGIC = /\bhasAnyRole\(|\broles\.(includes|some)\(\s*['"(]/

/** Where a role name is written, not compared to allow or refuse: file and the line's text. */
const DESCRIBING: readonly [string, string, string][] = [
  [
    'src/app/actor.ts',
    "roles: ['coordinator'],",
    'the operator at the machine acts as the coordinator (the audit log says operator)',
  ],
  ['src/app/centres.ts', "roles: ['coordinator'],", "a new centre's first invitation"],
  ['src/app/demo-centre.ts', "roles: ['coordinator'],", "the demo centre's coordinator"],
]

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

const LAYERS = ['src/app', 'src/web', 'src/http', 'src/cli']

describe('the policy is the one authority', () => {
  it('no role list outside src/domain/policy allows or refuses anything', () => {
    const found: string[] = []
    for (const file of LAYERS.flatMap(sources)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const text = line.trim()
          if (text.startsWith('//') || text.startsWith('*') || text.startsWith('/*')) return
          if (!ROLE_NAME.test(text) && !ROLE_LOGIC.test(text)) return
          if (DESCRIBING.some(([f, l]) => f === file && l === text)) return
          found.push(`${file}:${index + 1}: ${text}`)
        })
    }
    assert.deepEqual(found, [], 'ask the engine (requireAbility, abilitiesOf) instead')
  })

  it('every line allowed to name a role is still there, so the list cannot rot', () => {
    for (const [file, line, why] of DESCRIBING) {
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
      assert.ok(lines.includes(line), `${file} no longer has "${line}" (${why})`)
    }
  })

  it('finds a role list if one is added', () => {
    const caught = ["if (!hasAnyRole(actor.roles, ['coordinator']))", "roles.includes('staff')"]
    for (const line of caught) assert.ok(ROLE_NAME.test(line) || ROLE_LOGIC.test(line), line)
  })
})
