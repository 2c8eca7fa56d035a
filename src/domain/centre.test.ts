import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCentreName, parseCentreSlug, slugFromName } from './centre.ts'
import { HavenError } from './errors.ts'

describe('centre names and slugs', () => {
  const slugs: [string, boolean][] = [
    ['demo', true],
    ['st-marys', true],
    ['a', true],
    ['9', true],
    ['-leading', false],
    ['trailing-', false],
    ['Upper', false],
    ['with space', false],
    ['', false],
    ['x'.repeat(40), true],
    ['x'.repeat(41), false],
    ['ünï', false],
  ]
  for (const [slug, ok] of slugs) {
    it(`slug ${JSON.stringify(slug)} is ${ok ? 'accepted' : 'refused'}`, () => {
      if (ok) assert.equal(parseCentreSlug(slug), slug)
      else
        assert.throws(
          () => parseCentreSlug(slug),
          (error: unknown) =>
            error instanceof HavenError && error.code === 'invalid_input' && error.field === 'slug',
        )
    })
  }

  it('trims names and refuses empty, long and control-character names', () => {
    assert.equal(parseCentreName('  Ashbury Contact Centre '), 'Ashbury Contact Centre')
    for (const bad of ['', '   ', 'x'.repeat(121), 'bell\u0007']) {
      assert.throws(
        () => parseCentreName(bad),
        (error: unknown) => error instanceof HavenError && error.field === 'name',
      )
    }
  })

  it('derives a valid slug from any name', () => {
    const cases: [string, string][] = [
      ["St Mary's Child Contact Centre", 'st-mary-s-child-contact-centre'],
      ['Café  Brûlé', 'cafe-brule'],
      ['!!!', 'centre'],
      ['A'.repeat(60), 'a'.repeat(40)],
    ]
    for (const [name, slug] of cases) {
      assert.equal(slugFromName(name), slug)
      assert.equal(parseCentreSlug(slugFromName(name)), slug)
    }
  })
})
