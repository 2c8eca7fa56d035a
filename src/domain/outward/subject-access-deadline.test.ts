import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { subjectAccessClock, type ClockPause } from './subject-access-deadline.ts'

/** SAR: one calendar month from receipt, extendable by two, stopped while waiting. */
describe('subject access due dates (SAR)', () => {
  const cases: [string, string, ClockPause[], number, string][] = [
    ['an ordinary day', '2027-03-03', [], 0, '2027-04-03'],
    ['31 January in a common year', '2027-01-31', [], 0, '2027-02-28'],
    ['31 January in a leap year', '2028-01-31', [], 0, '2028-02-29'],
    ['30 January in a leap year', '2028-01-30', [], 0, '2028-02-29'],
    ['29 January in a common year', '2027-01-29', [], 0, '2027-02-28'],
    ['29 February in a leap year', '2028-02-29', [], 0, '2028-03-29'],
    ['28 February in a common year', '2027-02-28', [], 0, '2027-03-28'],
    ['31 March (April has 30 days)', '2027-03-31', [], 0, '2027-04-30'],
    ['31 August', '2027-08-31', [], 0, '2027-09-30'],
    ['30 November', '2027-11-30', [], 0, '2027-12-30'],
    ['across the year end', '2027-12-31', [], 0, '2028-01-31'],
    ['extended by two months', '2027-03-03', [], 2, '2027-06-03'],
    ['31 January extended: three months from receipt', '2027-01-31', [], 2, '2027-04-30'],
    ['29 February extended', '2028-02-29', [], 2, '2028-05-29'],
    ['30 November extended into February', '2027-11-30', [], 2, '2028-02-29'],
    ['extended by one month', '2027-01-31', [], 1, '2027-03-31'],
    [
      'waiting for identity from receipt: due a month after it came',
      '2027-01-10',
      [{ reason: 'identity', fromOn: '2027-01-10', toOn: '2027-01-20' }],
      0,
      '2027-02-20',
    ],
    [
      'clarification stops the clock for five days',
      '2027-03-03',
      [{ reason: 'clarification', fromOn: '2027-03-10', toOn: '2027-03-15' }],
      0,
      '2027-04-08',
    ],
    [
      'two pauses add up',
      '2027-03-03',
      [
        { reason: 'identity', fromOn: '2027-03-03', toOn: '2027-03-05' },
        { reason: 'clarification', fromOn: '2027-03-10', toOn: '2027-03-13' },
      ],
      0,
      '2027-04-08',
    ],
    [
      'overlapping pauses count once',
      '2027-03-03',
      [
        { reason: 'identity', fromOn: '2027-03-03', toOn: '2027-03-08' },
        { reason: 'clarification', fromOn: '2027-03-06', toOn: '2027-03-10' },
      ],
      0,
      '2027-04-10',
    ],
    [
      'a pause and an extension',
      '2027-01-31',
      [{ reason: 'identity', fromOn: '2027-01-31', toOn: '2027-02-01' }],
      2,
      '2027-05-01',
    ],
    [
      'a pause dated before receipt counts from receipt',
      '2027-03-03',
      [{ reason: 'identity', fromOn: '2027-02-20', toOn: '2027-03-05' }],
      0,
      '2027-04-05',
    ],
    [
      'a pause that ended the day it began stops nothing',
      '2027-03-03',
      [{ reason: 'clarification', fromOn: '2027-03-04', toOn: '2027-03-04' }],
      0,
      '2027-04-03',
    ],
  ]
  for (const [name, receivedOn, pauses, extensionMonths, dueOn] of cases) {
    it(name, () => {
      const clock = subjectAccessClock({ receivedOn, pauses, extensionMonths, today: '2029-01-01' })
      assert.equal(clock.dueOn, dueOn)
      assert.equal(clock.isPaused, false)
    })
  }

  it('a stopped clock counts the open pause up to today, and says it is stopped', () => {
    const pauses: ClockPause[] = [{ reason: 'identity', fromOn: '2027-01-31' }]
    const first = subjectAccessClock({
      receivedOn: '2027-01-31',
      pauses,
      extensionMonths: 0,
      today: '2027-01-31',
    })
    assert.deepEqual(first, { dueOn: '2027-02-28', daysLeft: 28, isPaused: true, pausedDays: 0 })
    const later = subjectAccessClock({
      receivedOn: '2027-01-31',
      pauses,
      extensionMonths: 0,
      today: '2027-02-10',
    })
    assert.deepEqual(later, { dueOn: '2027-03-10', daysLeft: 28, isPaused: true, pausedDays: 10 })
  })

  it('counts days left, negative when overdue', () => {
    const due = (today: string) =>
      subjectAccessClock({ receivedOn: '2027-03-03', pauses: [], extensionMonths: 0, today })
        .daysLeft
    assert.equal(due('2027-03-03'), 31)
    assert.equal(due('2027-04-03'), 0)
    assert.equal(due('2027-04-05'), -2)
  })

  it('refuses an extension beyond two months, or a negative one', () => {
    for (const extensionMonths of [3, -1])
      assert.throws(() =>
        subjectAccessClock({
          receivedOn: '2027-03-03',
          pauses: [],
          extensionMonths,
          today: '2027-03-03',
        }),
      )
  })
})
