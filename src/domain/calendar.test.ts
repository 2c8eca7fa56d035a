import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addDays, dayOfWeek, daysBetween, isIsoDate } from './calendar.ts'

describe('calendar dates', () => {
  const validity: [string, boolean][] = [
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2026-01-31', true],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['26-01-01', false],
    ['2026-03-29', true],
    ['', false],
    ['2026-03-29T00:00', false],
  ]
  for (const [value, expected] of validity) {
    it(`${JSON.stringify(value)} is ${expected ? '' : 'not '}a date`, () => {
      assert.equal(isIsoDate(value), expected)
    })
  }

  const additions: [string, number, string][] = [
    ['2026-01-31', 1, '2026-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2026-03-28', 1, '2026-03-29'], // the clocks go forward that night: still one day
    ['2026-10-24', 1, '2026-10-25'], // and back
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-03-14', 0, '2026-03-14'],
    ['2026-03-14', 365, '2027-03-14'],
  ]
  for (const [from, days, expected] of additions) {
    it(`${from} + ${days} days = ${expected}`, () => {
      assert.equal(addDays(from, days), expected)
      assert.equal(daysBetween(from, expected), days)
    })
  }

  it('knows the day of the week', () => {
    assert.equal(dayOfWeek('2026-11-21'), 6) // a Saturday
    assert.equal(dayOfWeek('2026-11-22'), 0)
  })

  it('refuses what is not a date', () => {
    assert.throws(() => addDays('2026-02-30', 1), RangeError)
  })
})
