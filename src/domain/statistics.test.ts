import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  parseQuarter,
  previousQuarter,
  quarterOf,
  quarterReturn,
  quarterReturnCsv,
  type QuarterFacts,
} from './statistics.ts'

const Q = parseQuarter('2026-Q3') ?? assert.fail('a quarter')

const session = (familyId: string, status: string, workers = 1) => ({
  familyId,
  kind: 'supported',
  status,
  startsAt: '2026-07-04T10:00',
  endsAt: '2026-07-04T12:00',
  workers,
})

const facts = (over: Partial<QuarterFacts> = {}): QuarterFacts => ({
  sessions: [],
  childrenSeen: 0,
  referrals: [],
  waits: [],
  workers: 0,
  ...over,
})

const shown = (r: ReturnType<typeof quarterReturn>, label: string, section?: string) =>
  r.sections
    .filter((s) => section === undefined || s.title === section)
    .flatMap((s) => s.figures)
    .find((f) => f.label === label)?.shown

describe("the quarter's figures", () => {
  it('reads UK calendar quarters', () => {
    assert.deepEqual(parseQuarter('2026-Q1'), {
      label: '2026-Q1',
      from: '2026-01-01',
      to: '2026-03-31',
      words: 'January to March 2026',
    })
    assert.equal(Q.to, '2026-09-30')
    assert.equal(parseQuarter('2026-Q5'), undefined)
    assert.equal(quarterOf('2026-12-02'), '2026-Q4')
    assert.equal(previousQuarter('2027-Q1'), '2026-Q4')
  })

  it('hides counts from 1 to 4, and shows 0 and 5', () => {
    const few = quarterReturn(
      Q,
      facts({ sessions: ['a', 'b', 'c', 'd'].map((f) => session(f, 'attended')) }),
    )
    assert.equal(shown(few, 'Families who came to at least one session'), 'fewer than 5')
    assert.equal(shown(few, 'Children who came to at least one session'), '0')
    const five = quarterReturn(
      Q,
      facts({ sessions: ['a', 'b', 'c', 'd', 'e'].map((f) => session(f, 'attended')) }),
    )
    assert.equal(shown(five, 'Families who came to at least one session'), '5')
  })

  it('hides a second figure beside a lone hidden one, so the total cannot give it away', () => {
    const referrals = [
      ...Array.from({ length: 9 }, () => ({ source: 'solicitor', status: 'accepted' })),
      ...Array.from({ length: 6 }, () => ({ source: 'cafcass', status: 'accepted' })),
      { source: 'court', status: 'declined' },
    ]
    const r = quarterReturn(Q, facts({ referrals }))
    const section = 'Referrals received, by source'
    assert.equal(shown(r, 'All referrals received', section), '16')
    assert.equal(shown(r, 'Courts', section), 'fewer than 5')
    assert.match(shown(r, 'Cafcass', section) ?? '', /^not shown/, 'the smallest other')
    assert.equal(shown(r, 'Solicitors', section), '9')
    assert.equal(shown(r, 'Mediators', section), '0')
    const outcome = 'Referrals received, by where they stand now'
    assert.equal(shown(r, 'Declined', outcome), 'fewer than 5')
    assert.match(shown(r, 'Accepted', outcome) ?? '', /^not shown/)
  })

  it('hides the smallest other kind of session beside a lone hidden kind', () => {
    const sessions = [
      ...Array.from({ length: 8 }, (_, i) => ({
        ...session(`s${String(i)}`, 'attended'),
        kind: 'supervised',
      })),
      ...Array.from({ length: 6 }, (_, i) => ({
        ...session(`t${String(i)}`, 'attended'),
        kind: 'supported',
      })),
      ...Array.from({ length: 2 }, (_, i) => ({
        ...session(`h${String(i)}`, 'attended'),
        kind: 'handover',
      })),
    ]
    const r = quarterReturn(Q, facts({ sessions }))
    assert.equal(shown(r, 'Sessions offered (booked)'), '16')
    assert.equal(shown(r, 'Of which handover'), 'fewer than 5')
    assert.match(shown(r, 'Of which supported') ?? '', /^not shown/, '16 - 8 - 6 would give 2')
    assert.equal(shown(r, 'Of which supervised'), '8')
  })

  it('shows waiting times only from 5 families, and hours only from 5 workers', () => {
    const few = quarterReturn(
      Q,
      facts({ waits: [10, 20], workers: 3, sessions: [session('a', 'attended', 3)] }),
    )
    assert.equal(shown(few, 'Median days from referral to first session'), undefined)
    assert.match(shown(few, 'Hours on duty at sessions held') ?? '', /^not shown/)
    const many = quarterReturn(
      Q,
      facts({ waits: [3, 40, 10, 20, 30, 7], workers: 6, sessions: [session('a', 'attended', 3)] }),
    )
    assert.equal(shown(many, 'Median days from referral to first session'), '15')
    assert.equal(shown(many, 'Longest wait, days'), '40')
    assert.equal(shown(many, 'Hours on duty at sessions held'), '6', 'two hours, three workers')
  })

  it('writes the CSV with the hidden figures hidden', () => {
    const r = quarterReturn(Q, facts({ sessions: [session('a', 'attended')] }))
    const csv = quarterReturnCsv(r)
    assert.match(csv, /^Quarter,Section,Figure,Value\r\n/)
    assert.match(
      csv,
      /2026-Q3,Families and children seen,Families who came to at least one session,fewer than 5\r\n/,
    )
    assert.doesNotMatch(csv, /,1\r\n/, 'no 1 anywhere')
  })
})
