import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { compileStylesheet, STYLESHEET_FILE } from '../scripts/stylesheet.ts'

describe("Haven's stylesheet", () => {
  it('is the one built from haven.scss and GOV.UK Frontend (npm run build:css)', () => {
    assert.ok(
      readFileSync(STYLESHEET_FILE, 'utf8') === compileStylesheet(),
      'src/web/assets/haven.css is stale: run npm run build:css',
    )
  })

  it('uses no GOV.UK typeface and no crown, as services outside government must', () => {
    const css = readFileSync(STYLESHEET_FILE, 'utf8')
    assert.ok(!css.includes('GDS Transport'))
    assert.ok(!css.includes('@font-face'))
  })
})
