import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { csvCell } from './csv.ts'

describe('a CSV cell', () => {
  it('quotes what needs quoting and defuses what a spreadsheet would run', () => {
    assert.equal(csvCell('Ashbury'), 'Ashbury')
    assert.equal(csvCell('Sessions, cancelled'), '"Sessions, cancelled"')
    assert.equal(csvCell('say "hello"'), '"say ""hello"""')
    assert.equal(csvCell('two\nlines'), '"two\nlines"')
    assert.equal(csvCell('=1+1'), "'=1+1")
    assert.equal(csvCell('+44 7700'), "'+44 7700")
    assert.equal(csvCell('-1'), "'-1")
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)")
    assert.equal(csvCell('=HYPERLINK("x","y")'), `"'=HYPERLINK(""x"",""y"")"`)
    assert.equal(csvCell('fewer than 5'), 'fewer than 5')
  })
})
