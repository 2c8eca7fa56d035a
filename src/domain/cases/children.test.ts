import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { childDateOfBirthProblem } from './children.ts'

describe("a child's date of birth", () => {
  const today = '2026-03-14'
  it('is a real date, not still to come', () => {
    assert.match(childDateOfBirthProblem('2024-02-30', today, 'today') ?? '', /real date/)
    assert.match(childDateOfBirthProblem('2026-03-15', today, 'today') ?? '', /still to come/)
    assert.equal(childDateOfBirthProblem('2026-03-14', today, 'today'), undefined)
  })
  it('makes the child under 18 today, or on the day the family was referred', () => {
    assert.match(childDateOfBirthProblem('2008-03-14', today, 'today') ?? '', /18 or older;/)
    assert.equal(childDateOfBirthProblem('2008-03-15', today, 'today'), undefined)
    const referred = { referredOn: '2026-01-05' }
    assert.match(
      childDateOfBirthProblem('2008-01-05', today, referred) ?? '',
      /18 or older when referred/,
    )
    assert.equal(childDateOfBirthProblem('2008-01-06', today, referred), undefined)
  })
})
