import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { POLICY_CLAUSE_IDS } from '../policy/clause-catalogue.ts'

/**
 * A fresh clone passes on its own (issue 13): nothing in the project reads anything outside
 * its own folder at test or run time. The clause catalogue and the seeds are copies in docs/.
 */
const ROOT = path.join(import.meta.dirname, '..', '..')
const CODE_FOLDERS = ['src', 'test', 'scripts', 'bench', 'bin', '.ci']
/**
 * A path to the folder beside the checkout that the issues' files live in, or the name of the
 * catalogue there. Built from parts, so that this test does not name it itself.
 */
const BESIDE = ['sha', 'red'].join('')
const OUTSIDE = new RegExp(`\\.\\.[\\\\/]${BESIDE}\\b|${['POLICY', 'CLAUSES'].join('-')}`)

function codeFiles(dir: string): string[] {
  const files: string[] = []
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) files.push(...codeFiles(full))
    else if (/\.(ts|js|mjs|cjs|sh)$/.test(name) || name === 'run') files.push(full)
  }
  return files
}

describe('V15.1.x a clone stands on its own', () => {
  it('reads no folder beside the checkout, and no clause catalogue or seed outside docs/', () => {
    const offenders: string[] = []
    for (const folder of CODE_FOLDERS)
      for (const file of codeFiles(path.join(ROOT, folder))) {
        if (file === import.meta.filename) continue
        const text = readFileSync(file, 'utf8')
        if (OUTSIDE.test(text)) offenders.push(path.relative(ROOT, file))
      }
    assert.deepEqual(offenders, [])
  })

  it('keeps the clause catalogue and the five seed policies in docs/', () => {
    assert.ok(POLICY_CLAUSE_IDS.length >= 10, `${String(POLICY_CLAUSE_IDS.length)} clauses`)
    assert.equal(readdirSync(path.join(ROOT, 'docs', 'seeds')).length, 5)
  })
})
