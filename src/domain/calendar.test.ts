import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  addDays,
  addMinutes,
  dayOfWeek,
  daysBetween,
  isIsoDate,
  isLocalDateTime,
  minutesBetween,
  isRealUkTime,
  ukDateTime,
  ukToday,
  ukWallClock,
} from './calendar.ts'

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

describe('wall-clock times at the centre', () => {
  for (const [value, ok] of [
    ['2026-11-21T10:00', true],
    ['2028-02-29T23:59', true],
    ['2027-02-29T10:00', false],
    ['2026-11-21T24:00', false],
    ['2026-11-21T10:60', false],
    ['2026-11-21 10:00', false],
    ['2026-11-21T10:00:00', false],
    ['2026-11-21T10:00Z', false],
  ] as const)
    it(`${value} is ${ok ? '' : 'not '}a wall-clock time`, () => {
      assert.equal(isLocalDateTime(value), ok)
    })

  it('adds minutes across the hour, midnight, a month end and the clock change', () => {
    assert.equal(addMinutes('2026-11-21T09:50', 15), '2026-11-21T10:05')
    assert.equal(addMinutes('2026-11-21T10:00', -15), '2026-11-21T09:45')
    assert.equal(addMinutes('2026-12-31T23:50', 15), '2027-01-01T00:05')
    assert.equal(addMinutes('2027-03-28T00:50', 60), '2027-03-28T01:50')
  })

  it('counts minutes between two times, either way', () => {
    assert.equal(minutesBetween('2026-11-21T09:45', '2026-11-21T10:00'), 15)
    assert.equal(minutesBetween('2026-11-21T10:00', '2026-11-21T09:45'), -15)
    assert.throws(() => minutesBetween('2026-11-21', '2026-11-21T09:45'), RangeError)
  })
})

describe('UK wall-clock time', () => {
  it('is GMT in winter and BST in summer, across midnight', () => {
    assert.equal(ukDateTime(new Date('2026-11-21T10:05:00Z')), '2026-11-21T10:05')
    assert.equal(ukDateTime(new Date('2026-07-01T23:30:00Z')), '2026-07-02T00:30')
    assert.equal(ukDateTime(new Date('2027-03-28T00:59:00Z')), '2027-03-28T00:59')
    assert.equal(ukDateTime(new Date('2027-03-28T01:00:00Z')), '2027-03-28T02:00')
  })
})

describe('times shown in the UK', () => {
  it('shows an instant at 10:02 BST as 10:02, and the UK date after midnight BST', () => {
    assert.equal(ukWallClock('2026-07-01T09:02:00.000Z'), '2026-07-01T10:02')
    assert.equal(ukWallClock('2026-07-01T23:10:00.000Z'), '2026-07-02T00:10')
    assert.equal(ukToday(new Date('2026-07-01T23:10:00Z')), '2026-07-02')
    assert.equal(ukWallClock('2026-12-01T09:02:00Z'), '2026-12-01T09:02')
    assert.equal(ukWallClock('2026-07-01T10:02:00+01:00'), '2026-07-01T10:02')
  })

  it('keeps a wall-clock time or a date as the centre wrote it', () => {
    assert.equal(ukWallClock('2026-07-01T09:45'), '2026-07-01T09:45')
    assert.equal(ukWallClock('2026-07-01'), '2026-07-01')
  })

  it('knows the hour that never happens when the clocks go forward, not the one repeated', () => {
    assert.equal(isRealUkTime('2027-03-28T00:59'), true)
    assert.equal(isRealUkTime('2027-03-28T01:00'), false)
    assert.equal(isRealUkTime('2027-03-28T01:30'), false)
    assert.equal(isRealUkTime('2027-03-28T02:00'), true)
    assert.equal(isRealUkTime('2026-10-25T01:30'), true)
    assert.equal(isRealUkTime('2026-03-29T01:30'), false)
    assert.equal(isRealUkTime('2026-07-01T01:30'), true)
    assert.equal(isRealUkTime('2026-07-01 01:30'), false)
  })
})
