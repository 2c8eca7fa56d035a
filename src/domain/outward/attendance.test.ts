import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { attendanceCsv, attendanceLines, attendanceOutcome, countOutcomes } from './attendance.ts'

describe('attendance statements (ATTEND)', () => {
  const now = '2027-03-10T12:00'
  const outcomes: [string, string, boolean, string, string | undefined][] = [
    ['attended', 'attended', false, '2027-03-06T10:00', 'attended'],
    ['booked, someone signed in at the door', 'booked', true, '2027-03-06T10:00', 'attended'],
    [
      'booked, nobody signed in: not recorded, left out',
      'booked',
      false,
      '2027-03-06T10:00',
      undefined,
    ],
    ['did not attend', 'did_not_attend', false, '2027-03-06T10:00', 'did_not_attend'],
    ['cancelled in the past', 'cancelled', false, '2027-03-06T10:00', 'cancelled'],
    ['cancelled ahead', 'cancelled', false, '2027-03-20T10:00', 'cancelled'],
    ['still to come', 'booked', false, '2027-03-20T10:00', undefined],
    ['an unknown status is not guessed', 'rescheduled', true, '2027-03-06T10:00', undefined],
  ]
  for (const [name, status, hasArrival, startsAt, outcome] of outcomes)
    it(name, () => {
      assert.equal(attendanceOutcome({ startsAt, status, hasArrival }, now), outcome)
    })

  it('keeps to the period, earliest first, dates and times only', () => {
    const lines = attendanceLines(
      [
        {
          startsAt: '2027-03-06T10:00',
          endsAt: '2027-03-06T12:00',
          status: 'attended',
          hasArrival: true,
        },
        {
          startsAt: '2027-02-27T10:00',
          endsAt: '2027-02-27T11:30',
          status: 'cancelled',
          hasArrival: false,
        },
        {
          startsAt: '2027-01-02T10:00',
          endsAt: '2027-01-02T12:00',
          status: 'attended',
          hasArrival: true,
        },
      ],
      { from: '2027-02-01', to: '2027-03-31' },
      now,
    )
    assert.deepEqual(lines, [
      { date: '2027-02-27', starts: '10:00', ends: '11:30', outcome: 'cancelled' },
      { date: '2027-03-06', starts: '10:00', ends: '12:00', outcome: 'attended' },
    ])
    assert.equal(
      attendanceCsv(lines),
      'date,starts,ends,outcome\r\n2027-02-27,10:00,11:30,Cancelled\r\n2027-03-06,10:00,12:00,Attended\r\n',
    )
    assert.deepEqual(countOutcomes(lines), { attended: 1, cancelled: 1, did_not_attend: 0 })
  })
})
